"""The register's Atom 1.0 feed of new announcements (RFC 4287), ``/register/feed.atom``:
registrations, suspensions, revocations, recalls — whatever the installed domains announce.

A case type lists its announcement sources on ``CaseType.announcements``; another domain adds
one with ``add_announcements``.  A source is ``source(limit) -> [Announcement]``, the newest
first, and says only what the public register says: nothing confidential is ever on it."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Callable
from xml.etree import ElementTree as ET  # only writes the feed, never parses  # nosec B405

from flask import Blueprint, Flask, Response, current_app, url_for
from flask_babel import gettext as _

from supervision import policies
from supervision.public.caching import cacheable
from supervision.cases import types
from supervision.core.i18n import lang

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50

bp = Blueprint("register_feed", __name__)


@dataclass(frozen=True)
class Announcement:
    key: str                 # unique and stable across requests, e.g. "audit-event/123"
    category: str            # registration, suspension, revocation, recall …
    title: str               # in the reader's language
    summary: str
    path: str                # the page it announces, relative to the site (/register?q=…)
    published: dt.datetime   # UTC


Source = Callable[[int], list[Announcement]]


def add_announcements(app: Flask, source: Source) -> None:
    app.extensions.setdefault("announcement_sources", []).append(source)


def sources() -> list[Source]:
    return [*types.all_of("announcements"), *current_app.extensions.get("announcement_sources", [])]


def latest(limit: int = FEED_SIZE) -> list[Announcement]:
    found = [a for source in sources() for a in source(limit)]
    found.sort(key=lambda a: (a.published, a.key), reverse=True)
    return found[:limit]


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def _when(ts: dt.datetime) -> str:
    """RFC 3339 in UTC (stored times are naive UTC)."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return ts.replace(microsecond=0).isoformat() + "Z"


def _entry_id(key: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{_base()}/register/{key}").urn


def render(entries: list[Announcement]) -> bytes:
    """The feed document: one ``entry`` per announcement, the newest first."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang()})
    sub(feed, "id", _entry_id("feed.atom"))
    sub(feed, "title", _("Public register of robot models: announcements"))
    sub(feed, "updated", _when(entries[0].published) if entries else "1970-01-01T00:00:00Z")
    sub(feed, "link", rel="self", href=_base() + url_for("register_feed.atom"), type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=_base() + url_for("public.index"), type="text/html")
    author = sub(feed, "author")
    sub(author, "name", _("Public register of robot models"))
    for a in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", _entry_id(a.key))
        sub(entry, "title", a.title)
        sub(entry, "updated", _when(a.published))
        sub(entry, "published", _when(a.published))
        sub(entry, "link", rel="alternate", href=_base() + a.path, type="text/html")
        sub(entry, "category", term=a.category)
        sub(entry, "summary", a.summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.route("/register/feed.atom")
@policies.policy(policies.PUBLIC)
@cacheable
def atom():
    return Response(render(latest()), mimetype="application/atom+xml")
