"""Record schemas: what each YAML file may hold, with a short doc for every field, and every
vocabulary (statuses, kinds, roles, link types, confidence) once, with the label pages show.

Written in the types of `generator.records.types`, which check positioned YAML nodes and make
`Rec` dicts; the names of that framework that other modules use through this one (`S.Rec`,
`S.Field`, ...) are imported here. Pure. The templates' label filters, the JSON Schemas
(`jsonschemas`) and the exports read the vocabularies from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import unquote, urlsplit

# Also the names of the type framework that other modules use through this one (`S.Rec`, ...).
from generator.records.types import (  # noqa: F401
    BIG_LIST,
    DATETIME_RE,
    INVALID,
    Clock,
    Ctx,
    Date,
    DateOrTime,
    DateTime,
    Enum,
    Field,
    Flag,
    Int,
    ListOf,
    MessageId,
    Obj,
    Pattern,
    Rec,
    Ref,
    RefUse,
    Slug,
    Text,
    TextOr,
    TimeZone,
    Type,
    Url,
    clock_minutes,
    clock_text,
    host_of,
    reserved_id,
    suggest,
)
from generator.records.yamlload import Y

# ---------------------------------------------------------------------------------- vocabularies
# Every vocabulary once, with the label pages show for each word (its order is the order pages
# list them in): the schema checks the words, templates show the labels, the JSON Schemas and
# data.json list the words.

CONFIDENCE = Enum(
    labels={"seen": "", "secondary": "secondary source", "inferred": "inferred", "unconfirmed": "unconfirmed"}
)  # the label is the note shown after a fact that a primary source does not state
LINK_TYPE = Enum(
    labels={
        "lore": "lore thread",
        "archive": "list archive",
        "series": "patch series",
        "patch": "patch",
        "lwn": "LWN",
        "paper": "paper",
        "commit": "commit",
        "slides": "slides",
        "code": "code",
        "video": "video",
        "docs": "documentation",
        "web": "web page",
    }
)
STATUS = Enum(
    labels={
        "idea": "idea",
        "research": "research",
        "rfc": "RFC",
        "under-review": "under review",
        "landed": "landed",
        "rejected": "rejected",
        "withdrawn": "withdrawn",
    }
)
PROPOSAL_KIND = Enum(
    labels={"series": "patch series", "paper": "paper", "topic": "summit topic", "target": "not yet covered"}
)
PROPOSAL_ROLE = Enum("author", "co-author", "proposer", "reviewer", "presenter")
QUESTION_STATUS = Enum("open", "settled")
TOPIC_KIND = Enum(
    labels={
        "session": "session",
        "joint-session": "joint session",
        "plenary": "plenary session",
        "bof": "BoF",
        "lightning-talk": "lightning talk",
        "attend-request": "attend request",
        "meta": "meta-topic",
    }
)
# What the program committee made of a topic. Only these are sessions on the agenda:
DECISION = Enum(
    labels={
        "proposed": "proposed",
        "accepted": "accepted",
        "held": "held",
        "merged": "merged",
        "declined": "declined",
        "withdrawn": "withdrawn",
    }
)
# What a schedule can get wrong (model.schedule_conflicts), as the schedule page names it.
CONFLICT = Enum(
    labels={
        "room": "two sessions in one room",
        "person": "one person in two sessions",
        "joint": "joint session against its tracks",
        "plenary": "plenary session against another",
        "break": "session over a shared break",
        "hours": "outside the daily hours",
        "midnight": "past midnight",
        "unscheduled": "accepted, no slot",
    }
)


def decision_status(topic: Rec) -> str:
    """What the program committee decided of a topic: its decision's status, or proposed."""
    return str(topic["decision"]["status"]) if topic["decision"] else "proposed"


ON_AGENDA = ("proposed", "accepted", "held")  # not merged into another, declined or withdrawn
NOT_SESSIONS = ("attend-request",)  # kinds that ask for a seat, not for a slot
# The role of a merged topic's lead in the session it was merged into (model._merges).
MERGED_LEAD_ROLE = "co-leads (from a merged topic)"
# What a person did, as each person's page and data.json `roles` list it, in this order: a lead
# of a topic, a co-lead of a session a topic of theirs was merged into, someone a topic wants
# in the room, a part in a proposal (PROPOSAL_ROLE), a concern, a position on a question.
PERSON_ROLES = (
    "leads",
    MERGED_LEAD_ROLE,
    "should attend",
    "author",
    "co-author",
    "proposer",
    "presenter",
    "reviewer",
    "raised a concern on",
    "holds a position on",
)
ROLE_SUBJECTS = ("topic", "proposal", "question", "quote")  # the kinds of record a role may concern
assert set(PROPOSAL_ROLE.values) <= set(PERSON_ROLES)


def utc_text(value: dt.datetime) -> str:
    """A time as data files and data.json hold it: in UTC, to the second, with a Z."""
    v = value.astimezone(dt.UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


SOURCE = Obj(
    "source",
    "Where a fact comes from.",
    {
        "url": Field(Url(), "The page, message or article that states the fact.", required=True),
        "about": Field(Text(), "Which fact this source backs."),
        "fields": Field(
            ListOf(Text(40)),
            "The fields of this record it backs (start, end, posted, leads ...): a confidence other than "
            "seen is then shown beside their values, not only under Sources.",
        ),
        "confidence": Field(
            CONFIDENCE,
            "seen (a primary source says so), secondary (only a third-party write-up), inferred, or unconfirmed.",
            default="seen",
        ),
    },
)

# Link types whose addresses are known: a `lore` link is on lore.kernel.org (nothing may link
# to lore an address that was not given), an `lwn` link on lwn.net.
LINK_HOSTS = {"lore": "lore.kernel.org", "lwn": "lwn.net"}


def _link_host(rec: Rec, y: Y, ctx: Ctx) -> bool:
    host = LINK_HOSTS.get(rec["type"])
    found = host_of(rec["url"])
    if host is None or found == host or found.endswith("." + host):
        if rec["type"] == "lore" and "@" not in unquote(urlsplit(rec["url"]).path):
            ctx.error(
                y.entries["url"][1],
                "a 'lore' link is to a message: its address holds the Message-ID "
                "(https://lore.kernel.org/r/<Message-ID>); for a list's page use type 'web'",
            )
            return False
        return True
    other = "'archive' (a list archive or lore mirror)" if rec["type"] == "lore" else "'web'"
    ctx.error(
        y.entries["url"][1],
        f"a '{rec['type']}' link must be on {host}, found {found}: give its {host} address, or use type {other}",
    )
    return False


LINK = Obj(
    "link",
    "A typed link to something worth reading.",
    {
        "type": Field(LINK_TYPE, "What the link points at.", required=True),
        "url": Field(Url(), "The address.", required=True),
        "title": Field(Text(), "What to show instead of the address."),
        "version": Field(Text(40), "For a patch series: its version, such as v3 or RFC."),
        "date": Field(Date(partial=True), "When it was posted or published."),
        "confidence": Field(CONFIDENCE, "How sure the link's facts are.", default="seen"),
    },
    rules=(_link_host,),
)


def _ordered_hours(rec: Rec, y: Y, ctx: Ctx) -> bool:
    if rec["end"] <= rec["start"]:
        ctx.error(y.entries["end"][1], f"the day's hours end ({rec['end']}) before they start ({rec['start']})")
        return False
    return True


def first_day(value: str) -> str:
    """The first day a date that may be partial (YYYY-MM, YYYY) can be."""
    return {4: f"{value}-01-01", 7: f"{value}-01"}.get(len(value), value)


def last_day(value: str) -> str:
    """The last day a date that may be partial can be."""
    if len(value) == 4:
        return f"{value}-12-31"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    return value


def exact(event: Rec) -> bool:
    """An event whose days are known (start and end are whole dates)."""
    return len(str(event["start"])) == 10 and len(str(event["end"])) == 10


def _days_and_breaks(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """The event ends after it starts; its breaks fall on its days, within its daily hours, and
    do not overlap each other (each is shared by every room: the grid cannot show two at once)."""
    if last_day(rec["end"]) < first_day(rec["start"]):
        ctx.error(y.entries["end"][1], f"the event ends ({rec['end']}) before it starts ({rec['start']})")
        return False
    if not exact(rec):
        for key in ("hours", "breaks"):
            if rec[key]:
                ctx.error(
                    y.entries[key][0],
                    f"`{key}` need the event's days, and only {rec['start']} is known: give `start` and `end` "
                    "as YYYY-MM-DD first",
                )
                return False
    if not rec["breaks"]:
        return True
    nodes = {node.line: node for node in y.entries["breaks"][1].items}  # a break's node by its line
    ok = True
    seen: list[Rec] = []
    for pause in rec["breaks"]:
        node = nodes[pause.line]
        if pause["day"] is not None and not rec["start"] <= pause["day"] <= rec["end"]:
            ctx.error(
                node.entries["day"][1],
                f"break day {pause['day']} is outside the event ({rec['start']} to {rec['end']})",
            )
            ok = False
            continue
        start = clock_minutes(pause["start"])
        end = start + pause["minutes"]
        hours = rec["hours"]
        if hours and (start < clock_minutes(hours["start"]) or end > clock_minutes(hours["end"])):
            ctx.warn(node, f"break '{pause['title']}' is outside the daily hours ({hours['start']}–{hours['end']})")
        for other in seen:
            o_start = clock_minutes(other["start"])
            same_day = pause["day"] is None or other["day"] is None or pause["day"] == other["day"]
            if same_day and start < o_start + other["minutes"] and o_start < end:
                ctx.warn(
                    node,
                    f"break '{pause['title']}' overlaps break '{other['title']}' (line {other.line}): "
                    "make them one, or move one",
                )
        seen.append(pause)
    return ok


def _joint_tracks(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """A joint session is across tracks: it names at least two."""
    if rec["kind"] == "joint-session" and len(rec["tracks"]) < 2:
        node = y.entries["tracks"][1] if "tracks" in y.entries else y.entries["kind"][1]
        ctx.warn(node, "a joint session is across tracks: name at least two under `tracks:`")
    return True


EVENT = Obj(
    "event",
    "A summit: data/events/<id>.yaml (LSF/MM 2019, LSFMM+BPF 2026, ...).",
    {
        "id": Field(Slug(), "Short id of the event; must match the file name.", required=True),
        "name": Field(Text(), "Full name of the event.", required=True),
        "short_name": Field(Text(60), "Short name for headers."),
        "start": Field(
            Date(partial=True),
            "First day; YYYY-MM or YYYY when no source gives the day (pages then say the days are unknown).",
            required=True,
        ),
        "end": Field(Date(partial=True), "Last day; YYYY-MM or YYYY when no source gives it.", required=True),
        "current": Field(
            Flag(),
            "true for the event whose home page and agenda the site shows first (at most one; "
            "without it, the event that starts last).",
            default=False,
        ),
        "place": Field(Text(), "City and country (venue if known)."),
        "timezone": Field(
            TimeZone(),
            "Time zone in which slot times are given (an IANA name such as Europe/Zagreb); needed "
            "once a topic of the event has a slot.",
        ),
        "url": Field(Url(), "The event's own site."),
        "tracks": Field(
            ListOf(
                Obj(
                    "track",
                    "A track of the summit.",
                    {
                        "id": Field(Slug(), "Short id used by topics.", required=True),
                        "name": Field(Text(), "Track name.", required=True),
                    },
                )
            ),
            "The tracks of the summit.",
        ),
        "rooms": Field(
            ListOf(
                Obj(
                    "room",
                    "A room.",
                    {
                        "id": Field(Slug(), "Short id used by slots.", required=True),
                        "name": Field(Text(), "Room name.", required=True),
                        "tracks": Field(
                            ListOf(Ref("track")),
                            "The tracks the room holds (the agenda's grid shows a joint session across their rooms).",
                        ),
                    },
                )
            ),
            "Rooms, when the venue is known; the agenda's grid has a column per room, in this order.",
        ),
        "hours": Field(
            Obj(
                "hours",
                "When the day's sessions start and end.",
                {
                    "start": Field(Clock(), "When the first session may start.", required=True),
                    "end": Field(Clock(), "When the last session must end.", required=True),
                },
                rules=(_ordered_hours,),
            ),
            "Daily hours: a session outside them is a warning.",
        ),
        "breaks": Field(
            ListOf(
                Obj(
                    "break",
                    "A time every track shares: a break, a meal, a plenary talk.",
                    {
                        "title": Field(Text(120), "What it is (Lunch, Keynote).", required=True),
                        "day": Field(Date(), "Its day; left out, every day of the event."),
                        "start": Field(Clock(), "Start time (event time zone).", required=True),
                        "minutes": Field(Int(5, 600), "Length in minutes.", required=True),
                    },
                )
            ),
            "Breaks and plenary times: no session may overlap them.",
        ),
        "schedule": Field(
            Enum("draft", "final"),
            "draft, or final once the program committee has published it: then an accepted topic "
            "without a slot is a warning.",
            default="draft",
        ),
        "proposals_due": Field(
            Date(),
            "The day the call for proposals asks topics and attendance requests by: the committee's page "
            "lists what came in later.",
        ),
        "notes": Field(Text(2000, multiline=True, markdown=True), "Anything else worth knowing."),
        "sources": Field(ListOf(SOURCE, min_items=1), "Where the event facts come from.", required=True),
    },
    rules=(_days_and_breaks,),
)

PERSON = Obj(
    "person",
    "Someone who proposed, reviewed or said something.",
    {
        "id": Field(Slug(), "Short id, e.g. roman-gushchin.", required=True),
        "name": Field(Text(120), "Full name as the person writes it.", required=True),
        "affiliation": Field(Text(120), "Employer or institution, only where a source gives it."),
        "affiliation_source": Field(Url(), "The source that gives the affiliation."),
        "addresses": Field(
            ListOf(Pattern(r"[^\s@<>]+@[^\s@<>]+", "an e-mail address")),
            "E-mail addresses, used to match senders of imported mail.",
        ),
        "review": Field(
            Text(600),
            "Set by import-mbox on a person it added from mail: what to check. Each such person is a "
            "warning (so --strict fails) until this line is deleted.",
        ),
        "claims": Field(
            Ref("person"),
            "Set by import-mbox on a person added for mail that used another person's name from an address "
            "not theirs: whose name it used. Pages say so beside the name, whatever the review line says; "
            "if it is that person after all, move the address to them and delete this record.",
        ),
    },
)

PEOPLE_FILE = Obj(
    "people file",
    "data/people.yaml: everyone the records mention.",
    {
        "people": Field(ListOf(PERSON, max_items=BIG_LIST), "The people.", required=True),
    },
)

POSITION = Obj(
    "position",
    "One view on an open question, backed by quotes or sources.",
    {
        "by": Field(ListOf(Ref("person"), min_items=1), "Who holds it.", required=True),
        "summary": Field(Text(1000), "The position in one or two sentences.", required=True),
        "quotes": Field(ListOf(Ref("quote")), "Thread quotes that back it."),
        "sources": Field(ListOf(SOURCE), "Other sources that back it (e.g. a write-up of the session)."),
    },
)

QUESTION = Obj(
    "question",
    "A question the room must settle.",
    {
        "id": Field(Slug(), "Short id; also the anchor on the questions page.", required=True),
        "topic": Field(Ref("topic"), "The session where it is discussed.", required=True),
        "question": Field(Text(300), "The question, as one sentence.", required=True),
        "context": Field(Text(4000, multiline=True, markdown=True), "Why it matters (Markdown)."),
        "positions": Field(ListOf(POSITION), "The views on it."),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals it bears on."),
        "status": Field(QUESTION_STATUS, "open, or settled once the room decided.", default="open"),
        "resolution": Field(Text(4000, multiline=True, markdown=True), "What was decided (required when settled)."),
        "sources": Field(ListOf(SOURCE), "Where the question and its context come from."),
    },
)

QUESTIONS_FILE = Obj(
    "questions file",
    "data/questions.yaml: the open questions.",
    {
        "questions": Field(ListOf(QUESTION, max_items=BIG_LIST), "The questions.", required=True),
    },
)

SLOT = Obj(
    "slot",
    "When and where the session takes place.",
    {
        "day": Field(Date(), "The day.", required=True),
        "start": Field(Clock(), "Start time (event time zone).", required=True),
        "minutes": Field(Int(5, 600), "Length in minutes.", required=True),
        "room": Field(Ref("room"), "Room id from its event's `rooms`."),
    },
)

ITEM = Obj(
    "running-order item",
    "One part of the session.",
    {
        "title": Field(Text(), "What this part is about.", required=True),
        "minutes": Field(Int(1, 600), "Planned minutes."),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals discussed in this part."),
        "questions": Field(ListOf(Ref("question")), "Questions discussed in this part."),
        "notes": Field(Text(1000), "A note for the lead."),
    },
)

DECISION_ITEM = Obj(
    "decision of the room",
    "One thing the session decided, citable at topics/<topic>/#decision-<id>.",
    {
        "id": Field(
            Slug(),
            "Its id, unique among the topic's decisions: its address is topics/<topic>/#decision-<id>. Only an "
            "id given here lasts through edits of its words (`check` warns of a decision without one).",
        ),
        "text": Field(Text(1000), "What was decided, in a sentence or two.", required=True),
        "proposals": Field(
            ListOf(Ref("proposal")),
            "The proposals it concerns: a later session that continues this one shows what happened to them since.",
        ),
        "sources": Field(ListOf(SOURCE), "Where the decision is stated (a report of the session, the minutes)."),
    },
)


def decision_id(text: str) -> str:
    """The id a decision without one goes by (its anchor), and that `check` suggests giving it:
    the first words of its text, or, when it has no letters or digits of ASCII, a hash of it."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > DECISION_ID_LEN:
            break
        out = f"{out}-{word}" if out else word[:DECISION_ID_LEN]
    return out or "d" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


DECISION_ID_LEN = 40


def _decision_ids(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """Each decision's id is unique in the outcome; one without an id goes by `decision_id` of
    its words (made unique with -2, -3, ... in file order), and says so (`id_made`)."""
    given: dict[str, Rec] = {}
    ok = True
    for d in rec["decisions"]:
        d["id_made"] = d["id"] is None
        if d["id"] is None:
            continue
        first = given.setdefault(d["id"], d)
        if first is not d:
            ctx.error(
                _item_node(y, "decisions", d.line).entries["id"][1],
                f"decision id '{d['id']}' is given twice (first at line {first.line_of('id')})",
            )
            ok = False
    taken = set(given)
    for d in rec["decisions"]:
        if d["id"] is not None:
            continue
        base = decision_id(d["text"])
        made, n = base, 1
        while made in taken:
            n += 1
            made = f"{base}-{n}"
        taken.add(made)
        d["id"] = made
    return ok


def _item_node(y: Y, key: str, line: int) -> Y:
    """The node of the item of the list under `key` that starts on `line`."""
    return next(node for node in y.entries[key][1].items if node.line == line)


OUTCOME = Obj(
    "outcome",
    "What happened in the session (filled in afterwards).",
    {
        "summary": Field(Text(4000, multiline=True, markdown=True), "What was said and decided (Markdown)."),
        "decisions": Field(
            ListOf(TextOr(DECISION_ITEM, "text")),
            "What the room decided, one per item: each a mapping with `id`, `text`, the `proposals` it concerns "
            "and its `sources` (a line of text alone is read as its `text`).",
        ),
        "writeups": Field(ListOf(LINK), "Reports of the session (LWN, slides, notes)."),
    },
    rules=(_decision_ids,),
)


def _leads(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """`lead` (one person, as files written before co-leads have it) or `leads`, not both; kept
    as `leads`."""
    if rec["lead"] and rec["leads"]:
        ctx.error(y.entries["lead"][0], "give `leads` (a list) or `lead` (one person), not both")
        return False
    if rec["leads_unknown"] and (rec["lead"] or rec["leads"]):
        ctx.error(y.entries["leads_unknown"][0], "`leads_unknown` is for a topic whose leads are not known; drop it")
        return False
    if rec["leads_unknown"]:
        return True
    if not rec["lead"] and not rec["leads"]:
        ctx.error(
            y,
            "missing required field 'leads': who proposed and leads the session (person ids); when no source "
            "names them, give `leads_unknown` (how the topic is known without them)",
        )
        return False
    if rec["lead"]:
        rec["leads"] = [rec["lead"]]
        rec.lines["leads"] = rec.lines["lead"]
    return True


def _post(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """How the topic e-mail is known: its Message-ID, an archive's address, or a note."""
    if rec["message_id"] or rec["post_url"] or rec["post_note"]:
        return True
    ctx.error(
        y,
        "missing required field 'message_id': the Message-ID of the topic e-mail; without one, give "
        "`post_url` (the post in a list archive) or `post_note` (how it is known, e.g. only through replies)",
    )
    return False


def _no_twice(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """A person leads a topic once."""
    leads = rec["leads"] or []
    twice = sorted({pid for pid in leads if leads.count(pid) > 1})
    if twice:
        ctx.error(y.entries["leads"][1], f"'{twice[0]}' is given twice in `leads`")
        return False
    return True


def _decision(rec: Rec, y: Y, ctx: Ctx) -> bool:
    decision = rec["decision"]
    if decision is None:
        return True
    if decision["status"] == "merged" and not decision["into"]:
        ctx.error(y.entries["decision"][1], "a merged topic needs `into`: the id of the topic it was merged into")
        return False
    if decision["into"] and decision["status"] != "merged":
        line = y.entries["decision"][1].entries["into"][0]
        ctx.error(line, f"`into` is for a merged topic; this one is {decision['status']}")
        return False
    if decision["into"] == rec["id"]:
        ctx.error(y.entries["decision"][1].entries["into"][1], "a topic cannot be merged into itself")
        return False
    return True


ATTENDEE = Obj(
    "attendee",
    "Someone the session needs in the room.",
    {
        "person": Field(Ref("person"), "Person id.", required=True),
        "reason": Field(
            Text(300), "Why: maintainer of the area, author of a proposal, asked for in the thread...", required=True
        ),
        "source": Field(Url(), "Where that is stated (the MAINTAINERS entry, the message).", required=True),
    },
)

DECISION_RECORD = Obj(
    "decision",
    "What the program committee decided, with its date and source.",
    {
        "status": Field(
            DECISION,
            "proposed (nothing decided yet), accepted, held (the session took place), merged (into "
            "another topic), declined or withdrawn.",
            required=True,
        ),
        "date": Field(Date(partial=True), "When it was decided or announced."),
        "into": Field(Ref("topic"), "For a merged topic: the topic it was merged into."),
        "note": Field(Text(500), "The decision in words."),
        "sources": Field(ListOf(SOURCE, min_items=1), "Where the decision is stated.", required=True),
    },
)

TOPIC = Obj(
    "topic",
    "A topic proposed for a summit (a session, BoF, attend request...): data/topics/<id>.yaml.",
    {
        "id": Field(Slug(), "Short id; must match the file name.", required=True),
        "title": Field(Text(200), "Title of the topic as proposed.", required=True),
        "event": Field(
            Ref("event"), "The summit it was proposed for (an id from data/events/; needed once there are several)."
        ),
        "kind": Field(
            TOPIC_KIND,
            "session, joint-session (across tracks), plenary (every track), bof, lightning-talk, attend-request "
            "or meta (about the summit).",
            default="session",
        ),
        "tracks": Field(ListOf(Ref("track")), "Track ids from its event."),
        "leads": Field(ListOf(Ref("person"), min_items=1), "Who proposed and leads the session (person ids)."),
        "lead": Field(Ref("person"), "The one lead (files may give `lead` instead of `leads`)."),
        "leads_unknown": Field(
            Text(300),
            "Instead of `leads`, when no source names who proposed it: how the topic is known without them "
            "(e.g. only through a reply that quotes the post). Pages show the lead as unknown.",
        ),
        "must_attend": Field(ListOf(ATTENDEE), "People the session needs in the room, each with why and a source."),
        "message_id": Field(MessageId(), "Message-ID of the [LSF/MM/BPF TOPIC] e-mail."),
        "post_url": Field(Url(), "The topic e-mail in a list archive, when its Message-ID is not known."),
        "post_note": Field(Text(300), "How the topic e-mail is known when no address is (e.g. only through replies)."),
        "posted": Field(DateOrTime(), "When the topic e-mail was sent (a date alone if the time is unknown)."),
        "lists": Field(ListOf(Text(80)), "Mailing lists the topic was sent to."),
        "posted_in": Field(
            MessageId(),
            "For a topic posted as a reply inside another thread (the call for proposals, another topic): "
            "the Message-ID of the message it replied to.",
        ),
        "thread": Field(Ref("thread"), "The thread record of the topic e-mail, if imported."),
        "brief_updated": Field(
            Date(),
            "The day its brief last took the mail of its thread into account. `check` warns when the thread "
            "holds messages dated after it (imported since): read them, update the brief, then this date.",
        ),
        "abstract": Field(
            Text(8000, multiline=True, markdown=True),
            "What the session is about (Markdown). Until it is written, pages show the opening of the topic "
            "e-mail when its text is on record.",
        ),
        "decision": Field(DECISION_RECORD, "What the program committee decided (leave out while only proposed)."),
        "continues": Field(ListOf(Ref("topic")), "Earlier topics (of earlier summits) this one continues."),
        "slot": Field(SLOT, "Day, time and room; leave out while unscheduled."),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals on the agenda of this session."),
        "running_order": Field(ListOf(ITEM), "The parts of the session in order."),
        "reading": Field(ListOf(LINK), "What to read before the session."),
        "outcome": Field(OUTCOME, "After the session: what was decided, and write-ups."),
        "sources": Field(ListOf(SOURCE), "Where the topic facts come from."),
    },
    rules=(_no_twice, _leads, _post, _decision, _joint_tracks),
)

PROPOSAL = Obj(
    "proposal",
    "A patch series, paper or idea: data/proposals/<id>.yaml.",
    {
        "id": Field(Slug(), "Short id; must match the file name.", required=True),
        "title": Field(Text(200), "Name of the proposal.", required=True),
        "kind": Field(
            PROPOSAL_KIND,
            "series (patches), paper, topic (a summit topic of its own) or target (an area nobody has covered yet).",
            required=True,
        ),
        "status": Field(STATUS, "Where it stands.", required=True),
        "status_note": Field(Text(500), "The status in words, with its date."),
        "status_sources": Field(ListOf(SOURCE, min_items=1), "What the status rests on.", required=True),
        "people": Field(
            ListOf(
                Obj(
                    "role",
                    "A person's part in the proposal.",
                    {
                        "person": Field(Ref("person"), "Person id.", required=True),
                        "role": Field(PROPOSAL_ROLE, "Their part.", required=True),
                    },
                )
            ),
            "Authors and reviewers.",
        ),
        "summary": Field(
            Text(4000, multiline=True, markdown=True), "What it is, in a paragraph (Markdown).", required=True
        ),
        "links": Field(ListOf(LINK), "Lore threads, patch versions, articles, papers, commits, slides."),
        "history": Field(
            ListOf(
                Obj(
                    "history entry",
                    "A dated step.",
                    {
                        "date": Field(Date(partial=True), "When.", required=True),
                        "event": Field(Text(500), "What happened.", required=True),
                        "url": Field(Url(), "Where it is recorded."),
                        "confidence": Field(CONFIDENCE, "How sure this is.", default="seen"),
                    },
                )
            ),
            "Dated history, oldest first.",
        ),
        "concerns": Field(
            ListOf(
                Obj(
                    "concern",
                    "A reviewer's concern.",
                    {
                        "by": Field(Ref("person"), "Who raised it.", required=True),
                        "concern": Field(Text(1000), "What the concern is.", required=True),
                        "url": Field(Url(), "Where it was raised.", required=True),
                        "confidence": Field(CONFIDENCE, "How sure this is.", default="seen"),
                    },
                )
            ),
            "Reviewers' concerns.",
        ),
        "related": Field(ListOf(Ref("proposal")), "Other proposals it builds on or competes with."),
        "threads": Field(
            ListOf(Ref("thread")),
            "Threads on record (import-mbox) that carry its patch series, one per version as a rule. Its page "
            "shows their versions, trailers and repliers; the threads of its lore links count too.",
        ),
    },
)

MESSAGE = Obj(
    "message",
    "One message of a thread.",
    {
        "message_id": Field(MessageId(), "Its Message-ID.", required=True),
        "author": Field(Ref("person"), "Who sent it.", required=True),
        "date": Field(
            DateTime(),
            "When it was sent, with its UTC offset (import-mbox writes UTC). Left out when no source gives "
            "it, as for a message known only through the quotes in a reply.",
        ),
        "subject": Field(Text(300), "Its subject."),
        "in_reply_to": Field(MessageId(), "The Message-ID it replies to."),
        "note": Field(Text(500), "E.g. that its text is known only through quotes in a reply."),
        "review": Field(
            Text(600),
            "Set by import-mbox on a message known only through a reply's quote that names a person on record "
            "as its author: anyone can write such a reply. Until a person checks (on lore.kernel.org) that the "
            "message exists and is theirs and deletes this line, it is a warning and no quote of it is verified.",
        ),
        "conflict": Field(
            Text(1000),
            "Set by import-mbox when mail arrives again under this Message-ID from another sender or with "
            "another text: what that mail was. The record is kept as it was; `check` fails until a person "
            "finds which is genuine (on lore.kernel.org), corrects the record if needed and replaces this line by "
            "`resolved`.",
        ),
        "resolved": Field(
            Text(1000),
            "How a person resolved a conflict (which copy is genuine, and why). import-mbox then only warns "
            "about other mail under this Message-ID, without a new `conflict` line.",
        ),
        "text": Field(
            Text(2_000_000, multiline=True),
            "Its plain-text body as import-mbox read it: signature removed, quoted lines kept with their "
            "'>' markers. `check` verifies the quotes against it; left out while the message is known "
            "only through the quotes in a reply.",
        ),
    },
)

QUOTE = Obj(
    "quote",
    "Words from a message, verbatim.",
    {
        "id": Field(Slug(), "Short id used by questions.", required=True),
        "message": Field(MessageId(), "Message-ID of the message whose author wrote the words.", required=True),
        "seen_in": Field(
            MessageId(),
            "Message-ID of the reply that carries the words, when the text of `message` is not on record: "
            "the quote is then checked there, and pages say it is known from a quote in a reply.",
        ),
        "text": Field(
            Text(2_000_000, multiline=True),
            "The exact words, line breaks as in the message. `check` verifies them, ignoring whitespace, "
            "against the earliest text on record they claim: the own words of `message` when its text is "
            "on record (seen_in is then not used), else the text of seen_in at the quote level of `message`.",
            required=True,
        ),
        "proposals": Field(ListOf(Ref("proposal")), "Proposals it is about."),
        "questions": Field(ListOf(Ref("question")), "Questions it is about."),
    },
)

THREAD = Obj(
    "thread",
    "A mailing-list thread: data/threads/<id>.yaml.",
    {
        "id": Field(Slug(), "Short id; must match the file name.", required=True),
        "subject": Field(Text(300), "Subject of the first message.", required=True),
        "lists": Field(ListOf(Text(80)), "Lists it went to."),
        "notes": Field(
            Text(2000, multiline=True, markdown=True), "What is known about the thread beyond its messages."
        ),
        "messages": Field(
            ListOf(MESSAGE, min_items=1, max_items=BIG_LIST), "The messages, in thread order.", required=True
        ),
        "quotes": Field(ListOf(QUOTE, max_items=BIG_LIST), "Quotes taken from the messages."),
    },
)


# What the program committee made of a request to attend.
ATTENDANCE = Enum(labels={"waiting": "waiting", "invited": "invited", "declined": "declined"})


def _request_source(rec: Rec, y: Y, ctx: Ctx) -> bool:
    """A request is known from its mail or from the form's row."""
    if rec["message_id"] or rec["form"]:
        return True
    ctx.error(
        y,
        "missing required field 'message_id': the Message-ID of the request; for a request made "
        "through the web form, give `form` (the export's file and row) instead",
    )
    return False


REQUEST = Obj(
    "request",
    "A request to attend a summit, by mail or through the call's web form.",
    {
        "id": Field(Slug(), "Short id (intake makes <person>-<event>).", required=True),
        "event": Field(Ref("event"), "The summit.", required=True),
        "person": Field(Ref("person"), "Who asks to attend.", required=True),
        "status": Field(
            ATTENDANCE, "waiting (nothing decided yet), invited or declined: the committee's answer.", default="waiting"
        ),
        "decided": Field(Date(partial=True), "When the committee answered."),
        "note": Field(Text(500), "The committee's note (why declined, which track invites them)."),
        "message_id": Field(MessageId(), "Message-ID of the request's e-mail."),
        "form": Field(Text(300), "For a request made through the web form: the export's file and row."),
        "posted": Field(DateOrTime(), "When the request was sent."),
        "subject": Field(Text(300), "The request's subject, as sent."),
        "lists": Field(ListOf(Text(80)), "Mailing lists the request was sent to."),
        "discuss": Field(
            Text(4000, multiline=True),
            "What they want to discuss, in their words (the opening of the mail, or the form's field).",
        ),
        "topics": Field(ListOf(Ref("topic")), "Topics the request names or was posted under."),
        "thread": Field(Ref("thread"), "The thread record that holds the request's e-mail."),
    },
    rules=(_request_source,),
)

ATTENDANCE_FILE = Obj(
    "attendance file",
    "data/attendance.yaml: the requests to attend, of every summit.",
    {
        "requests": Field(ListOf(REQUEST, max_items=BIG_LIST), "The requests.", required=True),
    },
)

RELEASED_SESSION = Obj(
    "released session",
    "One session as a schedule release showed it (written by `release`, never by hand).",
    {
        "topic": Field(Slug(), "The topic's id (kept when the topic is later deleted).", required=True),
        "title": Field(Text(300, facts=False), "The title shown.", required=True),
        "day": Field(Date(), "The day shown.", required=True),
        "start": Field(Clock(), "The start shown (event time zone).", required=True),
        "minutes": Field(Int(5, 600), "The length shown.", required=True),
        "room": Field(Slug(), "The room shown, if any."),
        "tracks": Field(ListOf(Slug()), "The tracks shown."),
        "leads": Field(ListOf(Slug()), "The leads shown (person ids), those of merged topics included."),
    },
)

RELEASE = Obj(
    "release",
    "A named version of an event's schedule, as it went out (written by `release`).",
    {
        "number": Field(Int(1, 10000), "1 for the first release, then one more each time.", required=True),
        "name": Field(Text(80, facts=False), 'What the committee called it ("Preliminary", "Final").', required=True),
        "released": Field(DateTime(), "When it was made (UTC).", required=True),
        "note": Field(Text(500, multiline=True), "A word from the committee, shown with the changes."),
        "sessions": Field(
            ListOf(RELEASED_SESSION, max_items=BIG_LIST), "Every session with a slot, as released.", required=True
        ),
    },
)

RELEASES_FILE = Obj(
    "releases file",
    "data/releases/<event>.yaml: the releases of one event's schedule, oldest first (written by `release`).",
    {
        "id": Field(Slug(), "The event's id; must match the file name.", required=True),
        "releases": Field(ListOf(RELEASE, max_items=BIG_LIST), "The releases, oldest first.", required=True),
    },
)

# What each data file of the layout holds (layout.DATA_PLACES names them by kind).
SPECS: dict[str, Obj] = {
    spec.name: spec
    for spec in (EVENT, PEOPLE_FILE, QUESTIONS_FILE, TOPIC, PROPOSAL, THREAD, ATTENDANCE_FILE, RELEASES_FILE)
}
# What data.json leaves out: fields that only spell another one (`lead` is `leads`), and what the
# published site must not carry: people's addresses (kept to match senders) and the review
# lines that quote them.
EXPORT_SKIP = {"topic": ("lead",), "person": ("addresses", "review")}  # `claims` is published
