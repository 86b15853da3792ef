"""After a session: what its decisions concern, what happened to those proposals since, and
which decisions saw nothing for six months. Pure: reads the Site, gives plain values.

- `steps(site, pid)`: every dated step a proposal's records give, oldest first: its `history`,
  its dated postings (`links` of a series, a patch, a commit or a lore thread) and the versions
  of its series that the mail on record shows (`revisions_of_proposal`), each once.
- `session_day(site, tid)`: the day a session's decisions were taken: its slot's day, or, with
  no slot on record, its summit's last day (so that nothing of the summit counts as "since").
- `since(site, tid, pid)`: the steps of a proposal after a session's day.
- `quiet(site, tid, decision, reference)`: the latest activity on a decision's proposals (or the
  session's day, when later), when that is more than six months before `reference`, else None.

The reference is a date of the data, never the build's: the first day of the summit whose
pages ask (a topic's own summit, the committee's summit), so that the same data gives the same
flags on every machine and on every day. Partial dates (a month, a year) count as their last
possible day: a step dated "2025-09" is not taken for older than it may be.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from generator.pages import markup
from generator.records import schema as S
from generator.records.model import Site

# The links that are steps of the work itself (a posting, a version, a commit), when dated.
STEP_LINK_TYPES = ("series", "patch", "commit", "lore")
QUIET_MONTHS = 6
_MESSAGE_ID = re.compile(r"^https?://lore\.kernel\.org/(?:[^/]+/)?([^/?#]+@[^/?#]+|[^/?#]+%40[^/?#]+)")


@dataclass(frozen=True)
class Step:
    """One dated step of a proposal, as its records give it."""

    date: str  # YYYY-MM-DD, YYYY-MM or YYYY, as given
    what: str  # in words
    url: str | None  # where it is recorded, or None
    confidence: str  # CONFIDENCE of the record it comes from
    kind: str  # "history", "link" or "mail" (a version of its series, from the mail on record)


def _message_id(url: str) -> str | None:
    m = _MESSAGE_ID.match(url)
    return urllib.parse.unquote(m.group(1)) if m else None


def steps(site: Site, pid: str) -> list[Step]:
    """Every dated step of a proposal, oldest first (a step recorded twice, as a history entry
    and a link, or a link and a version of the mail on record, is listed once)."""
    p = site.proposals[pid]
    out = [Step(str(h["date"]), h["event"], h["url"], h["confidence"], "history") for h in p["history"]]
    urls = {h["url"] for h in p["history"] if h["url"]}
    for link in p["links"]:
        if link["type"] not in STEP_LINK_TYPES or not link["date"] or link["url"] in urls:
            continue
        urls.add(link["url"])
        label = S.LINK_TYPE.label(link["type"])
        what = f"{label} {link['version']}" if link["version"] else label
        out.append(
            Step(str(link["date"]), f"{what}: {link['title'] or link['url']}", link["url"], link["confidence"], "link")
        )
    posted = {mid for mid in (_message_id(u) for u in urls) if mid}
    for v in site.revisions_of_proposal.get(pid, []):
        if v["date"] is None or v["message_id"] in posted or v["stranger"]:
            continue
        day = v["date"].date().isoformat()
        out.append(Step(day, f"{v['label']} posted: {v['title']}", lore(v["message_id"]), "seen", "mail"))
    order = {"history": 0, "link": 1, "mail": 2}
    return sorted(out, key=lambda s: (S.last_day(s.date), s.date, order[s.kind], s.what))


def lore(message_id: str) -> str:
    """The lore.kernel.org address of a message (as `markup.lore` makes it)."""
    return markup.lore(message_id)


def session_day(site: Site, tid: str) -> str:
    """The day a session's decisions were taken: its slot's, else its summit's last day."""
    slot = site.topics[tid]["slot"]
    return str(slot["day"]) if slot else S.last_day(str(site.event_of(tid)["end"]))


def since(site: Site, tid: str, pid: str) -> list[Step]:
    """What a proposal's records date after the day of the session `tid`."""
    day = session_day(site, tid)
    return [s for s in steps(site, pid) if S.last_day(s.date) > day]


def months_before(day: str, months: int) -> str:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    d = dt.date.fromisoformat(day)
    year, month = divmod(d.year * 12 + d.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last)).isoformat()


def reference_day(event: Any) -> str:
    """The day staleness is counted to on a summit's pages: its first day (as given, or the
    first it may be)."""
    return S.first_day(str(event["start"]))


def last_activity(site: Site, tid: str, decision: Any) -> str:
    """The latest day something happened to a decision's proposals, or the session's day when
    later (a partial date counts as its last possible day)."""
    days = [S.last_day(s.date) for pid in decision["proposals"] for s in steps(site, pid)]
    return max([session_day(site, tid), *days])


def quiet(site: Site, tid: str, decision: Any, reference: str) -> str | None:
    """When nothing on record happened to a decision's proposals for six months before
    `reference`: the day of the last activity. None when something did, or when it names no
    proposal (nothing to follow)."""
    if not decision["proposals"]:
        return None
    last = last_activity(site, tid, decision)
    return last if last < months_before(reference, QUIET_MONTHS) else None


def earlier_decisions(site: Site, earlier: list[Any], reference: str) -> list[dict[str, Any]]:
    """What a topic's page and brief open with, for each earlier session it continues (the
    latest first, as `Queries.earlier` gives them): its decisions, each with the day of its last
    activity when quiet (`quiet`), and each proposal they concern with the steps since."""
    out = []
    for e in earlier:
        decisions = e["outcome"]["decisions"] if e["outcome"] else []
        concerned = list(dict.fromkeys(pid for d in decisions for pid in d["proposals"]))
        out.append(
            {
                "topic": e,
                "day": session_day(site, e["id"]),
                "decisions": [{"decision": d, "quiet": quiet(site, e["id"], d, reference)} for d in decisions],
                "proposals": [
                    {"proposal": site.proposals[pid], "since": since(site, e["id"], pid)} for pid in concerned
                ],
            }
        )
    return out
