"""Language selection and translation helpers (Chinese by default, English complete).

The user's stored choice wins, then the choice kept in the session (anonymous visitors),
then ``Accept-Language``, then Chinese.
"""
from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user

from supervision.core.timeutil import to_local


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None and getattr(user, "locale", None) in langs:
        return user.locale
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    best = request.accept_languages.best_match(langs) if request else None
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


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
    if d is None:
        return ""
    if lang() == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(label=label, pick=pick, lang=lang)
    app.jinja_env.filters.update(ts=format_ts, date=format_date, label=label)
