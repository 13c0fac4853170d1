"""Public pages served without a session and revalidated cheaply (issue 15, "Speed").

A view marked ``@cacheable`` (a public page with no form that needs a CSRF token) answers a
visitor who is not signed in

* without a cookie: nothing on the page writes the session (the language is chosen with
  ``?lang=``, which every link of the page carries: ``core.i18n``);
* with an ``ETag`` built from the data version, the language, the path and query, the day and
  the release, and ``Cache-Control: public, no-cache`` (every use is revalidated), ``Vary:
  Accept-Language, Cookie``;
* with ``304 Not Modified`` before the view runs when ``If-None-Match`` names that tag, and
  with the page rendered for an earlier visitor under the same tag when the cache
  (Flask-Caching, ``PUBLIC_PAGE_CACHE``) holds it.

The data version is ``core.dataversion``'s: a number every commit that changed rows moves (the
same one the signed-in pages' kept fragments are keyed by); sign-ins, downloads and other
readings leave it alone.  The
day is part of the tag because public pages say what holds *today* (a certificate that expired,
a notice period that ended).  Signed-in users get the pages as before (their header differs).
"""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Callable

from flask import Flask, Response, current_app, g, request, session
from flask_caching import Cache
from flask_babel import get_locale

from supervision.core import dataversion
from supervision.core.i18n import signed_in
from supervision.core.timeutil import to_local, utcnow

CACHE_CONTROL = "public, no-cache"
# Pages rendered for one visitor, served to the next under the same tag (PUBLIC_PAGE_CACHE).
page_cache = Cache()


def cacheable(view: Callable) -> Callable:
    """Mark a public GET view whose page needs no session (no CSRF form) as cacheable."""
    view.public_cache = True  # type: ignore[attr-defined]
    return view


def data_version() -> str | None:
    """The data version the tag is built from (``None``: this request wrote, nothing is kept)."""
    return dataversion.current()


@functools.lru_cache(maxsize=1)
def release(root: str) -> str:
    """What the code serves pages from (templates, translations): a new release, a new tag."""
    h = hashlib.sha256()
    for folder in ("templates", "translations"):
        for path in sorted((Path(root) / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                h.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def _applies() -> bool:
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "public_cache", False)) and not signed_in()


def etag() -> str | None:
    version = data_version()
    if version is None:
        return None
    parts = (version, str(get_locale()), request.full_path, to_local(utcnow()).date().isoformat(),
             release(os.path.dirname(current_app.root_path)))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def answer_unchanged() -> Response | None:
    """before_request: 304 when the visitor already holds this page's current version; the
    page as rendered for an earlier visitor when the cache holds this version."""
    if not _applies():
        return None
    g.public_etag = etag()
    if g.public_etag is None:
        return None
    if g.public_etag in request.if_none_match:
        resp = Response(status=304)
        _mark(resp)
        return resp
    stored = None if session.get("_flashes") else page_cache.get(_cache_key())
    if stored is not None:
        body, mimetype = stored
        resp = Response(body, mimetype=mimetype)
        _mark(resp)
        g.public_from_cache = True
        return resp
    return None


def _cache_key() -> str:
    return f"public-page:{request.method == 'HEAD'}:{g.public_etag}"


def _mark(resp: Response) -> None:
    resp.set_etag(g.public_etag)
    resp.headers["Cache-Control"] = CACHE_CONTROL
    resp.vary.update(("Accept-Language", "Cookie"))


def tag_page(resp: Response) -> Response:
    """after_request: tag a public page answered in full."""
    if g.get("public_from_cache"):
        return resp
    if getattr(g, "public_etag", None) and resp.status_code == 200 and "Set-Cookie" not in resp.headers:
        _mark(resp)
        if not resp.direct_passthrough and request.method == "GET" and not session.get("_flashes"):
            page_cache.set(_cache_key(), (resp.get_data(), resp.mimetype))
    return resp


def install(app: Flask) -> None:
    page_cache.init_app(app, config={"CACHE_TYPE": app.config["PUBLIC_PAGE_CACHE"],
                                     "CACHE_DEFAULT_TIMEOUT": app.config["PUBLIC_PAGE_CACHE_SECONDS"],
                                     "CACHE_REDIS_URL": app.config["REDIS_URL"],
                                     "CACHE_KEY_PREFIX": "supervision:", "CACHE_THRESHOLD": 500,
                                     "CACHE_NO_NULL_WARNING": True})
    app.before_request(answer_unchanged)
    app.after_request(tag_page)

