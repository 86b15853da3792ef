"""What a patch series' mail already says (pure): its versions, the trailers given in replies,
and who replied to each version, derived from the messages on record.

- A message is part of a series when its subject carries a patch tag, as git format-patch,
  b4 and Mercurial write them: "[PATCH v3 07/17]", "[RFC PATCH bpf-next v6 0/9]",
  "[PATCH 0 of 2]", "[PATCH] ...". Replies ("Re: ...") are not parts.
- A version is the set of parts of one version number (v1 when none is given; RFC marks it).
  Its cover letter is part 0, or the only patch of a single-patch series, or its first part;
  its date is the earliest of its parts.
- A trailer is a "Reviewed-by:", "Acked-by:", "Tested-by:" or "Nacked-by:" line of a reply's
  own text (quoted lines do not count: those are someone else's), given on the version of the
  part it replies to (up the In-Reply-To chain). Trailers inside the parts themselves were
  collected by the author from earlier reviews, and are not counted again.
- Who replied: the authors of the replies to a version's parts, other than its author.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from generator import mailtext

_REPLY = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|antw)\s*:\s*)+", re.I)
_TAG = re.compile(r"^\s*\[(?P<tag>[^\]]*\bPATCH\b[^\]]*)\]", re.I)
_VERSION = re.compile(r"\bv(\d{1,3})\b", re.I)
_PART = re.compile(r"\b(\d{1,4})\s*(?:/|\s+of\s+)\s*(\d{1,4})\b")
_TRAILER = re.compile(r"(Reviewed|Acked|Tested|Nacked|NACKed)-by:\s*(.+)", re.I)
_ADDRESS = re.compile(r"<(?:mailto:)?([^<>\s]+@[^<>\s]+?)>")
KINDS = {"reviewed": "Reviewed-by", "acked": "Acked-by", "tested": "Tested-by", "nacked": "Nacked-by"}


def patch_tag(subject: str) -> dict[str, Any] | None:
    """What a part's subject says of it: {version, rfc, part, total, label}, or None when the
    subject is not a part of a series (no patch tag, or a reply)."""
    if not subject or _REPLY.match(subject):
        return None
    m = _TAG.match(subject)
    if not m:
        return None
    tag = m.group("tag")
    version = _VERSION.search(tag)
    part = _PART.search(tag)
    number = int(version.group(1)) if version else 1
    rfc = bool(re.search(r"\bRFC\b", tag, re.I))
    return {
        "version": number,
        "rfc": rfc,
        "part": int(part.group(1)) if part else 1,
        "total": int(part.group(2)) if part else 1,
        "label": ("RFC " if rfc else "") + f"v{number}",
        "title": subject[m.end() :].strip(),
    }


def trailers(text: str) -> list[tuple[str, str, str]]:
    """The trailers of a message's own (unquoted) lines: (kind, name, address)."""
    out = []
    for line in mailtext.quote_lines(text or ""):
        if line.level:
            continue
        m = _TRAILER.fullmatch(line.text.strip())
        if not m:
            continue
        value = m.group(2).strip()
        addr = _ADDRESS.search(value)
        name = value.split("<", 1)[0].strip()
        name = re.sub(r"\s*[\(\[][^\)\]]*[\)\]]\s*", " ", name).strip().strip("\"'").strip()
        if "," in name:  # "Tester2, Followup": surname first
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}".strip()
        out.append((KINDS[m.group(1).lower()], name, addr.group(1) if addr else ""))
    return out


def revisions(messages: list[Mapping[str, Any]], people: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The versions of the series these messages carry, oldest first (see the module's
    docstring). Each: label, version, rfc, date, message_id (of its cover letter), title,
    parts, author, trailers [{kind, person, name, message_id, part}], repliers [person ids]."""
    by_id = {m["message_id"]: m for m in messages}
    tags = {mid: t for mid, m in by_id.items() if (t := patch_tag(m["subject"] or ""))}
    if not tags:
        return []
    by_address = {a.casefold(): pid for pid, p in people.items() for a in p["addresses"]}
    by_name = {mailtext.name_key(p["name"]): pid for pid, p in people.items()}
    versions: dict[tuple[int, bool], dict[str, Any]] = {}
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    for mid, t in sorted(tags.items(), key=lambda kv: (kv[1]["part"], by_id[kv[0]]["date"] or latest, kv[0])):
        msg = by_id[mid]
        v = versions.setdefault(
            (t["version"], t["rfc"]),
            {
                "label": t["label"],
                "version": t["version"],
                "rfc": t["rfc"],
                "date": None,
                "message_id": mid,
                "title": t["title"],
                "parts": 0,
                "author": msg["author"],
                "trailers": [],
                "repliers": [],
                "_parts": {},
            },
        )
        if t["part"] == 0 or (v["_parts"] and min(v["_parts"].values()) > t["part"]):
            v["message_id"], v["title"] = mid, t["title"]
        v["_parts"][mid] = t["part"]
        v["parts"] = max(v["parts"], t["total"])
        if msg["date"] and (v["date"] is None or msg["date"] < v["date"]):
            v["date"] = msg["date"]
    part_of = {mid: key for key, v in versions.items() for mid in v["_parts"]}

    def version_of(mid: str) -> tuple[str, tuple[int, bool]] | None:
        seen = set()
        current = by_id.get(mid)
        while current is not None and current["message_id"] not in seen:
            seen.add(current["message_id"])
            parent = current["in_reply_to"]
            if parent in part_of:
                return parent, part_of[parent]
            current = by_id.get(parent or "")
        return None

    for mid in sorted(by_id, key=lambda i: (by_id[i]["date"] or latest, i)):
        if mid in tags:
            continue
        found = version_of(mid)
        if found is None:
            continue
        part_id, key = found
        v = versions[key]
        msg = by_id[mid]
        if msg["author"] != v["author"] and msg["author"] not in v["repliers"]:
            v["repliers"].append(msg["author"])
        for kind, name, address in trailers(msg["text"] or ""):
            person = by_address.get(address.casefold()) if address else None
            person = person or by_name.get(mailtext.name_key(name))
            v["trailers"].append(
                {
                    "kind": kind,
                    "person": person,
                    "name": name or address,
                    "message_id": mid,
                    "part": v["_parts"][part_id],
                }
            )
    out = []
    for v in sorted(versions.values(), key=lambda v: (v["version"], not v["rfc"], v["date"] or latest)):
        del v["_parts"]
        out.append(v)
    return out


def newest(versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest version: the highest number, a non-RFC one before an RFC of the same."""
    return versions[-1] if versions else None


def stated_version(links: list[Mapping[str, Any]]) -> int | None:
    """The highest version a proposal's links name ("v3", "RFC v2"; "RFC" alone is v1)."""
    found = []
    for link in links:
        text = link["version"] or ""
        m = _VERSION.search(text)
        if m:
            found.append(int(m.group(1)))
        elif text.strip():
            found.append(1)
    return max(found) if found else None
