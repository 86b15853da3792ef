"""import-mbox's middle stage (pure): `Mail` records and the current data in, the new text of
one thread file and of people.yaml out.

- The thread is chosen and its messages ordered in `generator.mail.threads` (`choose_thread` and
  `unrelated` are imported here, where `commands` and the tests call them); senders are matched
  to people in `generator.mail.people`. Messages are keyed by Message-ID.
- Each quoted block is attributed to the message it came from: by the In-Reply-To/References
  chain (level n is the n-th message up the chain), checked against the attribution line that
  introduced the level ("On ..., X wrote:", "X writes:"), and confirmed by finding the words in
  that message's own text when it is in the import or on record (word for word, or as quoting
  clients leave them: `generator.mail.quoting`). A message known only through
  such quotes gets a record too (author from the attribution, date from a Gnus-style
  In-Reply-To comment), so that quotes of it can name it.
- Nothing on record is changed: new messages are inserted in thread order, fields a record
  lacks are added to it, and everything else in the files is kept byte for byte.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from generator.errors import EditError, InputError, Problem
from generator.layout import schema_line
from generator.mail.mbox import GMANE, Mail
from generator.mail.people import NewPerson, People
from generator.mail.quoting import Loose
from generator.mail.threads import choose_thread, thread_order, thread_subject, unrelated  # noqa: F401
from generator.records import mailtext, yamledit
from generator.records import schema as S
from generator.records.model import Site

MESSAGE_FIELDS = ("message_id", "author", "date", "subject", "in_reply_to", "text")
MAX_LISTS = 1000  # a thread's `lists`, as the schema bounds them


@dataclass
class Record:
    message_id: str
    author: str
    date: dt.datetime | None = None
    subject: str = ""
    in_reply_to: str | None = None
    text: str = ""
    conflict: str = ""
    review: str = ""

    def fields(self) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = [("message_id", self.message_id), ("author", self.author)]
        if self.date:
            out.append(("date", S.utc_text(self.date)))
        if self.subject:
            out.append(("subject", self.subject))
        if self.in_reply_to:
            out.append(("in_reply_to", self.in_reply_to))
        if self.review:
            out.append(("review", self.review))
        if self.conflict:
            out.append(("conflict", self.conflict))
        if self.text:
            out.append(("text", self.text))
        return out


@dataclass
class Quoted:
    """A quoted block of an imported message and the message it is attributed to."""

    mail: str  # Message-ID of the message that quotes
    level: int
    line: int  # body line where the block starts
    message_id: str | None
    how: str  # 'text' (words found there), 'chain' (In-Reply-To/References), or '' (unknown)
    who: str  # the name the attribution line gives, or ''


@dataclass
class Plan:
    thread_id: str
    thread_path: str
    files: dict[str, bytes] = field(default_factory=dict)  # path -> new content (changed files only)
    added: list[str] = field(default_factory=list)  # Message-IDs of new records, in thread order
    quoted_only: list[str] = field(default_factory=list)  # of those, the ones known only through quotes
    filled: dict[str, list[str]] = field(default_factory=dict)  # Message-ID -> fields added to its record
    people: list[NewPerson] = field(default_factory=list)
    quoted: list[Quoted] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)  # Message-ID -> its new `conflict` line
    lists: list[str] = field(default_factory=list)  # lists added to the thread's `lists`
    person_fills: dict[str, tuple[str, str]] = field(default_factory=dict)  # person -> (address, review) added
    records: dict[str, Record] = field(default_factory=dict)  # what each new or filled record must read back as


# ---------------------------------------------------------------------------- the plan


def _chain(mail: Mail, parent: dict[str, str | None], depth: int) -> list[str]:
    """The messages up from this one: In-Reply-To first, then up References, then known links,
    at least `depth` of them when there are (up the links no further: walking every ancestor of
    every message of a reply chain is the square of its length)."""
    refs = list(mail.references)
    irt = mail.in_reply_to
    if irt and irt not in refs:
        refs.append(irt)
    chain = refs[refs.index(irt) :: -1] if irt else refs[::-1]
    seen = set(chain) | {mail.message_id}
    have = len(chain) - chain.count(mail.message_id)
    while have < depth and chain and parent.get(chain[-1]) and parent[chain[-1]] not in seen:
        nxt = parent[chain[-1]]
        assert nxt is not None
        chain.append(nxt)
        seen.add(nxt)
        have += 1
    return [c for c in chain if c != mail.message_id]


def least_growth(mails: list[Mail], site: Site) -> int:
    """Bytes a thread file grows by at least when `mails` are imported into it: the record of
    each message on record in no thread, counted once (its smallest copy), as small as YAML can
    write it (its fields' names and values, keys two columns in). Known before the plan: an
    import that cannot fit a data file is refused before it costs anything."""
    held = {_mid_key(mid) for mid in site.messages}
    least: dict[str, int] = {}
    for mail in mails:
        key = _mid_key(mail.message_id)
        if key in held:
            continue
        size = 15 + len(mail.message_id) + 12  # "- message_id: ...", "  author: x", line ends
        size += 29 if mail.date else 0  # "  date: 2026-04-28T09:00:00Z"
        size += 12 + min(len(mail.subject), 300) if mail.subject else 0
        size += 16 + len(mail.in_reply_to) if mail.in_reply_to else 0
        size += 9 + len(mail.text) if mail.text else 0  # a character is a byte or more
        least[key] = min(size, least.get(key, size))
    return sum(least.values())


def plan(
    mails: list[Mail],
    site: Site,
    thread_id: str,
    current: dict[str, bytes | None],
    data_dir: str,
    people: People | None = None,
    elsewhere: Container[str] = frozenset(),
) -> Plan:
    """What the import changes. `current` holds the files' bytes now (None: no such file).
    With `people` shared by several plans (intake plans one thread per topic), people.yaml is
    left to `add_people`, once. `elsewhere`: Message-IDs that other threads of the same run
    hold; like those of other threads on record, a quote of one gives it no record here."""
    thread_rel = f"threads/{thread_id}.yaml"
    out = Plan(thread_id, thread_rel)
    shared = people is not None
    people = people if people is not None else People(site)

    existing = site.threads.get(thread_id)
    on_record: dict[str, dict] = {}
    if existing is not None:
        for rec in existing["messages"]:
            on_record[rec["message_id"]] = dict(rec)

    # One record per Message-ID. A later copy with another sender or text is not merged: the
    # record kept gets a `conflict` line, which `check` reports until a person resolves it.
    unique: dict[str, Mail] = {}
    conflicts: dict[str, str] = {}
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)

    def rank(m: Mail) -> tuple:
        """Of two copies, the one from the record's author or a known address comes first (a
        back-dated copy from elsewhere must not win), then the earliest."""
        old = on_record.get(m.message_id)
        by_author = old is not None and people.is_sender(old["author"], m.name, m.address) == "address"
        return (not by_author, m.address.casefold() not in people.by_address, m.date or latest, m.source, m.number)

    firsts: dict[str, Mail] = {}  # the first copy of each Message-ID, merged or not
    # A Message-ID that differs from one on record (or read before) only in case or Unicode form
    # (a fullwidth digit) is that message sent again, not another: a conflict, never a record.
    by_key: dict[str, str] = {_mid_key(mid): mid for mid in on_record}
    for mail in sorted(mails, key=rank):
        mid = mail.message_id
        same = by_key.setdefault(_mid_key(mid), mid)
        if same != mid:
            held = on_record.get(same)
            if held is not None and not (held.get("conflict") or held.get("resolved")):
                conflicts.setdefault(same, _conflict(mail, [f"the Message-ID <{mid}>, differing only in case or form"]))
            out.warnings.append(
                _warn(
                    mail,
                    f"<{mid}> differs from <{same}> only in case or Unicode form: the same Message-ID, not "
                    "another message; not merged"
                    + (", with a `conflict` line to resolve" if same in on_record else ""),
                )
            )
            continue
        first = firsts.setdefault(mid, mail)
        if first is not mail:
            what = []
            if first.address.casefold() != mail.address.casefold():
                what.append(f"another sender ({mail.address}, not {first.address})")
            if _fold(first.text) != _fold(mail.text):
                what.append("another text")
            if what:
                held = on_record.get(mid)
                if held is not None:
                    unique.pop(mid, None)  # copies that disagree fill nothing in a record
                marked = held is not None and (held.get("conflict") or held.get("resolved"))
                if not marked:
                    conflicts.setdefault(mid, _conflict(mail, what))
                kept = "the record is kept" if held is not None else "the first is kept"
                out.warnings.append(
                    _warn(
                        mail,
                        f"the Message-ID <{mid}> of message {first.number} of {first.source} (from {first.address}), "
                        f"with {' and '.join(what)}; not merged: {kept}"
                        + ("" if marked else ", with a `conflict` line to resolve"),
                    )
                )
            continue
        old = on_record.get(mid)
        if old is not None:
            what = []
            how = people.is_sender(old["author"], mail.name, mail.address)
            if not how:
                what.append(f"another sender ({mail.address}, not '{old['author']}')")
            if old.get("text") and _fold(old["text"]) != _fold(mail.text):
                what.append("another text")
            if what:
                if not old.get("conflict") and not old.get("resolved"):
                    conflicts.setdefault(mid, _conflict(mail, what))
                out.warnings.append(
                    _warn(
                        mail,
                        f"<{mid}> is on record in {thread_rel} by '{old['author']}'; this mail has "
                        f"{' and '.join(what)}: not merged; the record is kept, with a `conflict` line to resolve",
                    )
                )
                continue
            if how != "address":
                # Matched by name alone (no address of theirs on record): anyone can send mail under
                # a known Message-ID and a known name. Nothing is taken from it, and nothing is
                # added to the person, until an address of theirs is on record.
                gmane = GMANE.fullmatch(mail.address)
                if gmane and _adds_nothing(old, mail):
                    continue  # the mail on record, read again from gmane's copy: nothing to take or say
                advice = (
                    "gmane hides its domain, so it cannot go on record"
                    if gmane
                    else "If that address is theirs, add it to their addresses in people.yaml and import again"
                )
                out.warnings.append(
                    _warn(
                        mail,
                        f"<{mid}> is on record in {thread_rel} by '{old['author']}', and this copy comes from "
                        f"{mail.address}, theirs only by the name: not merged. {advice}",
                    )
                )
                continue
        unique[mid] = mail

    parent: dict[str, str | None] = {mid: r["in_reply_to"] for mid, r in on_record.items()}
    author: dict[str, str] = {mid: r["author"] for mid, r in on_record.items()}
    texts: dict[str, str] = {mid: r["text"] for mid, r in on_record.items() if r.get("text")}
    for mid, mail in unique.items():
        parent.setdefault(mid, mail.in_reply_to)
        if mid not in author:
            author[mid] = people.sender(mail.name, mail.address, mid)
        if mail.text:
            texts.setdefault(mid, mail.text)

    # Attribute the quoted blocks; messages known only through them get records.
    inferred: dict[str, Record] = {}
    other_threads = _Held(elsewhere, site, on_record)  # in another thread
    work: list[tuple[Mail, list[str], list[mailtext.Block]]] = []
    for mail in unique.values():
        blocks = mailtext.blocks(mail.text)
        deepest = max((block.level for block in blocks), default=0)
        work.append((mail, _chain(mail, parent, deepest + 1) if deepest else [], blocks))
    index = _WordIndex(texts)
    index.answer(
        (mail.message_id, block.text, chain[block.level - 1] if len(chain) >= block.level else None)
        for mail, chain, blocks in work
        for block in blocks
        if block.level
    )
    loose = Loose(texts)  # what quoting clients did to the words, when they do not follow
    for mail, chain, blocks in work:
        above = 0  # the quote level of the block before
        for block in blocks:
            if block.level:
                rewrapped = above > block.level
                found = _attribute(
                    mail,
                    block,
                    chain,
                    texts,
                    index,
                    author,
                    people,
                    inferred,
                    out.warnings,
                    other_threads,
                    loose,
                    rewrapped,
                )
                out.quoted.append(found)
            above = block.level

    # The records to write: new messages, and fields that records on record lack.
    records: dict[str, Record] = {}
    for mid, mail in unique.items():
        subject = mail.subject if len(mail.subject) <= 300 else mail.subject[:299] + "\u2026"
        records[mid] = Record(mid, author[mid], mail.date, subject, mail.in_reply_to, mail.text)
    for mid, rec in inferred.items():
        if mid not in records:
            records[mid] = rec
            out.quoted_only.append(mid)
    for mid, said in conflicts.items():
        if mid in records:
            records[mid].conflict = said
        elif mid in on_record:
            old_rec = on_record[mid]
            records[mid] = Record(mid, old_rec["author"], conflict=said)
    out.conflicts = {mid: said for mid, said in conflicts.items() if mid in records}
    fills: dict[str, list[tuple[str, object]]] = {}
    for mid, rec in records.items():
        old = on_record.get(mid)
        if old is None:
            continue
        add = [(k, v) for k, v in rec.fields() if k not in ("message_id", "author") and old.get(k) in (None, "")]
        if add:
            fills[mid] = add
            out.filled[mid] = [k for k, _ in add]
        _differences(old, rec, out.warnings, f"{data_dir}/{thread_rel}")
    new_ids = {mid: None for mid in records if mid not in on_record}  # in order
    out.quoted_only = [mid for mid in out.quoted_only if mid in new_ids]

    nodes = {mid: (r["in_reply_to"], r["date"]) for mid, r in on_record.items()}
    nodes.update({mid: (records[mid].in_reply_to, records[mid].date) for mid in new_ids})
    order = thread_order(nodes)
    out.added = [mid for mid in order if mid in new_ids]
    for mid in out.added:
        out.records[mid] = records[mid]
    for mid in fills:
        out.records[mid] = records[mid]

    thread_path = f"{data_dir}/{thread_rel}"
    old_text = current.get(thread_path)
    have = set(existing["lists"]) if existing is not None else set()
    lists = sorted({name for m in unique.values() for name in m.lists if name not in have})
    if len(have) + len(lists) > MAX_LISTS:  # many messages, each to hundreds of lists
        out.warnings.append(
            Problem(
                thread_path,
                0,
                0,
                f"the mail names {len(have) + len(lists):,} lists, more than a thread holds ({MAX_LISTS:,}): "
                "only the first in name order are added",
                True,
            )
        )
        lists = lists[: max(0, MAX_LISTS - len(have))]
    if existing is not None:
        out.lists = lists
    if old_text is None:
        if out.added:
            out.files[thread_path] = _new_thread(thread_id, [records[m] for m in out.added], lists, thread_rel)
    elif out.added or fills or out.lists:
        text = old_text.decode("utf-8")
        if out.added or fills:
            text = _extend_thread(text, order, out.added, records, fills, thread_path).decode("utf-8")
        try:
            text = yamledit.extend_scalars(text, "lists", out.lists, "messages")
        except EditError as exc:
            out.warnings.append(
                Problem(thread_path, 0, 0, f"{exc}; add the lists {', '.join(out.lists)} by hand", True)
            )
            out.lists = []
        if text.encode("utf-8") != old_text:
            out.files[thread_path] = text.encode("utf-8")
    if not shared:
        add_people(out, people, current, data_dir)
    return out


def add_people(out: Plan, people: People, current: dict[str, bytes | None], data_dir: str) -> None:
    """people.yaml as `people` leaves it, into `out`: the people added and the addresses and
    review lines filled in."""
    people_path = f"{data_dir}/people.yaml"
    out.people = list(people.new)
    out.person_fills = dict(people.fills)
    out.warnings.extend(Problem(people_path, 0, 0, note, True) for note in people.notes)
    if out.people or out.person_fills:
        people_text = current.get(people_path)
        if people_text is None:
            raise InputError(f"{people_path}: missing; it holds the people")
        out.files[people_path] = _extend_people(
            people_text.decode("utf-8"), people_path, [p.fields() for p in out.people], out.person_fills
        )


class _Held:
    """The Message-IDs that another thread holds: on record in another thread, or in
    `elsewhere` (other threads of the same run); asked of, never listed."""

    def __init__(self, elsewhere: Container[str], site: Site, on_record: dict[str, dict]):
        self.elsewhere, self.messages, self.on_record = elsewhere, site.messages, on_record

    def __contains__(self, mid: object) -> bool:
        if not isinstance(mid, str):
            return False
        return mid in self.elsewhere or (mid in self.messages and mid not in self.on_record)


class _WordIndex:
    """Which messages' own text holds a quoted block: the message it is quoted from (up the
    chain), or, when that one does not, the messages holding a run of four of its words:
    finding where a block came from among thousands without comparing it with each (that was
    quadratic).

    Every question is answered before the blocks are attributed (`answer`), one message at a
    time: each message's words become an automaton once (linear in its text), asked every
    question about that message, then dropped (the automata of fifty 1 MB messages, all kept,
    took 1.2 GB). Only the runs of four words that blocks start with are indexed."""

    N = 4
    MAX_CANDIDATES = 32  # messages a block's words may be in before it is too common to attribute

    def __init__(self, texts: dict[str, str]):
        self.texts = texts
        self.held: dict[tuple[str, str], bool] = {}  # (Message-ID, block text) -> held
        self.found: dict[tuple[str, str], list[str]] = {}  # (block text, Message-ID excluded) -> holding
        self.asked: set[tuple[str, str]] = set()  # the keys of `found` answered, [] or not

    def answer(self, asks: Iterable[tuple[str, str, str | None]]) -> None:
        """Answer, for each block (the Message-ID of its message, its text, the message up the
        chain it would be quoted from, None when the chain does not go that far), whether that
        message holds it, and when it does not, which messages do."""
        asks = list(asks)
        self._answer_held((cand, text) for _, text, cand in asks if cand is not None and cand in self.texts)
        rest = {
            (text, mid): None
            for mid, text, cand in asks
            if cand is None or (cand in self.texts and not self.held[(cand, text)])
        }
        starts = {text: self._starts(text) for text, _ in rest}
        sets = self._sets({gram for grams in starts.values() for gram in grams})
        candidates: dict[tuple[str, str], list[str]] = {}
        self.asked.update(rest)
        for text, exclude in rest:
            grams = [sets.get(gram, set()) for gram in starts[text]]
            smallest = min(grams, key=len) if grams else set()
            if len(smallest) > self.MAX_CANDIDATES + 1:
                continue  # words that many messages share cannot tell one of them
            candidates[(text, exclude)] = sorted(m for m in smallest if m != exclude and all(m in g for g in grams))
        self._answer_held((m, text) for (text, _), found in candidates.items() for m in found)
        for (text, exclude), found in candidates.items():
            self.found[(text, exclude)] = [m for m in found if self.held[(m, text)]][:2]

    def _answer_held(self, pairs: Iterable[tuple[str, str]]) -> None:
        by_message: dict[str, list[str]] = defaultdict(list)
        for mid, text in pairs:
            if (mid, text) not in self.held:
                self.held[(mid, text)] = False
                by_message[mid].append(text)
        for mid in sorted(by_message):
            own = mailtext.OwnWords(self.texts[mid])
            for text in by_message[mid]:
                self.held[(mid, text)] = own.holds(text)

    def _starts(self, text: str) -> list[tuple[str, ...]]:
        """The runs of four words a block is looked up by: its first three that do not overlap
        ([] under four words: too short to tell one message from another)."""
        words = text.split()
        return [tuple(words[i : i + self.N]) for i in range(0, min(len(words) - self.N + 1, 3 * self.N), self.N)]

    def _sets(self, wanted: set[tuple[str, ...]]) -> dict[tuple[str, ...], set[str]]:
        """The messages whose own words hold each of the runs `wanted`."""
        sets: dict[tuple[str, ...], set[str]] = defaultdict(set)
        if not wanted:
            return sets
        for mid, text in self.texts.items():
            for words in mailtext.own_words(text):
                for i in range(len(words) - self.N + 1):
                    gram = tuple(words[i : i + self.N])
                    if gram in wanted:
                        sets[gram].add(mid)
        return sets

    def contains(self, mid: str, block_text: str) -> bool:
        """Whether message `mid`'s own words hold the block (answered by `answer` before, else
        now)."""
        if (mid, block_text) not in self.held:
            self._answer_held([(mid, block_text)])
        return self.held[(mid, block_text)]

    def holding(self, block_text: str, exclude: str) -> list[str]:
        """The messages other than `exclude` whose own text holds the block (sorted, at most
        two: two is already ambiguous); [] for blocks under four words, and for blocks whose
        words more than MAX_CANDIDATES messages share. The work per block is bounded by those
        numbers, not by the messages on record. Answered by `answer` before, else now."""
        if (block_text, exclude) not in self.asked:
            self.answer([(exclude, block_text, None)])
        return self.found.get((block_text, exclude), [])


def _fold(text: str) -> str:
    return " ".join(text.split())


def _adds_nothing(old: dict, mail: Mail) -> bool:
    """Whether a copy of a message on record has the same text and nothing its record lacks."""
    given = (("date", mail.date), ("subject", mail.subject), ("in_reply_to", mail.in_reply_to))
    return _fold(old.get("text") or "") == _fold(mail.text) and all(old.get(k) or not v for k, v in given)


def _mid_key(mid: str) -> str:
    """A Message-ID as two copies of one message can differ: case, and Unicode compatibility
    forms (a fullwidth digit for a digit)."""
    return unicodedata.normalize("NFKC", mid).casefold()


def _conflict(mail: Mail, what: list[str]) -> str:
    """The `conflict` line of a record: which mail disagreed with it, and how."""
    when = f", dated {S.utc_text(mail.date)}" if mail.date else ""
    sender = f"{mail.name} <{mail.address}>" if mail.name else mail.address
    said = (
        f"import-mbox read this Message-ID again in message {mail.number} of {mail.source}, from {sender}{when}, "
        f"with {' and '.join(what)}; the record was kept as it was. Find which is genuine (lore.kernel.org/r/ "
        "and the Message-ID), correct the record if needed, then replace this line by `resolved: <what you found>`"
    )
    return said if len(said) <= 1000 else said[:999] + "\u2026"


def _warn(mail: Mail, message: str) -> Problem:
    return Problem(mail.source, mail.line, 0, f"message {mail.number}: {message}", True)


def _attribute(
    mail: Mail,
    block: mailtext.Block,
    chain: list[str],
    texts: dict[str, str],
    index: _WordIndex,
    author: dict[str, str],
    people: People,
    inferred: dict[str, Record],
    warnings: list[Problem],
    held: Container[str],
    loose: Loose,
    rewrapped: bool = False,
) -> Quoted:
    attr = block.attribution
    who = (attr.name or attr.address) if attr else ""
    who_id = people.find(attr.name, attr.address) if attr else None
    cand = chain[block.level - 1] if len(chain) >= block.level else None
    quoted = Quoted(mail.message_id, block.level, block.first, None, "", who)

    def by_text() -> str | None:
        found = index.holding(block.text, mail.message_id)
        return found[0] if len(found) == 1 else None

    if cand is not None and cand in texts:
        if index.contains(cand, block.text):
            quoted.message_id, quoted.how = cand, "text"
            return quoted
        other = by_text()
        if other:
            quoted.message_id, quoted.how = other, "text"
            return quoted
        if loose.holds(cand, block.lines, rewrapped):  # re-wrapped, under Outlook's header block, spaces eaten
            quoted.message_id, quoted.how = cand, "text"
            return quoted
        warnings.append(
            _warn(
                mail,
                f"quoted text at body line {block.first} is not in <{cand}>, the message it replies to; "
                "left unattributed",
            )
        )
        return quoted
    if cand is None:
        other = by_text()
        if other:
            quoted.message_id, quoted.how = other, "text"
        return quoted
    known = author.get(cand) or (inferred[cand].author if cand in inferred else None)
    if known and who_id and known != who_id:
        warnings.append(
            _warn(
                mail,
                f"body line {attr.line if attr else block.first} says {who} wrote the text quoted there, "
                f"but <{cand}> is by '{known}'; left unattributed",
            )
        )
        return quoted
    quoted.message_id, quoted.how = cand, "chain"
    if cand not in author and cand not in inferred and cand not in held and attr is not None:
        address = attr.address or next((a for n, a in mail.recipients if mailtext.names_match(n, attr.name)), "")
        pid = who_id or people.get(attr.name, address, cand)
        up = chain[block.level] if len(chain) > block.level else None
        date = (mail.in_reply_to_date if cand == mail.in_reply_to else None) or (attr.date if attr else None)
        review = ""
        # A reply can name anyone as the author of a message never sent; its sender's word for
        # their own earlier message (sent from an address of theirs) is theirs to give.
        own = pid == author.get(mail.message_id) and mail.address.casefold() in people.addresses.get(pid, set())
        if pid in people.on_record and not own:
            review = (
                f"known only through a quote in <{mail.message_id}>, which names "
                f"'{pid}' as its author: check on lore.kernel.org that it exists and is theirs, then delete this line"
            )[:600]
        inferred[cand] = Record(cand, pid, date, "", up, "", review=review)
    return quoted


def _differences(old: dict, rec: Record, warnings: list[Problem], path: str) -> None:
    """A record on record is never changed; say where the mail disagrees with it."""
    for key in ("author", "date", "in_reply_to"):
        mine, theirs = old.get(key), getattr(rec, key)
        if mine and theirs and mine != theirs:
            shown = S.utc_text(theirs) if isinstance(theirs, dt.datetime) else theirs
            warnings.append(
                Problem(
                    path,
                    0,
                    0,
                    f"<{rec.message_id}>: the mail gives {key} {shown}; the record's value is kept",
                    True,
                )
            )


def _new_thread(thread_id: str, records: list[Record], lists: list[str], rel: str) -> bytes:
    first_subject = next((r.subject for r in records if r.subject), "") or "(no subject)"
    lines = [
        schema_line("data/" + rel),
        "# Imported by `python -m generator import-mbox`; quotes and notes are added by hand.",
        f"id: {thread_id}",
        f"subject: {yamledit.scalar(thread_subject(first_subject)[:300])}",
    ]
    if lists:
        lines.append("lists:")
        lines.extend(f"  - {yamledit.scalar(name)}" for name in lists)
    lines.append("messages:")
    for rec in records:
        lines.extend(yamledit.mapping(rec.fields(), 4, dash=True))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _extend_thread(
    text: str,
    order: list[str],
    added: list[str],
    records: dict[str, Record],
    fills: dict[str, list[tuple[str, object]]],
    shown: str,
) -> bytes:
    place = yamledit.list_place(text, "messages")
    if place is None or not place.block or not place.items:
        raise InputError(f"{shown}: its messages are not a block list of mappings; add the messages by hand")
    items = {item.values.get("message_id", "").strip("<>"): item for item in place.items}
    indent = place.items[0].key_column
    after: dict[int, list[str]] = defaultdict(list)
    for mid, add in fills.items():
        item = items[mid]
        after[item.end].extend(yamledit.mapping(add, item.key_column, dash=False))
    anchor: str | None = None
    adding = set(added)
    for mid in order:
        if mid in items:
            anchor = mid
        elif mid in adding:
            line = items[anchor].end if anchor else yamledit.leading_comments(text, place.items[0].start) - 1
            after[line].extend(yamledit.mapping(records[mid].fields(), indent, dash=True))
    return yamledit.insert(text, list(after.items())).encode("utf-8")


def _extend_people(
    text: str, shown: str, entries: list[list[tuple[str, object]]], fills: dict[str, tuple[str, str]]
) -> bytes:
    """people.yaml with new people at the end, and an address and a review line added to the
    people on record that mail was filed under by name alone (each only when they lack it)."""
    place = yamledit.list_place(text, "people")
    if place is None or not place.block or not place.items:
        raise InputError(f"{shown}: its people are not a block list of mappings; add them by hand")
    after: dict[int, list[str]] = defaultdict(list)
    for item in place.items:
        pid = item.values.get("id")
        if pid not in fills:
            continue
        address, review = fills[pid]
        add: list[tuple[str, object]] = []
        if address and "addresses" not in item.keys:
            add.append(("addresses", [address]))
        if "review" not in item.keys:
            add.append(("review", review))
        after[item.end].extend(yamledit.mapping(add, item.key_column, dash=False))
    last = place.items[-1]
    after[last.end].extend(ln for fields in entries for ln in yamledit.mapping(fields, last.key_column, dash=True))
    return yamledit.insert(text, [(line, lines) for line, lines in after.items() if lines]).encode("utf-8")


def read_back(plan_: Plan, site: Site) -> list[str]:
    """What does not read back as planned once the new files are loaded (should be nothing)."""
    wrong = []
    for mid, rec in plan_.records.items():
        got = site.messages.get(mid)
        if got is None:
            wrong.append(f"<{mid}> is missing")
            continue
        for key, value in rec.fields():
            have = got[key]
            want = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if key == "date" else value
            if key in plan_.filled.get(mid, [key]) and have != want:
                wrong.append(f"<{mid}> {key}: {have!r} instead of {want!r}")
    thread = site.threads.get(plan_.thread_id)
    if plan_.lists and (thread is None or not set(plan_.lists) <= set(thread["lists"])):
        wrong.append(f"the lists {', '.join(plan_.lists)} do not read back")
    for pid, (address, _) in plan_.person_fills.items():
        got = site.people.get(pid)
        if got is None or (address and address not in got["addresses"]) or not got["review"]:
            wrong.append(f"person '{pid}' does not read back with its address and review line")
    for person in plan_.people:
        got = site.people.get(person.id)
        if got is None or got["name"] != person.name:
            wrong.append(f"person '{person.id}' does not read back")
    return wrong
