"""Language selection and translation helpers (Chinese by default, English complete).

A ``?lang=`` in the address wins for that page, and every link built on it carries it (a
visitor switches language without a session, so public pages set no cookie); then the user's
stored choice, then a choice kept in the session, then ``Accept-Language``, then Chinese.  The API (``/api/``) answers in the language of
``Accept-Language`` alone, whoever is signed in in the same browser.
"""
from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request, session
from babel import Locale
from flask_babel import get_locale, gettext
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from flask_login import current_user

from supervision.core.timeutil import to_local


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    if request and request.path.startswith("/api/"):  # a machine client: its Accept-Language only
        return _accepted(langs) or current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = asked_language()
    if asked:
        return asked
    user = current_user if signed_in() else None
    if user is not None and getattr(user, "locale", None) in langs:
        return user.locale
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    best = _accepted(langs) if request else None
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def request_locale() -> Locale:
    """Flask-Babel's locale selector: ``select_locale()``'s choice as a parsed ``Locale``, parsed
    once per language in a worker's life (Flask-Babel would parse the code on every request)."""
    return _locale(select_locale())


@functools.cache
def request_timezone():
    """Flask-Babel's time-zone selector: Asia/Shanghai, resolved once."""
    from flask_babel import timezone

    return timezone("Asia/Shanghai")


def signed_in() -> bool:
    """Whether a user is signed in, asking Flask-Login only when the session names one (a
    visitor's request then never runs the user loader and its session checks)."""
    return "_user_id" in session and current_user.is_authenticated


def _accepted(langs) -> str | None:
    """The best of ``langs`` for this request's ``Accept-Language``."""
    return _best_match(request.headers.get("Accept-Language", ""), tuple(langs))


@functools.lru_cache(maxsize=512)
def _best_match(header: str, langs: tuple[str, ...]) -> str | None:
    # Parsing the header cost half a millisecond a request; browsers send a handful of
    # distinct values, so each is parsed once.
    return parse_accept_header(header, LanguageAccept).best_match(langs)


def asked_language() -> str | None:
    """The language named by ``?lang=`` in this page's address, if it is one we speak."""
    if not has_request_context():
        return None
    asked = request.args.get("lang")
    return asked if asked in current_app.config["LANGUAGES"] else None


def _carry_language(endpoint: str, values: dict) -> None:
    """url_defaults: links built on a page opened with ``?lang=`` keep it."""
    asked = asked_language()
    if asked and endpoint != "static" and not endpoint.endswith(".static") and not endpoint.startswith("api."):
        values.setdefault("lang", asked)


def switch_language_url(code: str) -> str:
    """This page's address in language ``code`` (other query parameters kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
    return f"{request.path}?{urlencode(args)}"


def keep_language() -> Markup:
    """In a GET form (which drops its action's query): the page's ``?lang=``, if any."""
    asked = asked_language()
    return Markup('<input type="hidden" name="lang" value="{}">').format(asked) if asked else Markup("")


def lang() -> str:
    return str(get_locale() or "zh")[:2]


def label(text: str, **params) -> str:
    """Translate a label that was marked with the no-op ``N_`` marker outside Flask (with the
    values of its ``%(name)s`` fields, if any)."""
    return gettext(text, **params) if text else ""


def pick(zh: str | None, en: str | None) -> str:
    """Choose between a Chinese and an English stored value for the current language."""
    if lang() == "en":
        return en or zh or ""
    return zh or en or ""


def format_ts(ts: dt.datetime | None) -> str:
    """A stored UTC timestamp shown in Asia/Shanghai time."""
    if ts is None:
        return ""
    return to_local(ts).strftime("%Y-%m-%d %H:%M")


def format_date(d: dt.date | None) -> str:
    """A day in the reader's language; a stored UTC timestamp gives its day in Asia/Shanghai."""
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        d = to_local(d).date()
    if lang() == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(label=label, pick=pick, lang=lang, switch_language_url=switch_language_url,
                                 keep_language=keep_language)
    app.url_defaults(_carry_language)
    app.jinja_env.filters.update(ts=format_ts, date=format_date, label=label)
