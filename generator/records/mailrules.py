"""The rules over the mail on record: every quote checked against the earliest text of the
message it cites (its provenance), a reused Message-ID that must be resolved by a person, and a
proposal's series: its versions as the mail tells them, and a warning when its links or its
dated history lag behind. Pure: records in, problems out."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from generator.errors import Problems
from generator.records import mailtext, series
from generator.records import schema as S

_LORE_ID = re.compile(r"^https://lore\.kernel\.org/(?:[^/]+/)?([^/?#]+%40[^/?#]+|[^/?#]+@[^/?#]+)")


def series_threads(proposal: S.Rec, messages: Mapping[str, S.Rec]) -> list[str]:
    """The threads that carry a proposal's series: its `threads`, and the threads of the
    messages its lore links name, when those are on record."""
    out = list(proposal["threads"])
    for link in proposal["links"]:
        m = _LORE_ID.match(link["url"])
        msg = messages.get(urllib.parse.unquote(m.group(1))) if m else None
        if msg is not None and msg["thread"] not in out:
            out.append(msg["thread"])
    return out


def revisions(
    proposals: dict[str, S.Rec], threads: dict[str, S.Rec], messages: dict[str, S.Rec], people: dict[str, S.Rec]
) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for pid, proposal in proposals.items():
        mail = [msg for tid in series_threads(proposal, messages) if tid in threads for msg in threads[tid]["messages"]]
        found = series.revisions(mail, people) if mail else []
        if found:
            out[pid] = found
    return out


def newer_mail(topics: dict[str, S.Rec], threads: dict[str, S.Rec], problems: Problems) -> None:
    """A topic whose thread holds mail dated after the day its brief was last updated."""
    for tid, topic in topics.items():
        thread = threads.get(topic["thread"] or "")
        if thread is None or not topic["brief_updated"]:
            continue
        day = str(topic["brief_updated"])
        newer = sorted(
            (m for m in thread["messages"] if m["date"] and m["date"].date().isoformat() > day),
            key=lambda m: (m["date"], m["message_id"]),
        )
        if newer:
            problems.warn(
                topic.path,
                topic.line_of("brief_updated"),
                f"topic '{tid}': its thread has {len(newer)} message{'s' * (len(newer) != 1)} dated after "
                f"{day}, when its brief was last updated (the newest: <{newer[-1]['message_id']}>, "
                f"{newer[-1]['date'].date().isoformat()}): read them into the brief, then update brief_updated",
            )


def _version_text(version: tuple[int, int]) -> str:
    return f"v{version[0]}" + (f".{version[1]}" if version[1] else "")


def stale_proposals(
    proposals: dict[str, S.Rec],
    revisions: dict[str, list[dict[str, Any]]],
    threads: dict[str, S.Rec],
    messages: dict[str, S.Rec],
    problems: Problems,
) -> None:
    """A proposal whose record is older than the mail on record: a newer version than its links
    name, or mail in its series' threads dated after the last step its record dates."""
    threads_of = {tid: t["messages"] for tid, t in threads.items()}
    for pid, versions in sorted(revisions.items()):
        proposal = proposals[pid]
        own = [v for v in versions if not v["stranger"]] or versions  # not a version from someone else
        newest = ([v for v in own if not v["branch"]] or own)[-1]  # not a stable backport
        stated = series.stated_version(proposal["links"])
        when = f" of {newest['date'].date().isoformat()}" if newest["date"] else ""
        if stated is not None and newest["version"] > stated:
            problems.warn(
                proposal.path,
                proposal.line_of("links"),
                f"proposal '{pid}': its links name {_version_text(stated)}, but the mail on record has "
                f"{newest['label']}{when} (<{newest['message_id']}>): add it to its links and check its status",
            )
            continue
        dated = [str(h["date"]) for h in proposal["history"]] + [
            str(lk["date"]) for lk in proposal["links"] if lk["date"]
        ]
        last = max(dated, default="")
        mail = [m for tid in series_threads(proposal, messages) for m in threads_of.get(tid, []) if m["date"]]
        latest = max(mail, key=lambda m: (m["date"], m["message_id"]), default=None)
        if latest is not None and last and latest["date"].date().isoformat()[: len(last)] > last:
            what = f"{newest['label']} was posted" if latest["message_id"] == newest["message_id"] else "mail came"
            problems.warn(
                proposal.path,
                proposal.line_of("status"),
                f"proposal '{pid}': {what} on {latest['date'].date().isoformat()} (<{latest['message_id']}>), "
                f"after the last step its record dates ({last}): check its status",
            )


CONFLICT = "another mail came with the Message-ID of"


def verify_quotes(
    quotes: dict[str, S.Rec], messages: dict[str, S.Rec], people: Mapping[str, S.Rec], problems: Problems
) -> list[tuple[S.Rec, str]]:
    """Quote provenance: a quote is checked against the earliest text on record that it claims.

    - When the text of `message` (whose author wrote the words) is on record, the words must
      occur in that text, unquoted, whatever `seen_in` says: a reply's '>' lines are only the
      replier's word for what was said, and anyone can reply with a made-up '>' line.
    - Only when `message` has no text on record is the quote checked in a reply that quotes
      it: the earliest text on record on the way from `seen_in` up to `message` by in_reply_to,
      at the quote level of `message` there (the number of in_reply_to steps between the two).
      The lines the quote is found in must be introduced by an attribution line naming the
      author of `message` (by name or by one of their addresses); the quote's `via` is then set
      to that reply, and pages say the words are known from a quote in a reply.
    - And never when another reply on record quotes the same place of `message` with other
      words: which reply is right can only be told from the message itself.

    Mismatches are errors (whitespace is ignored); returns the quotes that cannot be checked
    because no text they claim is on record. Each quote's `verified` says whether it was found
    where it claims to be (what a write-up may quote)."""
    unverified = []
    carriers = _carriers(messages)
    for quote in quotes.values():
        quote["via"] = None
        quote["verified"] = False
        author = messages.get(quote["message"])
        if author is None or author["thread"] != quote["thread"]:
            continue  # reported above
        if author["review"]:
            unverified.append((quote, quote["message"]))  # said with the message's review line
            continue
        if mailtext.only_quoted(quote["text"]):
            problems.error(
                quote.path,
                quote.line_of("text"),
                f"quote '{quote['id']}' is only lines that <{quote['message']}> quotes from someone else: "
                "they are not its author's words; quote the message they come from",
            )
            continue
        if author["text"]:
            quote["verified"] = _compare(quote, author, 0, problems)
            continue
        cid = quote["seen_in"]
        container = messages.get(cid or "")
        if cid is None or container is None or container["thread"] != quote["thread"]:
            if cid is None:
                unverified.append((quote, quote["message"]))
            continue  # a missing seen_in is reported above
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
        # The earliest text on record that carries the words: the reply nearest the message
        # whose text is on record. A later reply's '>>' lines are only its sender's word for
        # what that reply quoted, and anyone can reply with made-up ones.
        earliest, depth = _earliest_carrier(container, quote["message"], messages)
        if earliest is None:
            unverified.append((quote, cid))
            continue
        if earliest is container or earliest["review"]:
            earliest, depth = container, level
        if earliest["review"]:
            unverified.append((quote, cid))
            continue
        if not _compare(quote, earliest, depth, problems, seen_in=container if earliest is not container else None):
            continue
        if not _attributed(quote, author, earliest, depth, people, problems):
            continue
        if _agreed(quote, earliest, carriers.get(quote["message"], ()), problems):
            quote["via"] = earliest["message_id"]
            quote["verified"] = True
    return unverified


def _carriers(messages: dict[str, S.Rec]) -> dict[str, list[tuple[S.Rec, int]]]:
    """For each message with no text on record, the replies that carry its words: each message
    with text, under every message with no text above it by in_reply_to up to the first with
    text, with its quote level of that message's words."""
    out: dict[str, list[tuple[S.Rec, int]]] = {}
    for msg in messages.values():
        if not msg["text"]:
            continue
        seen = {msg["message_id"]}
        parent, depth = messages.get(msg["in_reply_to"] or ""), 1
        while parent is not None and not parent["text"] and parent["message_id"] not in seen:
            seen.add(parent["message_id"])
            out.setdefault(parent["message_id"], []).append((msg, depth))
            parent, depth = messages.get(parent["in_reply_to"] or ""), depth + 1
    return out


def _names_author(found: mailtext.Attribution, person: S.Rec) -> bool:
    if found.address and found.address.casefold() in {a.casefold() for a in person["addresses"] or ()}:
        return True
    return bool(found.name) and mailtext.names_match(found.name, person["name"])


def _attributed(
    quote: S.Rec, author: S.Rec, carrier: S.Rec, depth: int, people: Mapping[str, S.Rec], problems: Problems
) -> bool:
    """Whether the reply that carries the quote says the lines are by the author of the message
    they are cited from: the attribution line that introduced them names that person."""
    person = people.get(author["author"] or "")
    if person is None:
        return True  # an unknown author is reported with its reference
    found = mailtext.quote_attributions(quote["text"], carrier["text"], depth)
    named = [a for a in found if a is not None]
    if named and all(_names_author(a, person) for a in named):
        return True
    cid, mid = carrier["message_id"], quote["message"]
    whom = f"{person['name']} ({person['id']})"
    other = next((a for a in named if not _names_author(a, person)), None)
    if other is not None:
        said = " ".join(p for p in (other.name, f"<{other.address}>" if other.address else "") if p)
        problems.error(
            quote.path,
            quote.line_of("message"),
            f"quote '{quote['id']}': <{cid}> introduces the lines it is found in with an attribution to "
            f"{said} (its line {other.line}), not to {whom}, the author of <{mid}>: it does not quote <{mid}> there",
        )
    else:
        problems.warn(
            quote.path,
            quote.line_of("text"),
            f"quote '{quote['id']}' is not verified: <{mid}> has no text on record, and <{cid}> quotes the "
            f"lines with no attribution line naming {whom}, so nothing says they are that message's words "
            "(import the message itself with `python -m generator import-mbox`)",
        )
    return False


def _agreed(quote: S.Rec, used: S.Rec, carriers: Any, problems: Problems) -> bool:
    """Whether no other reply on record quotes the same place of the quote's message otherwise."""
    for other, depth in carriers:
        if other is used:
            continue
        for passage in mailtext.passages(other["text"], depth):
            differs = mailtext.quoted_differently(quote["text"], passage.text)
            if differs is None:
                continue
            mine, theirs = differs
            problems.error(
                quote.path,
                quote.line_of("text"),
                f"quote '{quote['id']}': <{other['message_id']}> quotes <{quote['message']}> otherwise than "
                f"<{used['message_id']}> does: it has {theirs!r} where the quote has {mine!r}; with no text "
                "of the message on record, neither reply can be taken for its words (import the message "
                "itself with `python -m generator import-mbox`)",
            )
            return False
    return True


def _earliest_carrier(container: S.Rec, mid: str, messages: dict[str, S.Rec]) -> tuple[S.Rec | None, int]:
    """Of the messages from `container` up to (not including) `mid` by in_reply_to, the one
    nearest `mid` whose text is on record, and its quote level of `mid`'s words."""
    chain: list[S.Rec] = []
    current: S.Rec | None = container
    seen: set[str] = set()
    while current is not None and current["message_id"] != mid and current["message_id"] not in seen:
        seen.add(current["message_id"])
        chain.append(current)
        current = messages.get(current["in_reply_to"] or "")
    for depth, rec in zip(range(1, len(chain) + 1), reversed(chain), strict=True):
        if rec["text"]:
            return rec, depth
    return None, 0


def _compare(quote: S.Rec, container: S.Rec, level: int, problems: Problems, seen_in: S.Rec | None = None) -> bool:
    cid = container["message_id"]
    stop = mailtext.find_quote(quote["text"], container["text"], level)
    if not stop:
        return True
    lines = quote["text"].split("\n")
    where = f" at quote level {level}" if level else ""
    own = ""
    if quote["seen_in"] and cid == quote["message"]:
        own = f"; <{cid}>'s own text is on record, so the quote is checked there and not in <{quote['seen_in']}>"
    elif seen_in is not None:
        own = (
            f"; <{cid}> is the earliest text on record that quotes <{quote['message']}>, so the quote is "
            f"checked there and not in <{seen_in['message_id']}>"
        )
    problems.error(
        quote.path,
        quote.line_of("text"),
        f"quote '{quote['id']}' is not in the text of <{cid}>{where} (compared ignoring whitespace){own}; "
        f"its line {stop} does not follow: {lines[stop - 1].strip()[:60]!r}{_lookalike(quote, container, level)}",
    )
    return False


def _lookalike(quote: S.Rec, container: S.Rec, level: int) -> str:
    found = mailtext.lookalike(quote["text"], container["text"], level)
    return f" ({found}: copy the words from the message itself)" if found else ""
