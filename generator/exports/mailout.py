"""Mail ready to send, as files, for a schedule release (the tool never sends mail).

- The announcement to the lists: what changed since the release before, and the whole agenda
  as the 72-column text grid (`generator.pages.grid.agenda_text`).
- One mail per session whose slot is new or changed in the release (added, moved, or in
  another room), to its leads and the people it needs in the room, with the day, the time
  local and in UTC, the room and the link to its brief. It answers the topic's post
  (In-Reply-To and References), so it lands in the topic's thread, with the lists the topic
  was posted to on Cc.

Each is an RFC 5322 message built with the standard library's `email` package (names such as
吉藤英明 become encoded words, long headers are folded), that `git send-email` and mutt take
as they are. The Message-ID is made from the event, the release and the session, so the same
release gives the same files. Pure: the Site and the release in, the files' bytes out, with
what could not be addressed (a person or a list with no address on record).
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import textwrap
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from generator import layout
from generator.exports.export import slot_times
from generator.layout import Publish
from generator.pages import grid, markup
from generator.pages.queries import Queries
from generator.records import releases
from generator.records import schema as S
from generator.records.model import Site

# The lists LSF/MM/BPF topics go to, by the name the records give them (a topic's `lists`):
# their posting addresses. Others are given with `release --list NAME=ADDRESS`.
LIST_ADDRESSES = {
    "lsf-pc": "lsf-pc@lists.linux-foundation.org",
    "linux-mm": "linux-mm@kvack.org",
    "bpf": "bpf@vger.kernel.org",
    "linux-fsdevel": "linux-fsdevel@vger.kernel.org",
    "linux-block": "linux-block@vger.kernel.org",
    "linux-scsi": "linux-scsi@vger.kernel.org",
    "linux-nvme": "linux-nvme@lists.infradead.org",
    "linux-kernel": "linux-kernel@vger.kernel.org",
    "linux-xfs": "linux-xfs@vger.kernel.org",
    "linux-btrfs": "linux-btrfs@vger.kernel.org",
    "linux-ext4": "linux-ext4@vger.kernel.org",
    "netdev": "netdev@vger.kernel.org",
}
WIDTH = 72
POLICY = email.policy.default.clone(max_line_length=78)


@dataclass
class Outbox:
    """The mails of one release, by file name, and what could not be addressed."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Sender:
    name: str
    address: str

    @classmethod
    def parse(cls, text: str) -> Sender | None:
        name, address = email.utils.parseaddr(text)
        if "@" not in address or any(c in address for c in " <>\r\n"):
            return None
        return cls(name, address)


def _address(name: str, addr: str) -> Address:
    local, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _para(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, break_long_words=False, break_on_hyphens=False) or [""]


def _day(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.strftime('%A')}, {d.day} {d.strftime('%B')} {d.year}"


def _times(s: releases.Session, zone: str) -> str:
    """'09:30-10:00 Europe/Zagreb (07:30-08:00 UTC)', timed as the calendars time it."""
    start, end = slot_times({"day": s.day, "start": s.start, "minutes": s.minutes}, zoneinfo.ZoneInfo(zone))
    utc = (start.astimezone(dt.UTC), end.astimezone(dt.UTC))
    day_note = "" if utc[0].date() == start.date() else f" on {utc[0].date().isoformat()}"
    return f"{start:%H:%M}-{end:%H:%M} {zone} ({utc[0]:%H:%M}-{utc[1]:%H:%M} UTC{day_note})"


class Mailer:
    """Builds the mails of one release of one event."""

    def __init__(
        self,
        site: Site,
        publish: Publish,
        eid: str,
        release: releases.Release,
        sender: Sender,
        lists: Mapping[str, str],
        date: Callable[[Any], str],
    ):
        self.site, self.publish, self.eid, self.release = site, publish, eid, release
        self.event = site.events[eid]
        self.sender = sender
        self.lists = {**LIST_ADDRESSES, **lists}
        self.date = date
        self.rooms = releases.room_names(self.event)
        self.out = Outbox()
        domain = sender.address.rpartition("@")[2]
        self.mid = lambda what: f"<lsfmm-prep.{eid}.release-{release.number}.{what}@{domain}>"

    def outbox(self) -> Outbox:
        """The mails of the release: the announcement, and one per session it schedules anew."""
        sessions = Queries(self.site).sessions_of(self.eid)
        kinds = S.TOPIC_KIND.labels
        self.announcement(grid.agenda_text(self.event, sessions, self.site.people, kinds, self.date, markup.plain))
        self.sessions()
        return self.out

    def page(self, target: str) -> str:
        """A page's address on the published site ('' without a site_url)."""
        return self.publish.absolute(self.publish.page_url(target)) or ""

    def _message(self, subject: str, to: list[Address], cc: list[Address], body: list[str], what: str) -> EmailMessage:
        msg = EmailMessage(policy=POLICY)
        msg["From"] = _address(self.sender.name, self.sender.address)
        msg["To"] = to
        if cc:
            msg["Cc"] = cc
        msg["Subject"] = subject
        msg["Date"] = email.utils.format_datetime(self.release.released.astimezone(dt.UTC))
        msg["Message-ID"] = self.mid(what)
        text = "\n".join(line.rstrip() for line in body).rstrip("\n") + "\n"
        msg.set_content(text, charset="utf-8", cte="8bit" if not text.isascii() else "7bit")
        return msg

    def _list_addresses(self, names: list[str], why: str) -> list[Address]:
        out = []
        for name in names:
            addr = self.lists.get(name)
            if addr is None:
                self.out.notes.append(
                    f"{why}: no address known for the list '{name}', left out (give it: --list {name}=ADDRESS)"
                )
                continue
            out.append(_address("", addr))
        return out

    # ------------------------------------------------------------------ the announcement

    def announcement(self, agenda: str) -> None:
        r, event = self.release, self.event
        names = sorted({n for s in r.sessions for n in self._topic_lists(s.topic)} | {"lsf-pc"})
        to = self._list_addresses(names, "the announcement")
        label = event["short_name"] or event["name"]
        subject = f"[LSF/MM/BPF] {label} schedule, release {r.number}: {r.name}"
        body = _para(
            f"Release {r.number} (\u201c{r.name}\u201d) of the schedule of {event['name']} "
            f"({self.date(event['start'])} to {self.date(event['end'])}, {event['place'] or 'place not on record'})."
        )
        if r.note:
            body += ["", *_para(r.note)]
        body += [""]
        if r.number == 1:
            body += _para(f"The first release: {releases.count(len(r.sessions))} with a slot.")
        else:
            body += _para(f"Since release {r.number - 1}: {r.changes.summary()}.")
            for line in releases.change_lines(r.changes, self.rooms):
                body += textwrap.wrap(line, WIDTH, initial_indent="- ", subsequent_indent="  ") or ["-"]
        changes_page = self.page(layout.target("event-changes", self.eid))
        agenda_page = self.page(layout.target("event-agenda", self.eid))
        if agenda_page:
            body += ["", f"The agenda: {agenda_page}", f"Every release and its changes: {changes_page}"]
        body += ["", *agenda.rstrip("\n").split("\n")]
        msg = self._message(subject, to, [], body, "announcement")
        self.out.files[f"release-{r.number}/00-announcement.eml"] = msg.as_bytes()

    def _topic_lists(self, tid: str) -> list[str]:
        t = self.site.topics.get(tid)
        return list(t["lists"] or ()) if t is not None else []

    # ------------------------------------------------------------------ a mail per session

    def sessions(self) -> None:
        r = self.release
        was = {m.after.topic: m.before for m in r.changes.moved}
        was.update({c.after.topic: c.before for c in r.changes.changed if "room" in c.what})
        for n, s in enumerate(r.changes.touched(), 1):
            self._session(n, s, was.get(s.topic))

    def _session(self, n: int, s: releases.Session, before: releases.Session | None) -> None:
        site, r, event = self.site, self.release, self.event
        topic = site.topics.get(s.topic)
        if topic is None:
            return
        who: dict[str, str] = {}  # person id -> why they get it
        for pid in s.leads:
            who.setdefault(pid, "lead")
        for need in topic["must_attend"]:
            who.setdefault(need["person"], need["reason"])
        to, missing = [], []
        for pid, _why in who.items():
            person = site.people.get(pid)
            addresses = list(person["addresses"] or ()) if person is not None else []
            name = person["name"] if person is not None else pid
            if addresses:
                to.append(_address(name, addresses[0]))
            else:
                missing.append(name)
        what = f"'{s.topic}'"
        if missing:
            self.out.notes.append(
                f"session {what}: no address on record for {', '.join(missing)} (add `addresses:` in people.yaml)"
            )
        if not to:
            self.out.notes.append(f"session {what}: nobody to send it to; no mail written")
            return
        cc = self._list_addresses(self._topic_lists(s.topic), f"session {what}")
        thread = site.threads.get(topic["thread"] or "")
        subject = thread["subject"] if thread is not None else f"[LSF/MM/BPF TOPIC] {topic['title']}"
        subject = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        names = [site.people[p]["name"].split()[0] for p in who if p in site.people]
        body = [f"Hello {', '.join(names)}," if names else "Hello,", ""]
        moved = "has a new slot in" if before is not None else "is scheduled in"
        body += _para(
            f"The session \u201c{markup.plain(s.title)}\u201d at {event['name']} {moved} release "
            f"{r.number} (\u201c{r.name}\u201d) of the schedule:"
        )
        room = self.rooms.get(s.room, s.room) if s.room else "not yet known"
        tracks = {t["id"]: t["name"] for t in event["tracks"]}
        rows = [
            ("Day", _day(s.day)),
            ("Time", _times(s, event["timezone"])),
            ("Room", room),
        ]
        if s.tracks:
            rows.append(("Tracks", ", ".join(tracks.get(t, t) for t in s.tracks)))
        brief = self.page(layout.target("topic", s.topic))
        if brief:
            rows.append(("Brief", brief))
        body += [""] + [f"  {k + ':':<8}{v}" for k, v in rows]
        if before is not None:
            old_room = self.rooms.get(before.room, before.room) if before.room else "room not known"
            body += ["", *_para(f"It was: {_day(before.day)}, {_times(before, event['timezone'])}, {old_room}.")]
        reasons = [f"{site.people[p]['name']}: {why}" for p, why in who.items() if p in site.people and why != "lead"]
        body += [
            "",
            *_para("It goes to its leads" + (" and to those the session needs in the room:" if reasons else ".")),
        ]
        for line in reasons:
            body += textwrap.wrap(line, WIDTH, initial_indent="- ", subsequent_indent="  ")
        changes_page = self.page(layout.target("event-changes", self.eid))
        if changes_page:
            body += ["", f"The whole schedule and its changes: {changes_page}"]
        msg = self._message(subject, to, cc, body, s.topic)
        if topic["message_id"]:
            msg["In-Reply-To"] = f"<{topic['message_id'].strip('<>')}>"
            msg["References"] = f"<{topic['message_id'].strip('<>')}>"
        else:
            self.out.notes.append(
                f"session {what}: its topic post's Message-ID is not on record; the mail starts a thread"
            )
        self.out.files[f"release-{r.number}/{n:02d}-{s.topic}.eml"] = msg.as_bytes()
