"""intake's middle stage (pure): a season's mail and the data on record in, what the season adds
out: new topics, requests to attend, one thread per post, new people; and what was skipped, why.

- Each message's subject is read in `generator.mail.subjects`. A post is a message whose tags
  make it a topic (a session or a BoF) or a request to attend, or both. A reply (`Re:`) is a
  post only when it changes the subject: "New (was: Old)", or a title unlike its parent's.
- Each message belongs to the nearest post above it (its In-Reply-To, then up its References):
  a topic's thread holds the topic post and its replies; a request posted inside a topic's
  thread (`[LSF/MM ATTEND] Improving CMA`, a reply to the topic) stays in that thread and names
  that topic. A topic posted as a reply elsewhere (into the call for proposals) starts a thread
  of its own and says where it was posted (`posted_in`).
- Skipped, each with its reason: the call for proposals and its reminders, patch series (with or
  without a summit tag), mail that names no post, replies whose post is neither in the input nor
  on record, posts dated after the summit or over a year before it.
- Run again with more mail, it adds only what is new: a post whose Message-ID a topic or a
  request already names is on record; a thread on record is extended, never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator import layout
from generator.errors import Problem
from generator.mail import form, importer, subjects
from generator.mail.mbox import Mail
from generator.mail.people import People
from generator.mail.threads import slug
from generator.records import mailtext, yamledit
from generator.records import schema as S
from generator.records.model import Site

EARLIEST = dt.timedelta(days=366)  # a post this long before the summit starts is not for it
LSF_PC = "lsf-pc"
# Mailing-list hosts: an address there is a list, not a person.
LIST_HOSTS = (
    "vger.kernel.org",
    "lists.linux-foundation.org",
    "lists.linuxfoundation.org",
    "lists.linux.dev",
    "kvack.org",
    "lists.infradead.org",
    "lists.ozlabs.org",
    "lists.sourceforge.net",
    "lists.freedesktop.org",
    "lists.samba.org",
    "lists.openwall.com",
    "lists.xenproject.org",
    "lists.01.org",
    "lists.linaro.org",
    "listman.redhat.com",
    "redhat.com",  # dm-devel@redhat.com
)
LIST_NAMES = ("lsf-pc", "linux-mm", "dm-devel", "linux-nvme", "linux-mtd", "ksummit-discuss")


@dataclass
class Skipped:
    mail: Mail
    why: str

    def line(self) -> str:
        return f"{self.mail.source}:{self.mail.line}: <{self.mail.message_id}> {self.mail.subject[:90]!r}: {self.why}"


@dataclass
class NewTopic:
    id: str
    mail: Mail
    kind: str  # session or bof
    title: str
    lead: str
    lists: list[str]
    thread: str
    posted_in: str | None

    def fields(self, event: str) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = [
            ("id", self.id),
            ("title", self.title[:200]),
            ("event", event),
            ("kind", self.kind),
            ("leads", [self.lead]),
            ("message_id", self.mail.message_id),
        ]
        if self.mail.date:
            out.append(("posted", S.utc_text(self.mail.date)))
        if self.lists:
            out.append(("lists", self.lists))
        if self.posted_in:
            out.append(("posted_in", self.posted_in))
        out.append(("thread", self.thread))
        return out


@dataclass
class NewRequest:
    """A request to attend as intake writes it: from a mail (`message_id`) or a form's row."""

    id: str
    person: str
    posted: str  # UTC time, or a day when no time zone is known; '' when unknown
    topics: list[str]
    message_id: str = ""
    form: str = ""  # the form export's file and row
    subject: str = ""
    lists: list[str] = field(default_factory=list)
    discuss: str = ""
    thread: str = ""

    def fields(self, event: str) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = [("id", self.id), ("event", event), ("person", self.person)]
        if self.message_id:
            out.append(("message_id", self.message_id))
        if self.form:
            out.append(("form", self.form))
        if self.posted:
            out.append(("posted", self.posted))
        if self.subject:
            out.append(("subject", self.subject[:300]))
        if self.lists:
            out.append(("lists", self.lists))
        if self.discuss:
            out.append(("discuss", self.discuss))
        if self.topics:
            out.append(("topics", self.topics))
        if self.thread:
            out.append(("thread", self.thread))
        return out


def mail_request(rid: str, mail: Mail, person: str, topics: list[str], thread: str, in_topic: bool) -> NewRequest:
    """A request from its mail; one posted in a topic post says no more than the topic does."""
    return NewRequest(
        rid,
        person,
        S.utc_text(mail.date) if mail.date else "",
        topics,
        message_id=mail.message_id,
        subject=mail.subject,
        lists=list_names(mail),
        discuss="" if in_topic else mailtext.opening(mail.text),
        thread=thread,
    )


@dataclass
class Season:
    """What intake adds, and what it found on record or skipped."""

    event: str
    topics: list[NewTopic] = field(default_factory=list)
    requests: list[NewRequest] = field(default_factory=list)
    known_topics: list[str] = field(default_factory=list)  # ids of topics on record that the input holds
    known_requests: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # Message-IDs of replies (not posts) in a thread
    resent: list[tuple[Mail, str]] = field(default_factory=list)  # posts sent again: in the first's thread
    asked_again: list[tuple[Mail, str]] = field(default_factory=list)  # a second ATTEND post -> its request
    skipped: list[Skipped] = field(default_factory=list)
    plans: list[importer.Plan] = field(default_factory=list)  # one per thread
    files: dict[str, bytes] = field(default_factory=dict)  # path -> new content
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # errors: nothing is written
    form: str = ""  # the form export read, as shown
    form_rows: int = 0
    people: importer.Plan | None = None


# ---------------------------------------------------------------------------- reading mail


def list_names(mail: Mail) -> list[str]:
    """The lists a message went to: list addresses in To and Cc, and its List-Id."""
    names = set(mail.lists)
    for address in mail.addressed:
        local, _, host = address.casefold().rpartition("@")
        if not local or len(local) > 60:  # no list's name; the records hold names of 80 at most
            continue
        if local in LIST_NAMES or host in LIST_HOSTS or any(host.endswith("." + h) for h in LIST_HOSTS[:4]):
            if host == "redhat.com" and local != "dm-devel":
                continue
            names.add(LSF_PC if local.startswith("lsf-pc") else local)
    return sorted(names)


def _chain(mail: Mail) -> list[str]:
    """The messages up from this one, nearest first: In-Reply-To, then up the References."""
    refs = [r for r in mail.references if r != mail.message_id]
    up = list(reversed(refs))
    if mail.in_reply_to and mail.in_reply_to != mail.message_id:
        up = [mail.in_reply_to] + [r for r in up if r != mail.in_reply_to]
    return up


# ---------------------------------------------------------------------------- the season


def plan(
    mails: list[Mail],
    site: Site,
    event: str,
    current: dict[str, bytes | None],
    data_dir: str,
    rows: list[form.Row] | None = None,
    form_shown: str = "",
) -> Season:
    """What a season's mail, and the rows of the web form's export (`rows`, read from
    `form_shown`), add for `event`. `current`: people.yaml, attendance.yaml and the thread
    files now (None: no such file)."""
    out = Season(event)
    ev = site.events[event]
    start = dt.datetime.combine(dt.date.fromisoformat(S.first_day(str(ev["start"]))), dt.time(), dt.UTC)
    end = dt.datetime.combine(dt.date.fromisoformat(S.last_day(str(ev["end"]))), dt.time(), dt.UTC)
    end += dt.timedelta(days=1)  # its days known or not, nothing after its last possible day is for it

    # One copy per Message-ID, in date order (the import of each thread sees every copy).
    by_id: dict[str, Mail] = {}
    copies: dict[str, list[Mail]] = defaultdict(list)
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    for mail in sorted(mails, key=lambda m: (m.date or latest, m.source, m.number)):
        copies[mail.message_id].append(mail)
        by_id.setdefault(mail.message_id, mail)
    read = {mid: subjects.read(m.subject) for mid, m in by_id.items()}
    topic_of_mid = {t["message_id"]: tid for tid, t in site.topics.items() if t["message_id"]}
    request_of_mid = {r["message_id"]: rid for rid, r in site.requests.items() if r["message_id"]}
    request_of_person = {r["person"]: rid for rid, r in site.requests.items() if r["event"] == event}

    resent: dict[str, str] = {}  # a post sent again -> the first post (its thread takes it)

    def parent(mail: Mail) -> str | None:
        if mail.message_id in resent:
            return resent[mail.message_id]
        return next((mid for mid in _chain(mail) if mid in by_id or mid in site.messages), None)

    def title_above(mail: Mail) -> str | None:
        """The title of the nearest message up the chain whose subject is known (a message on
        record known only through quotes has none), or None."""
        for mid in _chain(mail):
            if mid in by_id:
                title = read[mid].title
            elif mid in site.messages:
                title = subjects.read(str(site.messages[mid]["subject"] or "")).title
            else:
                continue
            if title:
                return title
        return None

    # What each message is.
    role: dict[str, str] = {}  # mid -> 'topic', 'attend' (a post), 'resend', 'reply', 'orphan'
    posts: dict[tuple[str, str], str] = {}  # (sender's address, title) -> its first post
    other_summit: set[str] = set()  # posts dated outside this summit's season
    for tid in site.topics_of_event.get(event, []):
        t = site.topics[tid]
        mid = t["message_id"]
        if mid and mid in site.messages:
            for pid in t["leads"]:
                for address in site.people[pid]["addresses"]:
                    posts.setdefault((address.casefold(), mailtext.title_key(t["title"])), mid)
    for mid, mail in by_id.items():
        s = read[mid]
        if s.cfp:
            why = (
                "a reply in the call for proposals' thread" if s.reply else "the call for proposals or a reminder of it"
            )
            out.skipped.append(Skipped(mail, why))
            continue
        if s.rfc or (s.patch and not s.post):
            why = "a reply to a patch series" if s.reply else "a patch series, not a topic post"
            out.skipped.append(Skipped(mail, why))
            continue
        up = parent(mail)
        if not s.post:
            role[mid] = "reply"
            continue
        if s.reply and not s.changed:
            if up is None:
                role[mid] = "orphan"
                continue
            above = title_above(mail)
            if above is None or subjects.similar_titles(above, s.title):
                role[mid] = "reply"  # a subject's typo fixed in a reply is no new topic
                continue
        if mail.date is not None and mail.date >= end:
            out.skipped.append(Skipped(mail, f"posted after {ev['id']} ended ({ev['end']})"))
            other_summit.add(mid)
            continue
        if mail.date is not None and mail.date < start - EARLIEST:
            out.skipped.append(Skipped(mail, f"posted over a year before {ev['id']} ({ev['start']})"))
            other_summit.add(mid)
            continue
        role[mid] = "topic" if s.kinds & {"topic", "bof"} else "attend"
        key = (mail.address.casefold(), mailtext.title_key(s.title))
        first = posts.setdefault(key, mid)
        if first != mid:
            resent[mid] = first  # the same title from the same sender: sent again, not a new post
            role[mid] = "resend"

    # The post each message belongs to, and the thread that holds it.
    people = People(site, "intake")
    thread_ids = _Ids(site.threads)
    topic_ids = _Ids(site.topics)
    request_ids = _Ids(site.requests)
    new_requests: dict[str, NewRequest] = {}
    owner: dict[str, str | None] = {}  # mid -> the Message-ID of its post (None: none)

    def own(mid: str, up: str | None) -> str | None:
        """A message's post, knowing its parent's (`up`)."""
        if role.get(mid) == "topic":
            return mid
        if up is None and role.get(mid) == "attend":
            return mid  # a request on its own, with no topic above it
        return up

    def owner_of(mid: str) -> str | None:
        """The post a message belongs to: up its chain to a topic post in the input, or to the
        thread on record that holds an ancestor; a request with no topic above is its own."""
        chain: list[str] = []
        seen: set[str] = set()
        cur: str | None = mid
        top: str | None = None
        while cur is not None and cur not in owner and cur not in seen:
            seen.add(cur)
            if cur not in by_id:  # on record
                top = _post_on_record(cur, site)
                break
            chain.append(cur)
            if role.get(cur) == "topic":
                break
            cur = parent(by_id[cur])
        else:
            if cur is not None and cur in owner:
                top = owner[cur]
        for m in reversed(chain):
            top = own(m, top)
            owner[m] = top
        return owner.get(mid, top)

    from_other: dict[str, bool] = {}  # mid -> whether it, or a message of the input up its chain, is in other_summit

    def under_other_summit(mail: Mail) -> bool:
        """Whether a message of the input up the chain of `mail` is a post skipped as another
        summit's. Each message's answer is kept: a long chain is walked once, not once a reply."""
        path: list[str] = []
        at: dict[str, int] = {}
        cur = parent(mail)
        while cur is not None and cur in by_id and cur not in from_other and cur not in at:
            at[cur] = len(path)
            path.append(cur)
            cur = parent(by_id[cur])
        found = False
        if cur is not None and cur in at:  # a cycle of In-Reply-To: each of it is above all of it
            found = any(m in other_summit for m in path[at[cur] :])
            from_other.update((m, found) for m in path[at[cur] :])
            del path[at[cur] :]
        elif cur is not None:
            found = from_other.get(cur, False)
        for m in reversed(path):
            found = found or m in other_summit
            from_other[m] = found
        return found

    year = str(ev["start"])[:4]
    thread_of_post: dict[str, str] = {}  # post Message-ID -> thread id
    members: dict[str, list[Mail]] = defaultdict(list)  # thread id -> its mails in the input
    for mid, mail in by_id.items():
        if mid not in role:
            continue
        if role[mid] == "orphan":
            out.skipped.append(
                Skipped(mail, "a reply to a post that is neither in the input nor on record (import its thread)")
            )
            continue
        top = owner_of(mid)
        if top is None:
            why = "a reply in a thread with no topic post in the input or on record"
            if parent(mail) is None:
                why = "not a summit post: no topic or attend tag, and no reply to one"
            elif under_other_summit(mail):
                why = "in the thread of a post that is not for this summit (skipped too)"
            if not read[mid].post and subjects.names_summit(mail.subject):
                why = "names the summit but has no topic or attend tag (if it asks to attend, add it by hand)"
            out.skipped.append(Skipped(mail, why))
            continue
        if top not in thread_of_post:
            thread_of_post[top] = _thread_for(top, by_id, site, read, thread_ids, topic_of_mid, year)
        members[thread_of_post[top]].append(mail)
        if role[mid] == "reply":
            out.replies.append(mid)
        elif role[mid] == "resend":
            out.resent.append((mail, read[mid].title))

    # New topics and requests, in date order.
    for mid, mail in by_id.items():
        r = role.get(mid)
        if r not in ("topic", "attend") or owner.get(mid) is None:
            continue
        s = read[mid]
        thread = thread_of_post[owner[mid] or mid]
        known = topic_of_mid.get(mid)
        if r == "topic":
            if known is not None:
                out.known_topics.append(known)
            else:
                tid = topic_ids.free(slug(s.title, 50) or "topic", year)
                lead = people.sender(mail.name, mail.address, mid)
                kind = "bof" if "bof" in s.kinds else "session"
                posted_in = mail.in_reply_to if mail.in_reply_to else None
                out.topics.append(NewTopic(tid, mail, kind, s.title, lead, list_names(mail), thread, posted_in))
                topic_of_mid[mid] = tid
        if "attend" in s.kinds:
            if mid in request_of_mid:
                out.known_requests.append(request_of_mid[mid])
                continue
            person = people.sender(mail.name, mail.address, mid)
            named = [topic_of_mid[m] for m in {owner[mid] or mid, mid} if m in topic_of_mid]
            held = request_of_person.get(person)
            if held is None:
                rid = request_ids.free(person, event)
                out.requests.append(mail_request(rid, mail, person, sorted(set(named)), thread, r == "topic"))
                new_requests[rid] = out.requests[-1]
                request_of_person[person] = rid
                continue
            mine = new_requests.get(held)
            if mine is not None:  # asked again in this season's mail: one request naming both topics
                mine.topics = sorted(set(mine.topics) | set(named))
                out.asked_again.append((mail, held))
                continue
            out.known_requests.append(held)
            missing = sorted(set(named) - set(site.requests[held]["topics"]))
            if missing:
                out.warnings.append(
                    Problem(
                        mail.source,
                        mail.line,
                        0,
                        f"<{mid}>: '{person}' asks to attend again; request '{held}' is on record: add "
                        f"{', '.join(missing)} to its `topics` by hand",
                        True,
                    )
                )

    # The web form's rows: a request each, unless the person asked already.
    out.form, out.form_rows = form_shown, len(rows or [])
    for row in rows or []:
        where = f"{form_shown}:{row.line}"
        wrong = [t for t in row.topics if t not in site.topics or site.event_of_topic.get(t) != event]
        for tid in wrong:
            said = "no such topic" if tid not in site.topics else f"a topic of {site.event_of_topic.get(tid)}"
            out.problems.append(Problem(form_shown, row.line, 0, f"topic '{tid}': {said}, not of {event}"))
        person = people.sender(row.name, row.email, where)
        if person in request_of_person:
            out.known_requests.append(request_of_person[person])
            continue
        rid = request_ids.free(person, event)
        topics = [t for t in row.topics if t not in wrong]
        out.requests.append(NewRequest(rid, person, row.posted, topics, form=where, discuss=row.discuss))
        request_of_person[person] = rid

    # One import plan per thread, sharing the people.
    thread_of_mid = {m.message_id: thread for thread, ms in members.items() for m in ms}
    for thread, thread_mails in members.items():
        all_copies = [c for m in thread_mails for c in copies[m.message_id]]
        elsewhere = _OtherThreads(thread_of_mid, thread)
        p = importer.plan(all_copies, site, thread, current, data_dir, people, elsewhere)
        out.plans.append(p)
        out.files.update(p.files)
        out.warnings.extend(p.warnings)
    people_plan = importer.Plan("", "")
    importer.add_people(people_plan, people, current, data_dir)
    out.people = people_plan
    out.files.update(people_plan.files)
    out.warnings.extend(people_plan.warnings)
    for new in out.topics:
        path = f"{data_dir}/topics/{new.id}.yaml"
        out.files[path] = _topic_file(new, event, f"data/topics/{new.id}.yaml")
    if out.requests:
        path = f"{data_dir}/attendance.yaml"
        out.files[path] = attendance_file(current.get(path), out.requests, event, path)
    return out


def _post_on_record(mid: str, site: Site) -> str | None:
    """The topic post of the thread on record that holds a message."""
    thread = site.messages[mid]["thread"]
    for tid in site.topics_of_thread.get(thread, []):
        post = site.topics[tid]["message_id"]
        if post:
            return str(post)
    first = site.threads[thread]["messages"][0]["message_id"]
    return str(first)


def _thread_for(
    post: str,
    by_id: dict[str, Mail],
    site: Site,
    read: dict[str, subjects.Subject],
    taken: _Ids,
    topic_of_mid: dict[str, str],
    year: str,
) -> str:
    """The thread a post's messages go to: the one on record that holds it or its topic, else a
    new one named after its title."""
    if post in site.messages:
        return str(site.messages[post]["thread"])
    tid = topic_of_mid.get(post)
    if tid is not None and site.topics[tid]["thread"]:
        return str(site.topics[tid]["thread"])
    return taken.free(slug(read[post].title, 50) or "thread", year)


class _OtherThreads:
    """The Message-IDs of the input that go to another thread than `thread` (asked of, not
    listed: a list for each of a season's threads is the square of the season)."""

    def __init__(self, thread_of_mid: dict[str, str], thread: str):
        self.thread_of_mid, self.thread = thread_of_mid, thread

    def __contains__(self, mid: object) -> bool:
        return isinstance(mid, str) and self.thread_of_mid.get(mid, self.thread) != self.thread


class _Ids:
    """Ids that no record of a kind has: `base-suffix`, else with -2, -3 ... after it. Each
    base remembers the number it got to (a thousand posts of one title cost a thousand tries,
    not half a million); a name too long for an id is cut to fit its number."""

    def __init__(self, taken: Iterable[str]):
        self.taken = set(taken)
        self.tried: dict[str, int] = {}  # base -> the number its next name starts from (1: none)

    def free(self, base: str, suffix: str) -> str:
        base = f"{base}-{suffix}" if suffix and not base.endswith(f"-{suffix}") else base
        n = self.tried.get(base, 1)
        while True:
            name = base if n == 1 else f"{base}-{n}"
            if len(name) > layout.MAX_ID:
                name = f"{base[: layout.MAX_ID - len(str(n)) - 1].rstrip('-')}-{n}"
            if name not in self.taken and layout.is_id(name):
                break
            if n > len(self.taken) + 2:  # pragma: no cover - not an id, whatever its number
                raise ValueError(base)
            n += 1
        self.tried[base] = n + 1
        self.taken.add(name)
        return name


def _topic_file(t: NewTopic, event: str, rel: str) -> bytes:
    lines = [
        layout.schema_line(rel),
        "# Taken in by `python -m generator intake`: check the title, then add the tracks, the abstract",
        "# and, once decided, the committee's `decision`.",
        *yamledit.mapping(t.fields(event), 0, dash=False),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def attendance_file(old: bytes | None, requests: list[NewRequest], event: str, shown: str) -> bytes:
    """data/attendance.yaml with the new requests at the end (made when there is none)."""
    entries = [yamledit.mapping(r.fields(event), 4, dash=True) for r in requests]
    if old is None:
        lines = [
            layout.schema_line("data/attendance.yaml"),
            "# Requests to attend, by mail (`python -m generator intake`) or the web form (`intake --form`).",
            "# The committee answers each with `status: invited` or `declined` (and `decided:`).",
            "requests:",
            *(ln for e in entries for ln in e),
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")
    text = old.decode("utf-8")
    place = yamledit.list_place(text, "requests")
    if place is None or not place.block:
        raise importer.InputError(f"{shown}: its requests are not a block list; add them by hand")
    if not place.items:
        raise importer.InputError(f"{shown}: `requests:` holds no item to add after; add one by hand")
    last = place.items[-1]
    added = [
        ln for fields in (r.fields(event) for r in requests) for ln in yamledit.mapping(fields, last.key_column, True)
    ]
    return yamledit.insert(text, [(last.end, added)]).encode("utf-8")
