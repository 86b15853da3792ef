"""Load every record under data/, validate it, check references across records, and build
the `Site`: the one read-only model that rendering works from.

Reading files is the only I/O here (`load`); `build_site` is pure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator import mailtext, parallel, yamlload
from generator import schema as S
from generator.cache import Cache, Memo, digest, memo_key, memo_of
from generator.errors import Problem, Problems

# One entry per record file or folder: (relative path, schema, is a folder of one-record files)
LAYOUT: list[tuple[str, S.Obj, bool]] = [
    ("event.yaml", S.EVENT, False),
    ("people.yaml", S.PEOPLE_FILE, False),
    ("questions.yaml", S.QUESTIONS_FILE, False),
    ("topics", S.TOPIC, True),
    ("proposals", S.PROPOSAL, True),
    ("threads", S.THREAD, True),
]


@dataclass
class Site:
    """Every record, by kind and id, plus the relations derived from them."""

    event: S.Rec
    people: dict[str, S.Rec]
    topics: dict[str, S.Rec]
    proposals: dict[str, S.Rec]
    threads: dict[str, S.Rec]
    questions: dict[str, S.Rec]
    quotes: dict[str, S.Rec]
    messages: dict[str, S.Rec]  # by Message-ID; each has .thread
    sources: dict[tuple[str, str], str]  # (kind, id) -> data file it came from
    data_dir: str = "data"  # as shown in messages
    file_hashes: dict[str, str] = field(default_factory=dict)  # data file (as shown) -> SHA-256
    sources_of: dict[str, str] = field(default_factory=dict)  # "event", "people", "questions" -> file
    tracks: dict[str, S.Rec] = field(default_factory=dict)
    rooms: dict[str, S.Rec] = field(default_factory=dict)
    # derived relations, all lists sorted for deterministic output
    topics_of_proposal: dict[str, list[str]] = field(default_factory=dict)
    questions_of_topic: dict[str, list[str]] = field(default_factory=dict)
    questions_of_proposal: dict[str, list[str]] = field(default_factory=dict)
    quotes_of_proposal: dict[str, list[str]] = field(default_factory=dict)
    quotes_of_question: dict[str, list[str]] = field(default_factory=dict)
    roles_of_person: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    quotes_of_person: dict[str, dict[str, int]] = field(default_factory=dict)  # person -> thread -> count
    topics_of_thread: dict[str, list[str]] = field(default_factory=dict)


# What else is lost when a whole file of this kind is unusable.
HOLDS: dict[str, tuple[str, ...]] = {
    "event": ("track", "room"),
    "people file": ("person",),
    "questions file": ("question",),
    "thread": ("quote", "message"),
    "topic": (),
    "proposal": (),
}

ROLE_ORDER = [
    "leads",
    "author",
    "co-author",
    "proposer",
    "presenter",
    "reviewer",
    "raised a concern on",
    "holds a position on",
]


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def load(
    data_dir: str, problems: Problems, cache: Cache | None = None, overlay: dict[str, bytes] | None = None
) -> dict[str, list[Any]]:
    """Read and validate every data file; returns records by kind (plus the refs found).

    `overlay` maps paths to the content they are about to get (import-mbox checks the data as
    it will be before writing anything); a path in it is read from there, not from disk."""
    overlay = overlay or {}
    out: dict[str, list[Any]] = defaultdict(list)
    jobs: list[_Job] = []
    for name, spec, is_dir in LAYOUT:
        where = os.path.join(data_dir, name)
        if not is_dir:
            files = [where]
        elif not os.path.isdir(where):
            problems.error(display_path(where), 0, f"missing folder; it holds one file per {spec.name}")
            continue
        else:
            files = []
            added = {os.path.basename(p) for p in overlay if os.path.dirname(p) == where}
            for entry in sorted(set(os.listdir(where)) | added):
                full = os.path.join(where, entry)
                if entry.startswith(".") or (full not in overlay and os.path.isdir(full)):
                    continue
                if not entry.endswith(".yaml"):
                    problems.error(display_path(full), 0, f"unexpected file here; {spec.name} files end in .yaml")
                    continue
                files.append(full)
        folder = display_path(where if is_dir else data_dir)  # once per folder: relpath is slow
        for path in files:
            shown = os.path.normpath(os.path.join(folder, os.path.basename(path)))
            if not is_dir:
                out["shown"].append((name.removesuffix(".yaml"), shown))
            if path not in overlay and not os.path.exists(path):
                problems.error(shown, 0, f"missing file; it holds the {spec.name}")
                out["broken"].extend((kind, "*") for kind in HOLDS[spec.name])
                continue
            jobs.append(_Job(path, shown, spec, is_dir, overlay.get(path)))
    for job, result in zip(jobs, _load_files(jobs, cache), strict=True):
        problems.items.extend(result.problems)
        out["refs"].extend(result.refs)
        out["broken"].extend(result.broken)
        out["hashes"].append((job.shown, result.sha))
        if result.rec is not None:
            out[job.spec.name].append(result.rec)
    return out


@dataclass
class _Job:
    path: str
    shown: str
    spec: S.Obj
    is_dir: bool
    override: bytes | None


def _load_files(jobs: list[_Job], cache: Cache | None) -> list[FileResult]:
    """Each file's result: from the cache when its bytes are known, else parsed and validated
    (in parallel when there are many: parallel.split_map)."""
    results: list[FileResult | None] = [None] * len(jobs)
    misses: list[tuple[int, tuple[str, str], bytes | None]] = []
    for n, job in enumerate(jobs):
        raw = job.override if job.override is not None else yamlload.read_bytes(job.path)
        key = (f"{job.shown}\0{job.spec.name}", digest(raw) if raw is not None else "")
        hit = cache.get_record(key) if cache is not None and raw is not None else None
        if hit is not None:
            results[n] = hit
        else:
            misses.append((n, key, raw))

    def work(batch: Sequence[tuple[int, tuple[str, str], bytes | None]]) -> list[FileResult | bytes]:
        done = [_check_file(jobs[n], raw, key[1]) for n, key, raw in batch]
        # A worker sends its results pickled the way the cache keeps them: pickled once.
        return [cache.pickled(r) for r in done] if parallel.in_worker and cache is not None else list(done)

    for (n, key, raw), result in zip(misses, parallel.split_map(work, misses), strict=True):
        if isinstance(result, bytes):
            result = cache.put_pickled(key, result) if cache is not None and raw is not None else pickle.loads(result)
        elif cache is not None and raw is not None:
            cache.put_record(key, result)
        results[n] = result
    return results  # type: ignore[return-value]  # every slot is filled


@dataclass
class FileResult:
    """What one data file gave: its record (None if unusable), references, problems."""

    sha: str
    rec: S.Rec | None
    refs: list[S.RefUse]
    broken: list[tuple[str, str]]
    problems: list[Problem]


def _check_file(job: _Job, raw: bytes | None, sha: str) -> FileResult:
    """Parse and validate one data file's bytes (None: it could not be read)."""
    path, shown, spec, is_dir = job.path, job.shown, job.spec, job.is_dir
    problems = Problems()
    stem = os.path.basename(path)[: -len(".yaml")]
    node = yamlload.read_file(path, raw, shown, problems)
    rec: Any = S.INVALID
    refs: list[S.RefUse] = []
    broken: list[tuple[str, str]] = []
    if node is not None:
        ctx = S.Ctx(shown, problems)
        rec = spec.check(node, ctx)
        refs, broken = ctx.refs, list(ctx.broken)
    if rec is not S.INVALID and is_dir and rec["id"] != stem:
        problems.error(shown, rec.line_of("id"), f"id '{rec['id']}' does not match the file name; expected '{stem}'")
        rec = S.INVALID
    if rec is S.INVALID:  # reported once: references into it are not reported as unknown too
        if is_dir:
            broken.append((spec.name, stem))
        broken.extend((kind, "*") for kind in HOLDS[spec.name])
        rec = None
    return FileResult(sha, rec, refs, broken, problems.items)


def build_site(loaded: dict[str, list[Any]], problems: Problems, cache: Cache | None = None) -> Site | None:
    """Index the records, check every cross-record rule, and derive relations. `cache` only
    remembers quote provenance results (keyed by the texts compared).

    Returns None when there are errors (warnings alone still give a Site).
    """
    events = loaded.get("event", [])
    # Without a valid event, still check everything else (tracks and rooms count as reported).
    event = events[0] if events else S.Rec(tracks=[], rooms=[], start="0000-01-01", end="9999-12-31")

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
    tracks = index("track", event["tracks"])
    rooms = index("room", event["rooms"])

    broken = set(loaded.get("broken", []))  # invalid records, reported already: not "unknown" too
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
    unverified = _verify_quotes(quotes, messages, problems, memo_of(cache, "provenance"))

    known = {
        "person": people,
        "question": questions,
        "topic": topics,
        "proposal": proposals,
        "thread": threads,
        "track": tracks,
        "room": rooms,
        "quote": quotes,
    }
    used: dict[str, set[str]] = defaultdict(set)
    for ref in loaded.get("refs", []):
        table = known[ref.kind]
        used[ref.kind].add(ref.target)
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
        if slot and not (str(event["start"]) <= slot["day"] <= str(event["end"])):
            problems.error(
                t.path,
                slot.line_of("day"),
                f"slot day {slot['day']} is outside the event ({event['start']} to {event['end']})",
            )
        planned = sum(i["minutes"] or 0 for i in t["running_order"])
        if slot and planned > slot["minutes"]:
            problems.warn(
                t.path,
                t.line_of("running_order"),
                f"running order takes {planned} minutes but the slot has {slot['minutes']}",
            )
    if problems.errors:
        return None  # "never referred to" would mostly echo the errors above
    for quote, container in unverified:
        problems.warn(
            quote.path,
            quote.line_of("text"),
            f"quote '{quote['id']}' is not verified: message <{container}> has no text on record "
            "(import it with `python -m generator import-mbox`)",
        )
    for pid, person in people.items():
        if person["review"]:
            problems.warn(person.path, person.line_of("review"), f"person '{pid}' awaits review: {person['review']}")
    for pid, person in people.items():
        if pid not in used["person"]:
            problems.warn(person.path, person.line_of("id"), f"person '{pid}' is never referred to")
    for pid, prop in proposals.items():
        if pid not in used["proposal"]:
            problems.warn(prop.path, prop.line_of("id"), f"proposal '{pid}' is on no topic and referred to nowhere")

    sources: dict[tuple[str, str], str] = {}
    for kind, table in (
        ("topic", topics),
        ("proposal", proposals),
        ("thread", threads),
        ("question", questions),
        ("person", people),
    ):
        for rid, rec in table.items():
            sources[(kind, rid)] = rec.path
    site = Site(
        event=event,
        people=people,
        topics=topics,
        proposals=proposals,
        threads=threads,
        questions=questions,
        quotes=quotes,
        messages=messages,
        sources=sources,
        tracks=tracks,
        rooms=rooms,
    )
    _derive(site)
    return site


def _derive(site: Site) -> None:
    def add(table: dict[str, list[Any]], key: str, value: Any) -> None:
        bucket = table.setdefault(key, [])
        if value not in bucket:
            bucket.append(value)

    for tid, topic in site.topics.items():
        if topic["thread"]:
            add(site.topics_of_thread, topic["thread"], tid)
        for pid in topic["proposals"]:
            add(site.topics_of_proposal, pid, tid)
        for item in topic["running_order"]:
            for pid in item["proposals"]:
                add(site.topics_of_proposal, pid, tid)
    for qid, q in site.questions.items():
        add(site.questions_of_topic, q["topic"], qid)
        for pid in q["proposals"]:
            add(site.questions_of_proposal, pid, qid)
        for pos in q["positions"]:
            for quid in pos["quotes"]:
                add(site.quotes_of_question, qid, quid)
    for quid, quote in site.quotes.items():
        for pid in quote["proposals"]:
            add(site.quotes_of_proposal, pid, quid)
        for qid in quote["questions"]:
            add(site.quotes_of_question, qid, quid)

    roles = site.roles_of_person
    for tid, topic in site.topics.items():
        add(roles, topic["lead"], ("leads", "topic", tid))
    for pid, prop in site.proposals.items():
        for r in prop["people"]:
            add(roles, r["person"], (r["role"], "proposal", pid))
        for c in prop["concerns"]:
            add(roles, c["by"], ("raised a concern on", "proposal", pid))
    for qid, q in site.questions.items():
        for pos in q["positions"]:
            for person in pos["by"]:
                add(roles, person, ("holds a position on", "question", qid))
    for quote in site.quotes.values():  # counted per thread: a person may be quoted hundreds of times
        counts = site.quotes_of_person.setdefault(quote["author"], {})
        counts[quote["thread"]] = counts.get(quote["thread"], 0) + 1

    # Deterministic order: questions as the questions file lists them, quotes in thread order.
    for key in site.topics_of_proposal:
        site.topics_of_proposal[key].sort()
    order = {qid: n for n, qid in enumerate(site.questions)}
    for table in (site.questions_of_topic, site.questions_of_proposal):
        for key in table:
            table[key].sort(key=order.__getitem__)
    order = {quid: n for n, quid in enumerate(site.quotes)}
    for table in (site.quotes_of_proposal, site.quotes_of_question):
        for key in table:
            table[key].sort(key=order.__getitem__)
    rank = {r: n for n, r in enumerate(ROLE_ORDER)}
    for key in roles:
        roles[key].sort(key=lambda r: (rank.get(r[0], len(rank)), r[1], r[2]))


def _verify_quotes(
    quotes: dict[str, S.Rec], messages: dict[str, S.Rec], problems: Problems, memo: Memo
) -> list[tuple[S.Rec, str]]:
    """Quote provenance: each quote's words must occur, ignoring whitespace, in the text of the
    message that carries them (seen_in, else message), at the quote level of its author's
    message there (the number of in_reply_to steps between the two). Mismatches are errors;
    returns the quotes that cannot be checked because that message has no text.

    Each comparison's result is remembered in `memo` under the SHA-256 of the message text,
    the level and the quote text: everything find_quote reads."""
    unverified = []
    text_sha: dict[str, bytes] = {}
    for quote in quotes.values():
        cid = quote["seen_in"] or quote["message"]
        container, author = messages.get(cid), messages.get(quote["message"])
        if container is None or author is None or container["thread"] != quote["thread"]:
            continue  # reported above
        level, seen = 0, set()
        current: S.Rec | None = container
        while current is not None and current["message_id"] != quote["message"] and current["message_id"] not in seen:
            seen.add(current["message_id"])
            current = messages.get(current["in_reply_to"] or "")
            level += 1
        if current is None or current["message_id"] != quote["message"]:
            problems.error(
                quote.path,
                quote.line_of("seen_in"),
                f"quote '{quote['id']}': <{quote['message']}> is not among the messages <{cid}> replies to "
                "(by in_reply_to), so its quote level there is unknown",
            )
            continue
        if not container["text"]:
            unverified.append((quote, cid))
            continue
        if cid not in text_sha:
            text_sha[cid] = hashlib.sha256(container["text"].encode("utf-8", "surrogatepass")).digest()
        stop = memo.get_or(
            memo_key(text_sha[cid], level, quote["text"]),
            lambda: mailtext.find_quote(quote["text"], container["text"], level),  # noqa: B023 - called here
        )
        if stop:
            lines = quote["text"].split("\n")
            where = f" at quote level {level}" if level else ""
            problems.error(
                quote.path,
                quote.line_of("text"),
                f"quote '{quote['id']}' is not in the text of <{cid}>{where} (compared ignoring whitespace); "
                f"its line {stop} does not follow: {lines[stop - 1].strip()[:60]!r}",
            )
    return unverified


def load_site(
    data_dir: str, problems: Problems, cache: Cache | None = None, overlay: dict[str, bytes] | None = None
) -> Site | None:
    """Load, validate and cross-check: the whole front half of the pipeline."""
    loaded = load(data_dir, problems, cache, overlay)
    if problems.errors:
        # Still run the cross checks so every problem is reported in one go.
        build_site(loaded, problems, cache)
        return None
    site = build_site(loaded, problems, cache)
    if site is not None:
        site.data_dir = display_path(data_dir)
        site.file_hashes = dict(loaded["hashes"])
        site.sources_of = dict(loaded["shown"])  # as load() shows them: file_hashes is keyed so
    return site


def source_of(site: Site, path: str) -> str:
    """A data file's path as the repository names it (data/...), whatever folder was loaded;
    a folder keeps its trailing slash."""
    rel = os.path.relpath(path, site.data_dir).replace(os.sep, "/")
    folder = "/" if path.endswith("/") and rel != "." else ""
    return "data/" + ("" if rel == "." else rel) + folder
