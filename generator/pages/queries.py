"""What the pages ask of the Site besides single records: orders of records (topics by
session, events newest first, people by name), a summit's sessions and the committee's
counts, what a topic shows (its questions, quotes, earlier and later sessions), and the agenda
grid. Each answer that several pages share goes through `Site.derive`, so a recording view of
the Site sees its reads for every page that uses it. Pure; `agenda` asks it too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from generator import layout
from generator.pages import followup, grid
from generator.records import mailtext, releases
from generator.records import schema as S
from generator.records.model import Site, proposals_of


def add_minutes(clock: str, minutes: int) -> str:
    return S.clock_text(S.clock_minutes(clock) + minutes)


def running_order(topic: Any) -> list[dict[str, Any]]:
    """The items with their start times when the slot and every earlier length are known."""
    slot = topic["slot"]
    clock: str | None = slot["start"] if slot else None
    out = []
    for item in topic["running_order"]:
        out.append({"item": item, "start": clock})
        clock = add_minutes(clock, item["minutes"]) if clock and item["minutes"] else None
    return out


def session_key(topic: Any) -> tuple[Any, ...]:
    """Topics in session order: scheduled first in time order, then unscheduled by title."""
    slot = topic["slot"]
    return (
        slot is None,
        slot["day"] if slot else "",
        slot["start"] if slot else "",
        topic["title"].lower(),
        topic["id"],
    )


def session_order(site: Site) -> list[Any]:
    """Every topic, in session order."""
    return sorted(site.topics.values(), key=session_key)


def quote_order(quote: Any) -> tuple[str, int]:
    """Quotes in the order of the data: thread files by name, then as each file lists them
    (this is the order of Site.quotes, told from the quote alone)."""
    return (quote["thread"] + layout.RECORD_SUFFIX, quote.line)


class Queries:
    """The questions about one Site that pages ask."""

    def __init__(self, site: Site):
        self.site = site

    def derive(self, name: str, *args: Any, make: Callable[[], str], keep: bool = False) -> str:
        """A text shown on several pages, computed once per Site (and with `keep`, kept between
        builds by a recording view): keyed by its name and `args`."""
        return self.site.derive((name, *args), make, keep)

    # ------------------------------------------------------------------ orders (whole-site pages)

    @staticmethod
    def mark(rec: Any, field: str) -> str:
        """How sure a record's field is, from the sources that name it in `fields`: the weakest
        confidence among them ('' when a primary source states it, or none names it)."""
        order = S.CONFIDENCE.values
        found = [src["confidence"] for src in rec.get("sources") or [] if field in (src.get("fields") or [])]
        weakest = max(found, key=order.index, default="seen")
        return "" if weakest == "seen" else str(weakest)

    def post_opening(self, tid: str) -> str:
        """The opening of a topic e-mail's own words, when its text is on record ('' if not)."""
        t = self.site.topics[tid]
        msg = self.site.messages.get(t["message_id"] or "")
        return mailtext.opening(msg["text"]) if msg is not None and msg["text"] else ""

    def topic_order(self) -> list[Any]:
        return self.site.derive(("topic_order",), lambda: session_order(self.site))

    def topics_of_event(self, eid: str) -> list[Any]:
        """An event's topics: scheduled first in time order, then unscheduled by title."""
        site = self.site
        return site.derive(
            ("topics_of_event", eid),
            lambda: sorted((site.topics[tid] for tid in site.topics_of_event.get(eid, [])), key=session_key),
        )

    def event_order(self) -> list[Any]:
        """Every event, the newest first."""
        site = self.site
        return site.derive(
            ("event_order",),
            lambda: sorted(site.events.values(), key=lambda e: (str(e["start"]), e["id"]), reverse=True),
        )

    def people_order(self) -> list[Any]:
        site = self.site
        return site.derive(
            ("people_order",), lambda: sorted(site.people.values(), key=lambda p: (p["name"].lower(), p["id"]))
        )

    def status_counts(self) -> list[tuple[str, int]]:
        """How many proposals have each status (in the order of the statuses). Only the
        relation is read, not the proposals: an edit that keeps every status keeps this."""
        of_status = self.site.proposals_of_status
        return [(s, len(of_status[s])) for s in S.STATUS.values if of_status.get(s)]

    def proposals_with_status(self, status: str) -> list[Any]:
        """The proposals of one status, by title: those records only are read."""
        site = self.site
        return site.derive(
            ("proposals_with_status", status),
            lambda: sorted(
                (site.proposals[pid] for pid in site.proposals_of_status.get(status, [])),
                key=lambda p: (p["title"].lower(), p["id"]),
            ),
        )

    def event_status_counts(self, eid: str) -> list[tuple[str, int]]:
        """How many of the proposals an event's topics discuss have each status."""

        def count() -> list[tuple[str, int]]:
            site = self.site
            mine = {pid for tid in site.topics_of_event.get(eid, []) for pid in self.proposals_of(site.topics[tid])}
            of_status = site.proposals_of_status
            counts = [(s, len(mine.intersection(of_status.get(s, [])))) for s in S.STATUS.values]
            return [(s, n) for s, n in counts if n]

        return self.site.derive(("event_status_counts", eid), count)

    @staticmethod
    def proposals_of(topic: Any) -> list[str]:
        """A topic's proposals: on its agenda and in its running order."""
        return proposals_of(topic)

    def sessions_of(self, eid: str) -> list[Any]:
        """An event's topics that are sessions on its agenda, in session order."""
        return [t for t in self.topics_of_event(eid) if self.site.on_agenda(t)]

    def others_of(self, eid: str) -> list[Any]:
        """An event's topics that are not sessions on its agenda (merged, declined, withdrawn,
        requests to attend)."""
        return [t for t in self.topics_of_event(eid) if not self.site.on_agenda(t)]

    def committee(self, eid: str) -> dict[str, Any]:
        """The committee's view of an event: its topics by track (in the event's order of
        tracks, then those with none), with counts by decision."""
        event = self.site.events[eid]
        topics = self.topics_of_event(eid)
        decisions = S.DECISION.values

        def counts(group: list[Any]) -> list[int]:
            status = [S.decision_status(t) for t in group]
            return [status.count(d) for d in decisions]

        tracks = []
        for track in event["tracks"]:
            group = [t for t in topics if track["id"] in t["tracks"]]
            if group:
                entry = {"anchor": f"track-{track['id']}", "name": track["name"], "topics": group}
                tracks.append({**entry, "counts": counts(group)})
        none = [t for t in topics if not t["tracks"]]
        if none:
            tracks.append({"anchor": "no-track", "name": "No track given", "topics": none, "counts": counts(none)})
        return {"topics": topics, "decisions": decisions, "tracks": tracks, "counts": counts(topics)}

    def inbox(self, eid: str) -> dict[str, Any]:
        """What came in for an event, newest first (topics and requests to attend), the
        requests counted by track and answer, and what the committee must chase."""
        return self.site.derive(("inbox", eid), lambda: _inbox(self.site, eid, self.topics_of_event(eid)))

    def grid_days(self, eid: str) -> list[grid.Day]:
        """The agenda's grid of an event, a day at a time."""
        return self.site.derive(("grid", eid), lambda: grid.days(self.site.events[eid], self.sessions_of(eid)))

    def track_class(self, eid: str, track: str) -> str:
        """The CSS class of a track's colour: by its place in the event's list (8 colours)."""
        ids = [t["id"] for t in self.site.events[eid]["tracks"]]
        return f"lsf-track-{ids.index(track) % 8 + 1}" if track in ids else "lsf-track-none"

    def scheduled_of_person(self, pid: str) -> list[Any]:
        """The sessions with a slot that a person leads or should attend (their calendar's)."""
        site = self.site
        tids = dict.fromkeys(rid for role, kind, rid in site.roles_of_person.get(pid, []) if kind == "topic")
        return [site.topics[t] for t in tids if site.topics[t]["slot"] and site.on_agenda(site.topics[t])]

    def person_parts(self, pid: str) -> dict[str, Any]:
        """What a person's page lists. `summits`: each summit they have a part in (the latest
        first) with its `topics` (in session order, each with the person's roles in it), the
        `questions` they hold a position on and the `threads` of its topics they are quoted
        from (with how often, and those topics); then the `proposals` they have a role in and
        the threads of no topic they are quoted from (`elsewhere`). Only their records are
        read, and the summits they name."""
        site = self.site
        summits: dict[str, dict[str, Any]] = {}

        def summit(tid: str) -> dict[str, Any]:
            eid = site.event_of_topic[tid]
            return summits.setdefault(eid, {"event": site.events[eid], "topics": {}, "questions": [], "threads": []})

        proposals: list[tuple[str, str]] = []
        for role, kind, rid in site.roles_of_person.get(pid, []):
            if kind == "topic":
                summit(rid)["topics"].setdefault(rid, []).append(role)
            elif kind == "question":
                summit(site.questions[rid]["topic"])["questions"].append((role, rid))
            else:
                proposals.append((role, rid))
        elsewhere: list[tuple[str, int]] = []
        for thread, count in site.quotes_of_person.get(pid, {}).items():
            tids = site.topics_of_thread.get(thread, [])
            for tid in tids:
                threads = summit(tid)["threads"]
                if threads and threads[-1][0] == thread:
                    threads[-1][2].append(tid)
                else:
                    threads.append((thread, count, [tid]))
            if not tids:
                elsewhere.append((thread, count))
        ordered = sorted(summits.values(), key=lambda s: (str(s["event"]["start"]), s["event"]["id"]), reverse=True)
        for s in ordered:
            s["topics"] = sorted(
                ((site.topics[tid], roles) for tid, roles in s["topics"].items()), key=lambda x: session_key(x[0])
            )
        return {"summits": ordered, "proposals": proposals, "elsewhere": elsewhere}

    def proposal_sessions(self, pid: str) -> list[Any]:
        """Every topic that discussed a proposal, the latest summit first."""
        site = self.site
        topics = [site.topics[tid] for tid in site.topics_of_proposal.get(pid, [])]
        return sorted(topics, key=lambda t: (str(site.event_of(t["id"])["start"]), t["id"]), reverse=True)

    # ------------------------------------------------------------------ what a topic shows

    def questions_of(self, tid: str) -> list[Any]:
        site = self.site
        return [site.questions[q] for q in site.questions_of_topic.get(tid, [])]

    # What a session shows of the topics merged into it (Site.merged_content; its leads are
    # Site.leads_of): each record with the merged topic it comes from (None: the session's own).

    def session_proposals(self, tid: str) -> list[tuple[str, str | None]]:
        """The proposals a session's page and brief show (ids): its own, then those the topics
        merged into it bring."""
        own: list[tuple[str, str | None]] = [(pid, None) for pid in self.site.topics[tid]["proposals"]]
        return own + list(self.site.merged(tid, "proposals"))

    def session_questions(self, tid: str) -> list[tuple[Any, str | None]]:
        """The questions a session's page and brief show: its own, then those of the topics
        merged into it."""
        site = self.site
        own: list[tuple[Any, str | None]] = [(q, None) for q in self.questions_of(tid)]
        return own + [(site.questions[qid], mid) for qid, mid in site.merged(tid, "questions")]

    def session_threads(self, tid: str) -> list[tuple[str, str | None]]:
        """The threads of a session (ids): its own, then those of the topics merged into it."""
        thread = self.site.topics[tid]["thread"]
        own: list[tuple[str, str | None]] = [(thread, None)] if thread else []
        return own + list(self.site.merged(tid, "threads"))

    def quotes_of_topic(self, tid: str) -> list[Any]:
        """Quotes from the topic's thread, or about its proposals or questions (the topics
        merged into it included), in data order; of those about its proposals, only the ones
        written by the end of its summit (a past session shows what was said before it, not a
        later year's replies)."""
        site = self.site
        ids = {q["id"] for thread, _ in self.session_threads(tid) for q in site.threads[thread]["quotes"]}
        for q, _ in self.session_questions(tid):
            ids.update(site.quotes_of_question.get(q["id"], []))
        end = str(site.event_of(tid)["end"])
        for pid, _ in self.session_proposals(tid):
            for quid in site.quotes_of_proposal.get(pid, []):
                when = site.quotes[quid]["date"]
                if when is None or when.date().isoformat() <= end:
                    ids.add(quid)
        return sorted((site.quotes[q] for q in ids), key=quote_order)

    def later(self, tid: str) -> list[Any]:
        """The topics that continue a topic, and those that continue them, the earliest first."""
        site = self.site
        seen, todo = set(), list(site.continued_by.get(tid, []))
        while todo:
            other = todo.pop(0)
            if other not in seen:
                seen.add(other)
                todo.extend(site.continued_by.get(other, []))
        return sorted((site.topics[o] for o in seen), key=lambda t: (str(site.event_of(t["id"])["start"]), t["id"]))

    def followups(self, tid: str) -> list[dict[str, Any]]:
        """What a topic opens with: the decisions of the earlier sessions it continues (the
        latest first), the steps since of the proposals they concern, and which decisions saw
        no activity for six months before its summit's first day (`followup`)."""
        site = self.site
        reference = followup.reference_day(site.event_of(tid))
        return site.derive(("followups", tid), lambda: followup.earlier_decisions(site, self.earlier(tid), reference))

    def quiet_decisions(self, eid: str) -> list[dict[str, Any]]:
        """The decisions of earlier sessions that a summit's topics continue and that saw no
        activity on their proposals for six months before its first day: each with its session,
        the day of its last activity, and the topics of this summit that continue it."""

        def make() -> list[dict[str, Any]]:
            found: dict[tuple[str, str], dict[str, Any]] = {}
            for t in self.topics_of_event(eid):
                for entry in self.followups(t["id"]):
                    for d in entry["decisions"]:
                        if d["quiet"] is None:
                            continue
                        key = (entry["topic"]["id"], d["decision"]["id"])
                        item = found.setdefault(key, {**d, "topic": entry["topic"], "continued_in": []})
                        item["continued_in"].append(t)
            return sorted(found.values(), key=lambda q: (q["quiet"], q["topic"]["id"], q["decision"]["id"]))

        return self.site.derive(("quiet_decisions", eid), make)

    # ------------------------------------------------------------------ schedule releases

    def releases_of(self, eid: str) -> list[releases.Release]:
        """An event's schedule releases, oldest first, each with what changed since the one before."""
        site = self.site
        return site.derive(("releases", eid), lambda: releases.history(site.releases.get(eid)))

    def schedule_now(self, eid: str) -> tuple[releases.Session, ...]:
        """An event's schedule as it stands, as a release would record it."""
        site = self.site
        return site.derive(
            ("schedule_now", eid),
            lambda: releases.snapshot(site.topics, site.topics_of_event.get(eid, []), site.leads_of),
        )

    def unreleased(self, eid: str) -> releases.Changes | None:
        """What changed in an event's schedule since its last release (None before the first)."""
        done = self.releases_of(eid)
        return releases.changes(done[-1].sessions, self.schedule_now(eid)) if done else None

    def slot_text(self, eid: str, s: releases.Session) -> str:
        """'Mon 4 May, 09:30-10:00, Main hall': a released session's slot in words."""
        return releases.slot_words(s, releases.room_names(self.site.events[eid]))

    def room(self, topic: Any) -> str:
        """The name of a scheduled topic's room (its event's), or ''."""
        rid = topic["slot"]["room"] if topic["slot"] else None
        if not rid:
            return ""
        rooms = self.site.event_of(topic["id"])["rooms"]
        return str(next(r["name"] for r in rooms if r["id"] == rid))

    def track_names(self, topic: Any) -> list[str]:
        """The names of a topic's tracks, as its event names them."""
        names = {t["id"]: t["name"] for t in self.site.event_of(topic["id"])["tracks"]}
        return [names[tid] for tid in topic["tracks"]]

    def earlier(self, tid: str) -> list[Any]:
        """The topics a topic continues, and those they continue, the latest first."""
        site = self.site
        seen, todo = set(), list(site.topics[tid]["continues"])
        while todo:
            other = todo.pop(0)
            if other not in seen:
                seen.add(other)
                todo.extend(site.topics[other]["continues"])
        return sorted(
            (site.topics[o] for o in seen), key=lambda t: (str(site.event_of(t["id"])["start"]), t["id"]), reverse=True
        )


def _day_of(value: Any) -> str:
    """The day (YYYY-MM-DD) of a `posted` value: a date, or a time in UTC."""
    return S.utc_text(value)[:10] if isinstance(value, dt.datetime) else str(value or "")[:10]


def _time_of(value: Any) -> str:
    """A `posted` value as it sorts: a UTC time, or a day (before that day's times)."""
    return S.utc_text(value) if isinstance(value, dt.datetime) else str(value or "0000")


def _inbox(site: Site, eid: str, topics: list[Any]) -> dict[str, Any]:
    event = site.events[eid]
    due = str(event["proposals_due"] or "")
    start = dt.date.fromisoformat(S.first_day(str(event["start"]))) if S.exact(event) else None
    requests = [site.requests[rid] for rid in site.requests_of_event.get(eid, [])]

    def before(value: Any) -> str:
        day = _day_of(value)
        if not day:
            return "date unknown"
        if start is None or len(day) < 10:
            return "unknown"  # the summit's days, or the post's, are not on record
        days = (start - dt.date.fromisoformat(day)).days
        return f"{days} days before" if days >= 0 else f"{-days} days after"

    received = [
        {"kind": "topic", "rec": t, "posted": t["posted"], "day": _day_of(t["posted"]), "before": before(t["posted"])}
        for t in topics
    ] + [
        {"kind": "request", "rec": r, "posted": r["posted"], "day": _day_of(r["posted"]), "before": before(r["posted"])}
        for r in requests
    ]
    received.sort(key=lambda e: (_time_of(e["posted"]), e["kind"], e["rec"]["id"]), reverse=True)

    chase: list[dict[str, Any]] = []
    for e in received:
        rec = e["rec"]
        if rec["lists"] and "lsf-pc" not in rec["lists"]:
            chase.append({**e, "why": "not sent to lsf-pc (lists: " + ", ".join(rec["lists"]) + ")"})
        if due and e["day"] and e["day"] > due:
            chase.append({**e, "why": f"posted {e['day']}, after the call closed ({due})"})
    leads = {pid for t in topics for pid in t["leads"]}
    for r in requests:
        if not r["topics"] and r["person"] not in leads:
            chase.append({"kind": "request", "rec": r, "day": _day_of(r["posted"]), "why": "names no topic on record"})
    by_title: dict[str, list[Any]] = {}
    for t in topics:
        by_title.setdefault(mailtext.title_key(t["title"]), []).append(t)
    for same in by_title.values():
        for t in same[1:]:
            chase.append(
                {
                    "kind": "topic",
                    "rec": t,
                    "day": _day_of(t["posted"]),
                    "why": f"same title as {same[0]['id']}",
                    "twin": same[0]["id"],
                }
            )

    answers = S.ATTENDANCE.values
    names = {tr["id"]: tr["name"] for tr in event["tracks"]}
    per_track: dict[str, list[int]] = {}
    for r in requests:
        tracks = sorted({tr for tid in r["topics"] if tid in site.topics for tr in site.topics[tid]["tracks"]})
        for tr in tracks or [""]:
            row = per_track.setdefault(tr, [0] * len(answers))
            row[answers.index(r["status"])] += 1
    order = [tr["id"] for tr in event["tracks"]] + [""]
    counts = [
        {"track": names.get(tr, "No track (no topic named, or its topic has none)"), "counts": per_track[tr]}
        for tr in order
        if tr in per_track
    ]
    totals = [sum(1 for r in requests if r["status"] == a) for a in answers]
    return {
        "received": received,
        "chase": chase,
        "requests": requests,
        "answers": answers,
        "request_counts": counts,
        "request_totals": totals,
        "due": due,
    }
