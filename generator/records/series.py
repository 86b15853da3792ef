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

from generator.records import mailtext

_GROUP = re.compile(r"\s*\[([^\[\]]{0,200})\]")
_IS_PATCH = re.compile(r"\bPATCH(?:SET|ES)?(?:v\d+)?\b", re.I)
_VERSION = re.compile(r"(?:\b|(?<=PATCH)|(?<=PATCHSET)|(?<=RFC))v(\d{1,3})(?:\.(\d{1,2}))?\b", re.I)
_PART = re.compile(r"\b(\d{1,4})\s*(?:/|\s+of\s+)\s*(\d{1,4})\b")
_BRANCH = re.compile(r"\bPATCH\s+(\d{1,2}\.\d{1,3}(?:\.\d{1,3})?)\s", re.I)  # a stable tree: "[PATCH 6.1 012/123]"
# A trailer, also with a bracketed note in front: "[Jack Wang] Acked-by: ...".
_TRAILER = re.compile(r"(?:\[[^\[\]]{1,60}\]\s*)?(Reviewed|Acked|Tested|Nacked|NACKed)-by:\s*(.+)", re.I)
KINDS = {"reviewed": "Reviewed-by", "acked": "Acked-by", "tested": "Tested-by", "nacked": "Nacked-by"}


def patch_tag(subject: str) -> dict[str, Any] | None:
    """What a part's subject says of it: {version, rfc, branch, part, total, label, title}, or
    None when the subject is not a part of a series (no patch tag, or a reply). The tag is every
    bracketed group that opens the subject ("[f2fs-dev] [PATCH v2 1/3]", "[RFC][PATCH 1/2]",
    "[PATCHv2 1/3]", "[PATCHSET v3 0/4]", "[PATCH RFCv2 0/3]", "[PATCH 6.1 012/123]")."""
    if not subject or mailtext.REPLY_PREFIX.match(subject):
        return None
    groups, pos = [], 0
    while (m := _GROUP.match(subject, pos)) is not None:
        groups.append(m.group(1))
        pos = m.end()
    tag = " ".join(groups)
    if not _IS_PATCH.search(tag) or re.search(r"\bTOPIC\b", tag, re.I):
        return None  # "[LSF/MM/BPF TOPIC] [PATCH] ..." proposes a discussion, not a series
    version = _VERSION.search(tag)
    number = (int(version.group(1)), int(version.group(2) or 0)) if version else (1, 0)
    part = _PART.search(tag)
    branch = _BRANCH.search(tag + " ")
    rfc = bool(re.search(r"\bRFC", tag, re.I))
    shown = f"v{number[0]}" + (f".{number[1]}" if number[1] else "")
    return {
        "version": number,
        "rfc": rfc,
        "branch": branch.group(1) if branch else "",
        "part": int(part.group(1)) if part else 1,
        "total": int(part.group(2)) if part else 1,
        "label": (f"{branch.group(1)} " if branch else "") + ("RFC " if rfc else "") + shown,
        "title": subject[pos:].strip(),
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
        addr = re.search(r"<(?:mailto:)?([^<>\s]+@[^<>\s]+?)>", value)
        name = value.split("<", 1)[0].strip()
        name = re.sub(r"\s*[\(\[][^\)\]]*[\)\]]\s*", " ", name).strip().strip("\"'").strip()
        if "," in name:  # "Tester2, Followup": surname first
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}".strip()
        out.append((KINDS[m.group(1).lower()], name, addr.group(1) if addr else ""))
    return out


def revisions(messages: list[Mapping[str, Any]], people: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The versions of the series these messages carry, oldest first (see the module's
    docstring). Each: label, version, rfc, branch, date, message_id (of its cover letter),
    title, parts, author, trailers [{kind, person, name, by, message_id, part}], repliers
    [person ids]. A trailer's `person` is who it names, matched to people.yaml; `by` is who
    sent it, given only when that is someone else (b4 calls it a mismatch: the trailer is
    shown, never credited)."""
    by_id = {m["message_id"]: m for m in messages}
    tags = {mid: t for mid, m in by_id.items() if (t := patch_tag(m["subject"] or ""))}
    if not tags:
        return []
    by_address = {a.casefold(): pid for pid, p in people.items() for a in p["addresses"]}
    by_name = {mailtext.name_key(p["name"]): pid for pid, p in people.items()}
    versions: dict[tuple[Any, ...], dict[str, Any]] = {}
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    for mid, t in sorted(tags.items(), key=lambda kv: (kv[1]["part"], by_id[kv[0]]["date"] or latest, kv[0])):
        msg = by_id[mid]
        v = versions.setdefault(
            (t["version"], t["rfc"], t["branch"]),
            {
                "label": t["label"],
                "version": t["version"],
                "rfc": t["rfc"],
                "branch": t["branch"],
                "date": None,
                "message_id": mid,
                "title": t["title"],
                "parts": 0,
                "author": msg["author"],
                "trailers": [],
                "repliers": [],
                "_parts": {},
                "_seen": set(),
            },
        )
        v["_parts"][mid] = t["part"]
        v["parts"] = max(v["parts"], t["total"])
        if msg["date"] and (v["date"] is None or msg["date"] < v["date"]):
            v["date"] = msg["date"]
    part_of = {mid: key for key, v in versions.items() for mid in v["_parts"]}

    # The part each message replies to, up its In-Reply-To chain: each message is walked once.
    above: dict[str, str | None] = {}
    for start in by_id:
        path, on_path, current = [], set(), start
        while current in by_id and current not in above and current not in on_path:
            path.append(current)
            on_path.add(current)
            parent = by_id[current]["in_reply_to"]
            if parent in part_of:
                break
            current = parent
        found = by_id[path[-1]]["in_reply_to"] if path else None
        result = found if found in part_of else above.get(current) if current in above else None
        for mid in path:
            above[mid] = result

    for mid in sorted(by_id, key=lambda i: (by_id[i]["date"] or latest, i)):
        part_id = above.get(mid)
        if mid in tags or part_id is None:
            continue
        v = versions[part_of[part_id]]
        msg = by_id[mid]
        if msg["author"] != v["author"] and msg["author"] not in v["repliers"]:
            v["repliers"].append(msg["author"])
        for kind, name, address in trailers(msg["text"] or ""):
            # By its address; by the name only when it gives none: "Ada Lead <ada.lead@evil>" is
            # not Ada, and a person that used another's name (`claims`) credits nobody.
            person = by_address.get(address.casefold()) if address else by_name.get(mailtext.name_key(name))
            if person is not None and people[person].get("claims"):
                person = None
            entry = {
                "kind": kind,
                "person": person,
                "name": name or address,
                "by": None if person == msg["author"] else msg["author"],
                "message_id": mid,
                "part": v["_parts"][part_id],
            }
            same = (kind, person or name, entry["part"], entry["by"])
            if same not in v["_seen"]:
                v["_seen"].add(same)
                v["trailers"].append(entry)
    out = []
    for v in sorted(versions.values(), key=lambda v: (v["version"], not v["rfc"], v["branch"], v["date"] or latest)):
        parts = v.pop("_parts")
        del v["_seen"]
        cover = min(parts, key=lambda m: (parts[m], by_id[m]["date"] or latest, m))
        v["message_id"], v["title"] = cover, tags[cover]["title"]
        out.append(v)
    # The series is its first version's author's: a version someone else sent (a "[PATCH v10 0/2]"
    # in reply to it from a stranger) is shown with its sender and never taken for the newest.
    first = min(out, key=lambda v: (v["date"] or latest, v["version"]))["author"] if out else None
    for v in out:
        v["stranger"] = v["author"] != first
    return out


def stated_version(links: list[Mapping[str, Any]]) -> tuple[int, int] | None:
    """The highest version a proposal's links name ("v3", "RFC v2", "v3.1"; "RFC" alone is v1)."""
    found = []
    for link in links:
        text = link["version"] or ""
        m = _VERSION.search(text)
        if m:
            found.append((int(m.group(1)), int(m.group(2) or 0)))
        elif text.strip():
            found.append((1, 0))
    return max(found) if found else None
