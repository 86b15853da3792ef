"""The model: each data file's record, then the `Site` that every record and the relations
between them make, with every rule that spans records checked. Pure: bytes in (read by
`generator.builder.pipeline.load`), records and problems out.

- `parse_file`: one file's bytes -> its record, the references it makes, its problems. A pure
  function of the bytes, so the cache keeps its result by their SHA-256 (`cache.reuse`).
- `validate`: every file's result -> the Site (or None when there are errors): duplicate ids,
  unknown references, quote provenance, slots inside the event, what nothing refers to.
- `Site`: what render and export read; read-only once built.
- `known`: every file's result -> what the data holds whether or not it checks (`Known`), for
  `new`, which adds a record to data that fails elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from generator import layout
from generator.cache.reuse import Reuse
from generator.errors import Problem, Problems
from generator.records import mailrules, releases, schedule, yamlload
from generator.records import schema as S

T = TypeVar("T")


class Site:
    """Every record, by kind and id, plus the relations derived from them.

    Render and export read only this. Anything they compute once and use for several pages
    (an order of records, a quote block, a person's line on the people page) goes through
    `derive`, so that a view of the Site that records what each page reads
    (`generator.records.view`) sees those reads for every page that uses the result."""

    # The tables of records by id, and the relations (record id -> ids), in the order the
    # recording view notes them by.
    TABLES = (
        "events",
        "people",
        "topics",
        "proposals",
        "threads",
        "questions",
        "quotes",
        "messages",
        "requests",
        "releases",
    )
    RELATIONS = (
        "event_of_topic",
        "topics_of_event",
        "conflicts_of_event",
        "continued_by",
        "merged_into_topic",
        "merged_content",
        "topics_of_proposal",
        "questions_of_topic",
        "questions_of_proposal",
        "quotes_of_proposal",
        "quotes_of_question",
        "roles_of_person",
        "quotes_of_person",
        "topics_of_thread",
        "proposals_of_status",
        "revisions_of_proposal",
        "requests_of_event",
        "inputs",
    )

    current_event: str  # the id of the event the site shows first
    events: Mapping[str, S.Rec]
    people: Mapping[str, S.Rec]
    topics: Mapping[str, S.Rec]
    proposals: Mapping[str, S.Rec]
    threads: Mapping[str, S.Rec]
    questions: Mapping[str, S.Rec]
    quotes: Mapping[str, S.Rec]
    messages: Mapping[str, S.Rec]  # by Message-ID; each has .thread
    requests: Mapping[str, S.Rec]  # requests to attend (data/attendance.yaml)
    releases: Mapping[str, S.Rec]  # event -> its schedule's releases (data/releases/<event>.yaml)
    # Derived relations, every list sorted for deterministic output.
    event_of_topic: Mapping[str, str]  # topic -> its event
    topics_of_event: Mapping[str, list[str]]
    conflicts_of_event: Mapping[str, list[dict[str, Any]]]  # event -> what its schedule gets wrong
    continued_by: Mapping[str, list[str]]  # topic -> the later topics that continue it
    merged_into_topic: Mapping[str, list[str]]  # topic -> the topics merged into it
    merged_content: Mapping[str, schedule.Merged]  # session -> what the topics merged into it bring (_merges)
    topics_of_proposal: Mapping[str, list[str]]
    questions_of_topic: Mapping[str, list[str]]
    questions_of_proposal: Mapping[str, list[str]]
    quotes_of_proposal: Mapping[str, list[str]]
    quotes_of_question: Mapping[str, list[str]]
    roles_of_person: Mapping[str, list[tuple[str, str, str]]]  # person -> (role, kind, id)
    quotes_of_person: Mapping[str, dict[str, int]]  # person -> thread -> how many quotes
    topics_of_thread: Mapping[str, list[str]]
    proposals_of_status: Mapping[str, list[str]]  # status -> its proposals, by id
    revisions_of_proposal: Mapping[str, list[dict[str, Any]]]  # proposal -> its series' versions (series.py)
    requests_of_event: Mapping[str, list[str]]  # event -> its requests to attend, oldest first
    # What a build hands the pages besides the records, read like a relation (so a recording
    # view notes it): "brief:<topic>" -> the state of the topic's PDF brief in the site.
    inputs: Mapping[str, Any]
    data_dir: str  # as messages show it

    def __init__(self, current_event: str, data_dir: str, **tables: Mapping[str, Any]):
        self.current_event = current_event
        self.data_dir = data_dir
        tables.setdefault("inputs", {})
        for name in (*self.TABLES, *self.RELATIONS):
            setattr(self, name, tables[name])
        self._derived: dict[Any, Any] = {}

    def with_inputs(self, inputs: Mapping[str, Any]) -> Site:
        """The same records and relations, with the build's inputs."""
        tables = {name: getattr(self, name) for name in (*self.TABLES, *self.RELATIONS)}
        return Site(self.current_event, self.data_dir, **{**tables, "inputs": dict(inputs)})

    def derive(self, key: Any, make: Callable[[], T], keep: bool = False) -> T:
        """make(): a value computed from this Site; `key` names it and the arguments it is
        made from. Computed once per Site. A recording view notes what it reads (records,
        relations, inputs) and may keep it (`keep`) between builds while those stay the same."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = make()
            return value

    def source(self, path: str) -> str:
        """A data file's path as the repository names it: data/..."""
        return layout.source_of(self.data_dir, path)

    def target(self, kind: str, rid: str = "") -> str:
        """Where a record is shown (layout.target): a question, on its topic's questions page."""
        return layout.target(kind, rid, self.questions[rid]["topic"] if kind == "question" else "")

    def event_of(self, tid: str) -> S.Rec:
        """The event a topic belongs to."""
        return self.events[self.event_of_topic[tid]]

    def on_agenda(self, topic: S.Rec) -> bool:
        """A session that is (or may still be) on its event's agenda: not merged into another
        topic, declined or withdrawn, and not an attend request."""
        return schedule.on_agenda(topic)

    def merged(self, tid: str, part: str) -> list[tuple[str, str]]:
        """What the topics merged into a session bring to it, of one part (MERGED_PARTS): each
        id with the merged topic it comes from."""
        return schedule.brought(self.merged_content, tid, part)

    def leads_of(self, tid: str) -> list[tuple[str, str | None]]:
        """A session's leads as its page, brief and calendars name them: its own (None), then
        those of the topics merged into it, each with the topic it comes from."""
        own: list[tuple[str, str | None]] = [(pid, None) for pid in self.topics[tid]["leads"]]
        return own + list(self.merged(tid, "leads"))


# What else is lost when a whole file of this kind is unusable.
HOLDS: dict[str, tuple[str, ...]] = {
    "event": ("track", "room"),
    "people file": ("person",),
    "questions file": ("question",),
    "thread": ("quote", "message"),
    "topic": (),
    "proposal": (),
    "attendance file": ("request",),
    "releases file": (),
}


@dataclass(frozen=True)
class DataFile:
    """One data file as read: where it is, how messages show it, which place of the layout it
    fills, and its bytes (`read` is None when it does not exist)."""

    path: str
    shown: str
    place: layout.DataPlace
    read: yamlload.FileBytes | None

    @property
    def sha(self) -> str:
        raw = self.read.raw if self.read is not None else None
        return hashlib.sha256(raw).hexdigest() if raw is not None else ""


@dataclass
class FileResult:
    """What one data file gave: its record (None if unusable), references, problems."""

    kind: str
    rec: S.Rec | None
    refs: list[S.RefUse]
    broken: list[tuple[str, str]]
    problems: list[Problem]


def parse_file(file: DataFile) -> FileResult:
    """Parse and validate one data file's bytes."""
    spec = S.SPECS[file.place.kind]
    problems = Problems()
    if file.read is None:
        problems.error(file.shown, 0, f"missing file; it holds the {spec.name}")
        return FileResult(spec.name, None, [], [(kind, "*") for kind in HOLDS[spec.name]], problems.items)
    stem = os.path.basename(file.path).removesuffix(layout.RECORD_SUFFIX)
    node = yamlload.check_bytes(file.read, file.shown, problems)
    rec: Any = S.INVALID
    refs: list[S.RefUse] = []
    broken: list[tuple[str, str]] = []
    if node is not None:
        ctx = S.Ctx(file.shown, problems)
        rec = spec.check(node, ctx)
        refs, broken = ctx.refs, list(ctx.broken)
    if rec is not S.INVALID and file.place.folder and rec["id"] != stem:
        problems.error(
            file.shown, rec.line_of("id"), f"id '{rec['id']}' does not match the file name; expected '{stem}'"
        )
        broken.append((spec.name, rec["id"]))  # what refers to it by the id it gives is not "unknown" too
        rec = S.INVALID
    if rec is S.INVALID:  # reported once: references into it are not reported as unknown too
        if file.place.folder:
            broken.append((spec.name, stem))
        broken.extend((kind, "*") for kind in HOLDS[spec.name])
        rec = None
    return FileResult(spec.name, rec, refs, broken, problems.items)


def parse_all(files: Iterable[DataFile], reuse: Reuse | None = None) -> list[FileResult]:
    """Every file parsed and checked on its own; with `reuse`, a file whose bytes a build
    parsed before gets that result back."""
    out = []
    for file in files:
        read = file.read
        if reuse is None or read is None or read.raw is None:  # nothing to key it by: missing or unreadable
            out.append(parse_file(file))
        else:
            out.append(reuse.parsed(file.shown, file.place.kind, read.raw, read.size, partial(parse_file, file)))
    return out


def validate(results: list[FileResult], problems: Problems, data_dir: str) -> Site | None:
    """Every file's result in, the Site out: index the records, check every cross-record rule,
    and derive the relations. Every problem goes to `problems`, the files' own included.

    Returns None when there are errors (warnings alone still give a Site).
    """
    loaded: dict[str, list[Any]] = defaultdict(list)
    for result in results:
        problems.items.extend(result.problems)
        loaded["refs"].extend(result.refs)
        loaded["broken"].extend(result.broken)
        if result.rec is not None:
            loaded[result.kind].append(result.rec)

    def index(kind: str, recs: list[S.Rec]) -> dict[str, S.Rec]:
        seen: dict[str, S.Rec] = {}
        for rec in recs:
            first = seen.get(rec["id"])
            if first is not None:
                problems.error(
                    rec.path,
                    rec.line_of("id"),
                    f"duplicate {kind} id '{rec['id']}' (first defined at {first.path}:{first.line_of('id')})",
                )
                continue
            seen[rec["id"]] = rec
        return seen

    people = index("person", [p for f in loaded.get("people file", []) for p in f["people"]])
    questions = index("question", [q for f in loaded.get("questions file", []) for q in f["questions"]])
    topics = index("topic", loaded.get("topic", []))
    proposals = index("proposal", loaded.get("proposal", []))
    threads = index("thread", loaded.get("thread", []))
    events = index("event", loaded.get("event", []))
    requests = index("request", [r for f in loaded.get("attendance file", []) for r in f["requests"]])
    release_files = index("releases file", loaded.get("releases file", []))
    broken = set(loaded.get("broken", []))  # invalid records, reported already: not "unknown" too
    for ev in events.values():  # each event's tracks and rooms: ids unique within it
        index("track", ev["tracks"])
        index("room", ev["rooms"])
    current = _current_event(events, problems)
    event_of = _events_of_topics(topics, events, problems)
    messages: dict[str, S.Rec] = {}
    quote_list: list[S.Rec] = []
    for thread in threads.values():
        for msg in thread["messages"]:
            other = messages.get(msg["message_id"])
            if other is not None:
                problems.error(
                    msg.path,
                    msg.line_of("message_id"),
                    f"message <{msg['message_id']}> is already in thread '{other['thread']}'",
                )
                continue
            msg["thread"] = thread["id"]
            messages[msg["message_id"]] = msg
        for quote in thread["quotes"]:
            quote["thread"] = thread["id"]
            quote_list.append(quote)
    quotes = index("quote", quote_list)
    for quote in quotes.values():
        for key in ("message", "seen_in"):
            mid = quote[key]
            if mid is None:
                continue
            msg = messages.get(mid)
            if msg is None and broken & {("message", mid), ("message", "*")}:
                continue  # the message itself is invalid and reported already
            if msg is None or msg["thread"] != quote["thread"]:
                problems.error(
                    quote.path,
                    quote.line_of(key),
                    f"message <{mid}> is not in thread '{quote['thread']}'; add it to its messages",
                )
            elif key == "message":
                quote["author"] = msg["author"]
                quote["date"] = msg["date"]
    unverified = mailrules.verify_quotes(quotes, messages, people, problems)

    known = {
        "person": people,
        "question": questions,
        "topic": topics,
        "proposal": proposals,
        "thread": threads,
        "event": events,
        "quote": quotes,
    }
    topic_in = {t.path: t for t in topics.values()}
    event_in = {ev.path: ev for ev in events.values()}
    used: dict[str, set[str]] = defaultdict(set)
    for ref in loaded.get("refs", []):
        used[ref.kind].add(ref.target)
        if ref.kind in ("track", "room"):  # the ids of the topic's own event (or of the event itself)
            owner = topic_in.get(ref.path)
            place_of = events.get(event_of.get(owner["id"], "")) if owner is not None else event_in.get(ref.path)
            if place_of is not None:
                schedule.check_place(ref, place_of, problems)
            continue
        table = known[ref.kind]
        if ref.target not in table and not broken & {(ref.kind, ref.target), (ref.kind, "*")}:
            problems.error(
                ref.path, ref.line, f"unknown {ref.kind} '{ref.target}'{S.suggest(ref.target, set(table))}", ref.column
            )

    for q in questions.values():
        if q["status"] == "settled" and not q["resolution"]:
            problems.error(q.path, q.line_of("status"), f"question '{q['id']}' is settled but has no resolution")
        for pos in q["positions"]:
            if not pos["quotes"] and not pos["sources"]:
                problems.error(pos.path, pos.line, "a position needs quotes or sources that back it")
    for t in topics.values():
        slot = t["slot"]
        event = events.get(event_of.get(t["id"], ""))
        if slot and event is not None and not S.exact(event):
            problems.error(
                t.path,
                slot.line_of("day"),
                f"a slot needs its event's days, and only {event['start']} is known: give {event.path} its "
                "`start` and `end` as YYYY-MM-DD",
            )
        elif slot and event is not None and not (str(event["start"]) <= slot["day"] <= str(event["end"])):
            problems.error(
                t.path,
                slot.line_of("day"),
                f"slot day {slot['day']} is outside the event ({event['start']} to {event['end']})",
            )
        if slot and event is not None and not event["timezone"]:
            problems.error(
                t.path,
                t.line_of("slot"),
                f"a slot's time needs its event's time zone: add `timezone:` to {event.path}",
            )
        planned = sum(i["minutes"] or 0 for i in t["running_order"])
        if slot and planned > slot["minutes"]:
            problems.warn(
                t.path,
                t.line_of("running_order"),
                f"running order takes {planned} minutes but the slot has {slot['minutes']}",
            )
    _check_requests(requests, topics, event_of, problems)
    releases.check(release_files, events, problems)
    _check_continues(topics, events, event_of, problems)
    _check_merges(topics, event_of, problems)
    merged_into, merged = _merges(topics, questions)
    conflicts = schedule.schedule_conflicts(topics, events, event_of, merged)
    for conflict in conflicts:
        problems.warn(conflict["path"], conflict["line"], conflict["message"])
    if problems.errors:
        _reused_message_ids(messages, problems)
        return None  # "never referred to" would mostly echo the errors above
    for quote, container in unverified:
        problems.warn(
            quote.path,
            quote.line_of("text"),
            f"quote '{quote['id']}' is not verified: message <{container}> has no text on record "
            "(import it with `python -m generator import-mbox`)",
        )
    mailrules.newer_mail(topics, threads, problems)
    revisions = mailrules.revisions(proposals, threads, messages, people)
    mailrules.stale_proposals(proposals, revisions, threads, messages, problems)
    _reused_message_ids(messages, problems)  # the Site is still made: import-mbox reads it back
    for msg in messages.values():
        if msg["review"]:
            problems.warn(
                msg.path, msg.line_of("review"), f"message <{msg['message_id']}> awaits review: {msg['review']}"
            )
    _decisions_without_ids(topics, problems)
    for pid, person in people.items():
        if person["review"]:
            problems.warn(person.path, person.line_of("review"), f"person '{pid}' awaits review: {person['review']}")
    for pid, person in people.items():
        if pid not in used["person"]:
            problems.warn(person.path, person.line_of("id"), f"person '{pid}' is never referred to")
    for pid, prop in proposals.items():
        if pid not in used["proposal"]:
            problems.warn(prop.path, prop.line_of("id"), f"proposal '{pid}' is on no topic and referred to nowhere")

    tables = {
        "events": events,
        "people": people,
        "topics": topics,
        "proposals": proposals,
        "threads": threads,
        "questions": questions,
        "quotes": quotes,
        "messages": messages,
        "requests": requests,
        "releases": release_files,
    }
    relations = _relations(topics, proposals, questions, quotes, event_of, merged_into, merged)
    relations["requests_of_event"] = _requests_of_events(requests)
    relations["revisions_of_proposal"] = revisions
    for conflict in conflicts:
        relations["conflicts_of_event"].setdefault(conflict["event"], []).append(conflict)
    return Site(current, data_dir, **tables, **relations)


def _decisions_without_ids(topics: dict[str, S.Rec], problems: Problems) -> None:
    """A decision without an id has an anchor only while its words stay as they are: `check`
    says so, with the id it goes by, to be given (a given id is the only one that lasts)."""
    for t in topics.values():
        for d in t["outcome"]["decisions"] if t["outcome"] else []:
            if d["id_made"]:
                problems.warn(
                    d.path,
                    d.line,
                    f"decision without an id: its anchor #decision-{d['id']} holds only while its words stay the "
                    f"same; give it one that lasts, e.g. `id: {d['id']}` (the decision as a mapping with `id` and "
                    "`text`)",
                )


def _check_requests(
    requests: dict[str, S.Rec], topics: dict[str, S.Rec], event_of: dict[str, str], problems: Problems
) -> None:
    """One request per person and summit; the topics it names are of its summit."""
    first: dict[tuple[str, str], S.Rec] = {}
    for r in requests.values():
        seen = first.setdefault((r["person"], r["event"]), r)
        if seen is not r:
            problems.error(
                r.path,
                r.line_of("person"),
                f"'{r['person']}' asks to attend {r['event']} twice: request '{seen['id']}' "
                f"({seen.path}:{seen.line_of('id')}) is theirs already; keep one",
            )
        for tid in r["topics"]:
            if tid in topics and event_of.get(tid) not in (None, r["event"]):
                problems.error(
                    r.path,
                    r.line_of("topics"),
                    f"topic '{tid}' is proposed for {event_of[tid]}, not {r['event']}",
                )


def _requests_of_events(requests: dict[str, S.Rec]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    order = sorted(requests.values(), key=lambda r: (str(r["posted"] or "~"), r["id"]))
    for r in order:
        out.setdefault(r["event"], []).append(r["id"])
    return out


@dataclass(frozen=True)
class Known:
    """What the data holds, whether or not it checks: each valid record by kind and id (the
    first, when an id is given twice), the current event, what is there but invalid
    (`broken`: (kind, id), or (kind, "*") when a whole file of them is unusable) and what the
    records refer to (`referred`: (kind, id), known or not). What a command that adds a record
    needs, so that it can add to data that fails elsewhere."""

    data_dir: str  # as messages show it
    current_event: str  # "" when there is no valid event
    events: Mapping[str, S.Rec]
    people: Mapping[str, S.Rec]
    topics: Mapping[str, S.Rec]
    questions: Mapping[str, S.Rec]
    broken: frozenset[tuple[str, str]]
    referred: frozenset[tuple[str, str]]

    def has(self, kind: str, rid: str) -> bool:
        """A record of that kind and id is there, valid or not."""
        table: Mapping[str, S.Rec] = getattr(self, _TABLE_OF[kind])
        return rid in table or bool(self.broken & {(kind, rid), (kind, "*")})


_TABLE_OF = {"event": "events", "person": "people", "topic": "topics", "question": "questions"}
_ITEMS_OF = {"people file": ("person", "people"), "questions file": ("question", "questions")}


def known(results: list[FileResult], data_dir: str) -> Known:
    """The records that every file's result gives, valid ones by id, without any rule across
    records (`validate` checks those)."""
    tables: dict[str, dict[str, S.Rec]] = {kind: {} for kind in _TABLE_OF}
    broken: set[tuple[str, str]] = set()
    referred: set[tuple[str, str]] = set()
    for result in results:
        broken.update(result.broken)
        referred.update((ref.kind, ref.target) for ref in result.refs)
        if result.rec is None:
            continue
        kind, key = _ITEMS_OF.get(result.kind, (result.kind, ""))
        for rec in result.rec[key] if key else [result.rec]:
            if kind in tables:
                tables[kind].setdefault(rec["id"], rec)
    events = tables["event"]
    return Known(
        data_dir,
        _current_event(events, Problems()),  # two marked current: `validate` says so
        events,
        tables["person"],
        tables["topic"],
        tables["question"],
        frozenset(broken),
        frozenset(referred),
    )


def _reused_message_ids(messages: dict[str, S.Rec], problems: Problems) -> None:
    """The conflicts import-mbox recorded (another mail came with a Message-ID on record): errors
    until resolved. Said with any other error too, so that fixing one never reveals another;
    alone, they still let the Site be made (commands/import_mbox.py reads it back)."""
    for msg in messages.values():
        if msg["conflict"]:
            said = f"{mailrules.CONFLICT} <{msg['message_id']}>: {msg['conflict']}"
            problems.error(msg.path, msg.line_of("conflict"), said)


def _current_event(events: dict[str, S.Rec], problems: Problems) -> str:
    """The event the site shows first: the one marked `current`, else the one that starts last."""
    marked = [ev for ev in events.values() if ev["current"]]
    for ev in marked[1:]:
        first = marked[0]
        problems.error(
            ev.path,
            ev.line_of("current"),
            f"only one event can be current; {first.path}:{first.line_of('current')} is already",
        )
    if marked:
        return str(marked[0]["id"])
    latest = max(events.values(), key=lambda ev: (str(ev["start"]), ev["id"]), default=None)
    return str(latest["id"]) if latest is not None else ""


def _events_of_topics(topics: dict[str, S.Rec], events: dict[str, S.Rec], problems: Problems) -> dict[str, str]:
    """Each topic's event: its `event`, or the only event there is."""
    out = {}
    only = next(iter(events)) if len(events) == 1 else None
    for tid, t in topics.items():
        if t["event"]:
            out[tid] = t["event"]  # an unknown id is reported with the other references
        elif only is not None:
            out[tid] = only
        elif events:
            newest = max(events.values(), key=lambda ev: (str(ev["start"]), ev["id"]))
            problems.error(
                t.path,
                t.line_of("id"),
                f"topic '{tid}' names no event, and there are {len(events)}: add `event:` with one of "
                f"{', '.join(sorted(events))} (the newest is '{newest['id']}')",
            )
    return out


# ---------------------------------------------------------------------------------- the schedule


def _check_merges(topics: dict[str, S.Rec], event_of: dict[str, str], problems: Problems) -> None:
    """A topic is merged into a session of its own summit, one that is not itself merged away."""
    for tid, t in topics.items():
        into = str(t["decision"]["into"] or "") if t["decision"] else ""
        target = topics.get(into)
        if target is None:
            continue  # none, or unknown (reported with the references)
        line = t["decision"].line_of("into")
        if event_of.get(into) != event_of.get(tid):
            problems.error(
                t.path, line, f"topic '{tid}' is merged into '{into}', a topic of another summit ({event_of.get(into)})"
            )
        status = S.decision_status(target)
        if status not in S.ON_AGENDA or target["kind"] in S.NOT_SESSIONS:
            kind = S.TOPIC_KIND.label(target["kind"]) if target["kind"] in S.NOT_SESSIONS else status
            problems.error(
                t.path, line, f"topic '{tid}' is merged into '{into}', which is not a session on the agenda ({kind})"
            )


def _merges(
    topics: dict[str, S.Rec], questions: dict[str, S.Rec]
) -> tuple[dict[str, list[str]], dict[str, schedule.Merged]]:
    """Each session's merged topics (by id), and what they bring to it (schedule.MERGED_PARTS):
    their leads, who co-lead it; their proposals (with those of their running order), their
    questions and their threads, which its page, brief and calendars show. Each part lists what
    the session does not hold itself, once, with the merged topic it comes from (the first, by
    id). The one place merges are followed: pages, exports and the schedule's checks read this."""
    merged_into: dict[str, list[str]] = {}
    for tid in sorted(topics):
        decision = topics[tid]["decision"]
        into = str(decision["into"] or "") if decision else ""
        if into in topics:  # else none, or unknown (reported with the references)
            merged_into.setdefault(into, []).append(tid)
    asked: dict[str, list[str]] = defaultdict(list)  # topic -> its questions, as the file lists them
    for qid, q in questions.items():
        asked[q["topic"]].append(qid)

    def parts(topic: S.Rec) -> dict[str, list[str]]:
        threads = [topic["thread"]] if topic["thread"] else []
        return {
            "leads": topic["leads"],
            "proposals": proposals_of(topic),
            "questions": asked[topic["id"]],
            "threads": threads,
        }

    content: dict[str, schedule.Merged] = {}
    for sid, mids in merged_into.items():
        held = {part: set(ids) for part, ids in parts(topics[sid]).items()}
        brought: dict[str, list[tuple[str, str]]] = {part: [] for part in schedule.MERGED_PARTS}
        for mid in mids:
            for part, ids in parts(topics[mid]).items():
                for rid in ids:
                    if rid not in held[part]:
                        held[part].add(rid)
                        brought[part].append((rid, mid))
        content[sid] = brought
    return merged_into, content


def proposals_of(topic: S.Rec) -> list[str]:
    """A topic's proposals: on its agenda, then those of its running order."""
    ids = list(topic["proposals"])
    ids += [pid for item in topic["running_order"] for pid in item["proposals"] if pid not in ids]
    return ids


def _check_continues(
    topics: dict[str, S.Rec], events: dict[str, S.Rec], event_of: dict[str, str], problems: Problems
) -> None:
    """What a topic continues must come before it: a topic of an earlier summit, and no topic
    continues itself, even through others."""
    for tid, t in topics.items():
        here = events.get(event_of.get(tid, ""))
        wrong = False
        for earlier in t["continues"]:
            there = events.get(event_of.get(earlier, ""))
            if here is None or there is None or str(there["start"]) < str(here["start"]):
                continue
            which = "the same summit" if there is here else f"{there['name']}, a later summit"
            problems.error(
                t.path,
                t.line_of("continues"),
                f"topic '{tid}' continues '{earlier}' of {which}; `continues` names topics of earlier summits",
            )
            wrong = True
        seen, todo = set(), [] if wrong else list(t["continues"])  # a loop always has a step that is not earlier
        while todo:
            other = todo.pop()
            if other == tid:
                problems.error(t.path, t.line_of("continues"), f"topic '{tid}' continues itself (through 'continues')")
                break
            if other in seen or other not in topics:
                continue
            seen.add(other)
            todo.extend(topics[other]["continues"])


def _relations(
    topics: dict[str, S.Rec],
    proposals: dict[str, S.Rec],
    questions: dict[str, S.Rec],
    quotes: dict[str, S.Rec],
    event_of: dict[str, str],
    merged_into: dict[str, list[str]],
    merged: dict[str, schedule.Merged],
) -> dict[str, dict[str, Any]]:
    """The relations between records that no record states alone (Site.RELATIONS)."""
    rel: dict[str, dict[str, Any]] = {name: {} for name in Site.RELATIONS}
    rel["event_of_topic"] = dict(event_of)
    rel["merged_into_topic"] = merged_into
    rel["merged_content"] = merged

    def add(table: str, key: str, value: Any) -> None:
        bucket = rel[table].setdefault(key, [])
        if value not in bucket:
            bucket.append(value)

    for tid, topic in topics.items():
        add("topics_of_event", event_of.get(tid, ""), tid)
        for earlier in topic["continues"]:
            add("continued_by", earlier, tid)
        if topic["thread"]:
            add("topics_of_thread", topic["thread"], tid)
        for pid in topic["proposals"]:
            add("topics_of_proposal", pid, tid)
        for item in topic["running_order"]:
            for pid in item["proposals"]:
                add("topics_of_proposal", pid, tid)
    for qid, q in questions.items():
        add("questions_of_topic", q["topic"], qid)
        for pid in q["proposals"]:
            add("questions_of_proposal", pid, qid)
        for pos in q["positions"]:
            for quid in pos["quotes"]:
                add("quotes_of_question", qid, quid)
    for pid, prop in proposals.items():
        add("proposals_of_status", prop["status"], pid)
    for quid, quote in quotes.items():
        for pid in quote["proposals"]:
            add("quotes_of_proposal", pid, quid)
        for qid in quote["questions"]:
            add("quotes_of_question", qid, quid)

    for tid, topic in topics.items():
        for lead in topic["leads"]:
            add("roles_of_person", lead, ("leads", "topic", tid))
        for want in topic["must_attend"]:
            add("roles_of_person", want["person"], ("should attend", "topic", tid))
    for sid, brought in merged.items():  # a merged topic's lead co-leads the session it went into
        for lead, _ in brought["leads"]:
            add("roles_of_person", lead, (S.MERGED_LEAD_ROLE, "topic", sid))
    for pid, prop in proposals.items():
        for r in prop["people"]:
            add("roles_of_person", r["person"], (r["role"], "proposal", pid))
        for c in prop["concerns"]:
            add("roles_of_person", c["by"], ("raised a concern on", "proposal", pid))
    for qid, q in questions.items():
        for pos in q["positions"]:
            for person in pos["by"]:
                add("roles_of_person", person, ("holds a position on", "question", qid))
    counted = rel["quotes_of_person"]
    for quote in quotes.values():  # counted per thread: a person may be quoted hundreds of times
        counts = counted.setdefault(quote["author"], {})
        counts[quote["thread"]] = counts.get(quote["thread"], 0) + 1

    # Deterministic order: questions as the questions file lists them, quotes in thread order.
    for name in ("topics_of_proposal", "topics_of_event", "continued_by", "proposals_of_status"):
        for ids in rel[name].values():
            ids.sort()
    order = {qid: n for n, qid in enumerate(questions)}
    for name in ("questions_of_topic", "questions_of_proposal"):
        for ids in rel[name].values():
            ids.sort(key=order.__getitem__)
    order = {quid: n for n, quid in enumerate(quotes)}
    for name in ("quotes_of_proposal", "quotes_of_question"):
        for ids in rel[name].values():
            ids.sort(key=order.__getitem__)
    rank = {r: n for n, r in enumerate(S.PERSON_ROLES)}
    for roles in rel["roles_of_person"].values():
        roles.sort(key=lambda r: (rank.get(r[0], len(rank)), r[1], r[2]))
    return rel
