"""`agenda`: an event's agenda as 72-column text on standard output (for a mail to the list)."""

from __future__ import annotations

import argparse

from generator.commands.check import checked
from generator.errors import UsageError
from generator.pages import grid, markup
from generator.pages.queries import Queries
from generator.pages.render import fmt_date
from generator.records import schema as S


def run(args: argparse.Namespace) -> int:
    site = checked(args)
    eid = args.event or site.current_event
    if eid not in site.events:
        raise UsageError(f"no event '{eid}' in {args.data}/events/; there are: {', '.join(sorted(site.events))}")
    ev = site.events[eid]
    day = args.day
    if day is not None and not str(ev["start"]) <= day <= str(ev["end"]):
        raise UsageError(f"{day} is not a day of {ev['name']} ({ev['start']} to {ev['end']})")
    sessions = Queries(site).sessions_of(eid)
    print(grid.agenda_text(ev, sessions, site.people, S.TOPIC_KIND.labels, fmt_date, markup.plain, day), end="")
    return 0
