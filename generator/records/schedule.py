"""The rules of a schedule: where a session may be (a room and track of its event), and what a
schedule gets wrong (two sessions in one room at once, a person needed in two places), as the
schedule page names it. Pure: records in, problems and conflicts out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from generator.errors import Problems
from generator.records import schema as S

# What a topic merged into a session brings to it (model._merges): part -> [(id, the merged
# topic it comes from)], for each of these parts.
MERGED_PARTS = ("leads", "proposals", "questions", "threads")
Merged = Mapping[str, Sequence[tuple[str, str]]]


def brought(merged: Mapping[str, Merged], tid: str, part: str) -> list[tuple[str, str]]:
    """What the topics merged into session `tid` bring to it, of one part (none when nothing
    was merged into it)."""
    content = merged.get(tid)
    return [(rid, mid) for rid, mid in content[part]] if content else []


def check_place(ref: S.RefUse, event: S.Rec, problems: Problems) -> None:
    """A topic's track or slot room must be one of its event's."""
    kind, plural = ref.kind, ref.kind + "s"
    ids = [x["id"] for x in event[plural]]
    if ref.target in ids:
        return
    if not ids:
        message = f"unknown {kind} '{ref.target}': {event.path} lists no {plural}"
        message += (
            " (add them under `rooms:`, or leave `room` out)" if kind == "room" else f" (add them under `{plural}:`)"
        )
    else:
        hint = S.suggest(ref.target, ids) or f" ({event['id']} has: {', '.join(ids)})"
        message = f"unknown {kind} '{ref.target}'{hint}"
    problems.error(ref.path, ref.line, message, ref.column)


def schedule_conflicts(
    topics: dict[str, S.Rec],
    events: dict[str, S.Rec],
    event_of: dict[str, str],
    merged: Mapping[str, Merged] | None = None,
) -> list[dict[str, Any]]:
    """What a schedule gets wrong, as the program committee must hear it before it is released
    (pretalx warns of the same): two sessions in one room at once; a person in two sessions at
    once (as lead, as the lead of a topic merged into one (`merged`: model._merges), or as
    must-attend); a joint session while its tracks have other sessions, or a plenary session
    while anything else runs; a session across midnight, outside the event's daily hours, or
    over a break; an accepted topic without a slot once the schedule is final.
    Sessions that were held are as the record says: two of them are never a conflict.

    Each is a dict: event, kind, topics (ids), the place to report it (path, line) and the
    message, which names the other record involved with its file:line."""
    out: list[dict[str, Any]] = []

    def add(eid: str, kind: str, t: S.Rec, line: int, message: str) -> None:
        out.append(_conflict(eid, kind, [t["id"]], t.path, line, message))

    sessions: dict[str, list[tuple[int, int, S.Rec]]] = defaultdict(list)  # (event, day) -> spans
    for tid, t in topics.items():
        eid = event_of.get(tid, "")
        event = events.get(eid)
        if event is None or not on_agenda(t):
            continue
        slot = t["slot"]
        if slot is None:
            if event["schedule"] == "final" and S.decision_status(t) == "accepted":
                add(
                    eid,
                    "unscheduled",
                    t,
                    t.line_of("decision"),
                    f"accepted topic '{tid}' has no slot, and the schedule of {event['name']} is final "
                    f"({event.path}:{event.line_of('schedule')})",
                )
            continue
        start = S.clock_minutes(slot["start"])
        end = start + slot["minutes"]
        sessions[f"{eid}\0{slot['day']}"].append((start, end, t))
        if _held(t):
            continue  # it took place as recorded: a warning cannot change it
        line = slot.line
        span = _span(t)
        if end > 24 * 60:
            add(eid, "midnight", t, line, f"session '{tid}' runs past midnight ({span} on {slot['day']}): split it")
        hours = event["hours"]
        if hours and (start < S.clock_minutes(hours["start"]) or end > S.clock_minutes(hours["end"])):
            add(
                eid,
                "hours",
                t,
                line,
                f"session '{tid}' ({span}) is outside the daily hours of {event['name']} "
                f"({hours['start']}–{hours['end']}, {event.path}:{event.line_of('hours')})",
            )
        for pause in event["breaks"]:
            if pause["day"] not in (None, slot["day"]):
                continue
            b_start = S.clock_minutes(pause["start"])
            b_end = b_start + pause["minutes"]
            if start < b_end and b_start < end:
                add(
                    eid,
                    "break",
                    t,
                    line,
                    f"session '{tid}' ({span}) overlaps '{pause['title']}' ({pause['start']}–{S.clock_text(b_end)}, "
                    f"{pause.path}:{pause.line}), which every track shares",
                )
    for key, spans in sessions.items():
        eid = key.split("\0")[0]
        spans.sort(key=lambda s: (s[0], s[2]["id"]))
        for n, (a_start, a_end, a) in enumerate(spans):
            for b_start, b_end, b in spans[:n]:  # b starts no later than a
                if not (a_start < b_end and b_start < a_end) or (_held(a) and _held(b)):
                    continue
                out.extend(_pair(eid, events[eid], a, b, merged or {}))
    kinds = S.CONFLICT.values
    return sorted(out, key=lambda c: (c["event"], kinds.index(c["kind"]), c["path"], c["line"], c["message"]))


def _conflict(eid: str, kind: str, tids: list[str], path: str, line: int, message: str) -> dict[str, Any]:
    """A conflict as the schedule page lists it and `check` reports it (at path:line)."""
    return {"event": eid, "kind": kind, "topics": tids, "path": path, "line": line, "message": message}


def needed(topic: S.Rec, merged_leads: Sequence[tuple[str, str]] = ()) -> dict[str, str]:
    """Who a session needs, and as what: its leads (lead, or co-lead), the leads of the topics
    merged into it (`merged_leads`: each with the topic it comes from), then who must attend."""
    alone = len(topic["leads"]) + len(merged_leads) == 1
    roles = {pid: "lead" if alone else "co-lead" for pid in topic["leads"]}
    for pid, mid in merged_leads:
        roles.setdefault(pid, f"co-lead (from merged topic '{mid}')")
    for want in topic["must_attend"]:
        roles.setdefault(want["person"], "must attend")
    return roles


def _span(topic: S.Rec) -> str:
    slot = topic["slot"]
    return f"{slot['start']}–{S.clock_text(S.clock_minutes(slot['start']) + slot['minutes'])}"


def _pair(eid: str, event: S.Rec, a: S.Rec, b: S.Rec, merged: Mapping[str, Merged]) -> list[dict[str, Any]]:
    """The conflicts of two sessions at overlapping times, reported at `a` (which starts no
    earlier than `b`) and naming `b` with its file:line."""
    out = []
    where_b = f"{b.path}:{b['slot'].line}"

    def add(kind: str, message: str) -> None:
        out.append(_conflict(eid, kind, [a["id"], b["id"]], a.path, a["slot"].line, message))

    rooms = {r["id"]: r["name"] for r in event["rooms"]}
    if a["slot"]["room"] and a["slot"]["room"] == b["slot"]["room"]:
        add(
            "room",
            f"session '{a['id']}' ({_span(a)}) is in {rooms.get(a['slot']['room'], a['slot']['room'])} "
            f"at the same time as '{b['id']}' ({_span(b)}, {where_b})",
        )
    them = needed(b, brought(merged, b["id"], "leads"))
    for pid, role in sorted(needed(a, brought(merged, a["id"], "leads")).items()):
        if pid in them:
            add(
                "person",
                f"'{pid}' is in two sessions at once: {role} of '{a['id']}' ({_span(a)}) and "
                f"{them[pid]} of '{b['id']}' ({_span(b)}, {where_b})",
            )
    names = {tr["id"]: tr["name"] for tr in event["tracks"]}
    where = {a["id"]: f"{_span(a)}", b["id"]: f"{_span(b)}, {where_b}"}
    for joint, other in ((a, b), (b, a)):  # one message for the pair
        shared = [tr for tr in other["tracks"] if tr in joint["tracks"]]
        if joint["kind"] == "plenary":
            add(
                "plenary",
                f"plenary session '{joint['id']}' ({where[joint['id']]}) and '{other['id']}' "
                f"({where[other['id']]}) are at the same time: a plenary session is for every track",
            )
            break
        if joint["kind"] == "joint-session" and shared:
            add(
                "joint",
                f"joint session '{joint['id']}' ({where[joint['id']]}) overlaps '{other['id']}' "
                f"({where[other['id']]}) of the {', '.join(names.get(tr, tr) for tr in shared)} track: "
                "the people of that track are wanted in both",
            )
            break
    return out


def _held(topic: S.Rec) -> bool:
    return S.decision_status(topic) == "held"


def on_agenda(topic: S.Rec) -> bool:
    status = S.decision_status(topic)
    return status in S.ON_AGENDA and topic["kind"] not in S.NOT_SESSIONS


def timed(event: S.Rec) -> bool:
    """An event whose sessions can be given times: its days and its time zone are known (what
    a slot needs, model.validate, and what a schedule app needs of every day)."""
    return S.exact(event) and bool(event["timezone"])
