"""Rendered parts of signed-in pages, cached under what they show and the data version.

A fragment is the HTML a view renders from the database (the queue's tabs, counts and rows).
It is stored (Flask-Caching: ``FRAGMENT_CACHE``, a worker's memory by default, Redis in
production) under a key made of the caller's parts (who is asking, the query, the language,
the day), the data version (``core.dataversion``: moves with every commit that changed rows)
and the release (templates and translations), so a change is never served from the cache: the
next request after it reads a new version and renders anew.

What belongs to the request and not to the data stays out of the stored HTML: the forms'
CSRF and one-time tokens are rendered as a mark and replaced by fresh tokens on every use, and
so are the other per-request values a fragment names (``fills``, e.g. the address the language
form returns to); flashed messages are never kept.

A whole signed-in page may be kept the same way (``page``): the view's page, header included,
under the user, the address and the language, when the request carries nothing of its own to
show (no flashed message, no form waiting to be put back); its fragments then leave their marks
in place for the page to fill.  Whatever a page shows that is not data (the user's name and
roles are rows too) is part of the key, so one user's page is never served to another.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from flask import Flask, current_app, g, request, session
from flask.globals import request_ctx
from flask_caching import Cache
from markupsafe import Markup

from supervision.core import dataversion
from supervision.core.once import form_tokens

fragment_cache = Cache()
# Escaped text can never produce this (``<`` is escaped), so only the template's own mark matches.
TOKENS_MARK = "<!--form-tokens-->"


def _mark() -> Markup:
    return Markup("<!--form-tokens-->")


def _key(name: str, parts: tuple, version: str) -> str:
    from supervision.public.caching import release

    text = "\x1f".join((name, version, release(str(Path(current_app.root_path).parent)), *map(str, parts)))
    return f"fragment:{name}:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def cached_value(name: str, parts: tuple, compute: Callable[[], Any],
                 keep: Callable[[Any], bool] | None = None) -> Any:
    """``compute()``'s value (plain data) kept under ``parts`` and the data version (a value
    ``keep`` refuses is returned but not kept)."""
    version = dataversion.current()
    if version is None:
        return compute()
    key = _key(name, parts, version)
    value = fragment_cache.get(key)
    if value is None:
        value = compute()
        if keep is None or keep(value):
            fragment_cache.set(key, value)
    return value


# Per-request values a fragment leaves as a mark, by name: filled on every use.
_FILLS: dict[str, Callable[[], str]] = {}
_MARKS_ONLY = "fragments_marks_only"  # in g while a kept page renders: fragments keep their marks


def render(name: str, parts: tuple, template: Callable[..., str],
           fills: dict[str, Callable[[], str]] | None = None) -> Markup:
    """The fragment ``template(form_tokens=…, **marks)`` renders, from the cache when it holds it
    for these parts and the current data version, with fresh form tokens in place of the marks.

    ``fills`` names further per-request values: ``{name: value()}`` is passed to the template as
    ``name`` (a function the template calls where the value goes, as ``{{ name() }}``), rendered
    as a mark and replaced by ``value()`` (HTML, already escaped) on every use."""
    fills = fills or {}
    _FILLS.update(fills)
    marks = {key: _named_mark(key) for key in fills}
    html = cached_value(name, parts, lambda: template(form_tokens=_mark, **marks))
    if g.get(_MARKS_ONLY):
        return Markup(html)  # noqa: S704  # nosec B704  (the page around it fills the marks)
    return _filled(html)


def _filled(html: str) -> Markup:
    """``html`` with fresh form tokens and the named fills in place of their marks."""
    for key, value in _FILLS.items():
        if _mark_text(key) in html:
            html = html.replace(_mark_text(key), str(value()))
    pieces = html.split(TOKENS_MARK)
    out = [pieces[0]]
    for piece in pieces[1:]:
        out += [str(form_tokens()), piece]
    # Every piece is HTML the template rendered (its values escaped by Jinja), as the page
    # would have included it uncached, and the fills' values are escaped HTML too.
    return Markup("".join(out))  # noqa: S704  # nosec B704


def page(name: str, parts: tuple, template: Callable[..., str]) -> str:
    """The whole page ``template(form_tokens=…)`` renders for the signed-in user, kept under
    ``parts``, the user, the address (path and query), the language, the data version and the
    release; rendered as usual when this request has something of its own to show (a flashed
    message, a form to put back after signing in again) or is not a GET."""
    from flask_babel import get_locale
    from flask_login import current_user

    from supervision.accounts.kept import HELD

    if request.method != "GET" or session.get("_flashes") or session.get(HELD):
        return template()
    def marked() -> str:
        g.setdefault(_MARKS_ONLY, True)
        try:
            return str(template(form_tokens=_mark))
        finally:
            g.pop(_MARKS_ONLY, None)

    def keepable(html: str) -> bool:
        return not any(token in html for token in _UNMARKED_TOKENS) and not request_ctx.flashes

    key_parts = (current_user.id, request.full_path, str(get_locale()), *parts)
    if dataversion.current() is None:
        return template()
    return _filled(cached_value(name, key_parts, marked, keep=keepable))


# A token rendered in full (not as a mark) in a page about to be kept: such a page is not kept,
# since its tokens belong to this request (and session) only.
_UNMARKED_TOKENS = ('name="form_once"', 'name="csrf_token"')


def _mark_text(key: str) -> str:
    return f"<!--fill:{key}-->"


def _named_mark(key: str) -> Callable[[], Markup]:
    return lambda: Markup(_mark_text(key))  # noqa: S704  # nosec B704  (a constant comment)


def install(app: Flask) -> None:
    fragment_cache.init_app(app, config={"CACHE_TYPE": app.config["FRAGMENT_CACHE"],
                                         "CACHE_DEFAULT_TIMEOUT": app.config["FRAGMENT_CACHE_SECONDS"],
                                         "CACHE_REDIS_URL": app.config["REDIS_URL"],
                                         "CACHE_KEY_PREFIX": "supervision:", "CACHE_THRESHOLD": 300,
                                         "CACHE_NO_NULL_WARNING": True})
