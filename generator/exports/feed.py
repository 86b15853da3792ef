"""An event's schedule releases as an Atom feed (RFC 4287): one entry per release, the newest
first, each saying what changed since the one before, so that a feed reader tells attendees of
each new version of the schedule, as pretalx's schedule feed does. Pure: the Site in, the XML
text out (the standard library's ElementTree escapes every text, so no title becomes markup).

Ids are stable across builds and machines (a UUID from the event and the release number); an
entry's `updated` is when the release was made. A feed is written only for an event that has
releases: with none, nothing would say when it was last updated.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET

from generator import layout
from generator.layout import Publish
from generator.records import releases
from generator.records.model import Site

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def release_id(eid: str, number: int) -> str:
    """The release's Atom id (and its announcement's anchor of identity), the same everywhere."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"lsfmm-prep:{eid}:release:{number}").urn


def feed(site: Site, publish: Publish, eid: str, path: str, history: list[releases.Release]) -> str:
    """The Atom feed of an event's releases (`history`, oldest first; at least one)."""
    event = site.events[eid]
    rooms = releases.room_names(event)
    changes_page = layout.target("changes" if path == layout.target("feed") else "event-changes", eid)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(root, "generator", layout.GENERATOR)
    sub(root, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"lsfmm-prep:{eid}:releases").urn)
    sub(root, "title", f"{event['name']}: schedule releases")
    sub(root, "updated", _stamp(history[-1].released))
    page = publish.absolute(publish.page_url(changes_page))
    if page is not None:
        sub(root, "link", rel="alternate", type="text/html", href=page)
        sub(root, "link", rel="self", type="application/atom+xml", href=publish.absolute(path) or "")
    author = sub(root, "author")
    sub(author, "name", f"{event['name']} program committee")
    for r in reversed(history):
        entry = sub(root, "entry")
        sub(entry, "id", release_id(eid, r.number))
        sub(entry, "title", f"Release {r.number}: {r.name}")
        sub(entry, "updated", _stamp(r.released))
        if page is not None:
            sub(entry, "link", rel="alternate", type="text/html", href=f"{page}#release-{r.number}")
        count = f"{len(r.sessions)} session{'s' if len(r.sessions) != 1 else ''} with a slot"
        head = "The first release" if r.number == 1 else f"Since release {r.number - 1}: {r.changes.summary()}"
        sub(entry, "summary", f"{head}; {count}.")
        body = [*([r.note, ""] if r.note else []), *releases.change_lines(r.changes, rooms)]
        sub(entry, "content", "\n".join(body) or f"{head}.", type="text")
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
