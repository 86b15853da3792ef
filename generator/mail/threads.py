"""Which thread import-mbox's mail goes into, and the order of a thread's messages (pure).

- `choose_thread`: the thread given (--thread, or the thread of --topic), the one thread already
  holding any of the messages (or one they refer to), or a new one named after the subject of
  the earliest message (`thread_slug`: reply prefixes and [TAGS] dropped). Mail that shares nothing
  with a thread given (`unrelated`: no Message-ID, reference or subject, directly or through the
  other mails) is refused without --force.
- `thread_order`: messages depth first from the roots of their In-Reply-To tree, siblings by the
  earliest date in their subtree; a cycle is entered anywhere.
- `slug`: an id from a subject or a name (accents and ligatures made ASCII), as thread and new
  person ids are made.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict

from generator.errors import InputError
from generator.mail.mbox import Mail
from generator.records import mailtext
from generator.records.model import Site

_TAGS = re.compile(r"^\s*(?:\[[^\]]*\]\s*)+")


_LATIN = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "ß": "ss",
        "þ": "th",
        "Þ": "Th",
        "œ": "oe",
        "Œ": "Oe",
        "ı": "i",
    }
)


def slug(text: str, limit: int = 60) -> str:
    t = unicodedata.normalize("NFKD", text.translate(_LATIN))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    if len(t) > limit:
        t = t[:limit].rsplit("-", 1)[0] if "-" in t[:limit] else t[:limit]
    return t


def thread_subject(subject: str) -> str:
    return mailtext.REPLY_PREFIX.sub("", subject).strip()


def thread_slug(subject: str) -> str:
    base = slug(_TAGS.sub("", thread_subject(subject))) or slug(thread_subject(subject)) or "thread"
    return base if base != "index" else "index-thread"


# ---------------------------------------------------------------------------- which thread


def unrelated(mails: list[Mail], site: Site, thread_id: str) -> list[Mail]:
    """The mails that share nothing with the thread on record: no Message-ID, no In-Reply-To
    or References to its messages, and no subject, directly or through the other mails (a walk
    over the links, each followed once)."""
    thread = site.threads.get(thread_id)
    if thread is None:
        return []
    subjects = {_subject_key(thread["subject"])} | {_subject_key(m["subject"] or "") for m in thread["messages"]}
    subjects.discard("")
    mails_of: dict[str, list[int]] = defaultdict(list)  # Message-ID -> the mails linked to it
    for n, m in enumerate(mails):
        for mid in {m.message_id, *m.references, *([m.in_reply_to] if m.in_reply_to else [])}:
            mails_of[mid].append(n)
    related: set[int] = set()
    todo = [n for n, m in enumerate(mails) if _subject_key(m.subject) in subjects]
    todo += [n for mid in {m["message_id"] for m in thread["messages"]} for n in mails_of.get(mid, [])]
    seen_ids: set[str] = set()
    while todo:
        n = todo.pop()
        if n in related:
            continue
        related.add(n)
        m = mails[n]
        for mid in {m.message_id, *m.references, *([m.in_reply_to] if m.in_reply_to else [])}:
            if mid not in seen_ids:
                seen_ids.add(mid)
                todo.extend(mails_of[mid])
    return [m for n, m in enumerate(mails) if n not in related]


def _subject_key(subject: str) -> str:
    return " ".join(_TAGS.sub("", thread_subject(subject)).casefold().split())


def choose_thread(mails: list[Mail], site: Site, topic: str | None, thread: str | None, force: bool = False) -> str:
    """The thread to write: --thread, the thread of --topic, the one thread already holding
    any of these messages (or one they refer to), or a new one named after the subject. Mail
    unrelated to the thread of --thread or --topic is refused without `force`."""
    ids = {m.message_id for m in mails}
    related = ids | {r for m in mails for r in m.references} | {m.in_reply_to for m in mails if m.in_reply_to}
    holding = sorted({site.messages[i]["thread"] for i in ids if i in site.messages})
    if thread or topic:
        if thread:
            chosen = thread
        else:
            assert topic is not None
            if topic not in site.topics:
                raise InputError(f"no topic '{topic}' in {site.data_dir}/topics/")
            chosen = site.topics[topic]["thread"] or topic
        others = [t for t in holding if t != chosen]
        if others:
            mid = next(i for i in sorted(ids) if i in site.messages and site.messages[i]["thread"] != chosen)
            raise InputError(f"<{mid}> is already in thread '{others[0]}'; a message belongs to one thread")
        strays = [] if force else unrelated(mails, site, chosen)
        if strays:
            first = strays[0]
            raise InputError(
                f"no Message-ID, reference or subject in common with thread '{chosen}' for {len(strays)} of the "
                f"{len(mails)} messages (the first: message {first.number} of {first.source}, "
                f"{first.subject[:80]!r}); import them into another thread, or add --force to import them into this one"
            )
        return chosen
    if len(holding) > 1:
        raise InputError(f"these messages are in several threads ({', '.join(holding)}); choose one with --thread")
    if holding:
        return holding[0]
    referred = sorted({site.messages[i]["thread"] for i in related if i in site.messages})
    if len(referred) == 1:
        return referred[0]
    first = min(mails, key=lambda m: (m.date or dt.datetime.max.replace(tzinfo=dt.UTC), m.source, m.number))
    chosen = thread_slug(first.subject)
    if chosen in site.threads:
        raise InputError(
            f"thread '{chosen}' exists and holds none of these messages; choose a thread with --thread or --topic"
        )
    return chosen


# ---------------------------------------------------------------------------- thread order


def thread_order(nodes: dict[str, tuple[str | None, dt.datetime | None]]) -> list[str]:
    """Depth first from the roots; siblings (and roots) by the earliest date in their subtree.
    Each message is visited once (a reply chain 100,000 deep costs what 100,000 replies to one
    post cost)."""
    children: dict[str, list[str]] = defaultdict(list)
    roots: list[str] = []
    for mid, (parent, _) in nodes.items():
        (children[parent] if parent in nodes and parent != mid else roots).append(mid)
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    earliest: dict[str, dt.datetime] = {}

    def first(mid: str) -> dt.datetime:
        stack, order, seen = [mid], [], set()
        while stack:  # iterative: a long reply chain must not hit the recursion limit
            m = stack.pop()
            if m in earliest or m in seen:
                continue
            order.append(m)
            seen.add(m)
            stack.extend(children[m])
        for m in reversed(order):
            own = nodes[m][1] or latest
            earliest[m] = min([own] + [earliest.get(c, latest) for c in children[m]])
        return earliest[mid]

    out: list[str] = []
    visited: set[str] = set()

    def walk(starts: list[str]) -> None:
        stack = list(reversed(starts))
        while stack:
            m = stack.pop()
            if m in visited:
                continue
            visited.add(m)
            out.append(m)
            stack.extend(reversed(sorted(children[m], key=lambda c: (first(c), c))))

    walk(sorted(roots, key=lambda m: (first(m), m)))
    rest = sorted(nodes)  # what no root leads to: cycles of In-Reply-To, each entered anywhere
    at = 0
    while True:
        while at < len(rest) and rest[at] in visited:
            at += 1
        if at == len(rest):
            return out
        walk([rest[at]])
