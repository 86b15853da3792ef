"""`new`: write the commented stub of a new record (topic, proposal, question, person, event)
that check accepts at once, never overwriting, and say what to do next."""

from __future__ import annotations

import argparse
import datetime as dt
import os

from generator import layout
from generator.builder import pipeline
from generator.builder.load import data_folder
from generator.commands.check import valid_site
from generator.errors import DataError, Problems
from generator.files import create_file, replace_text
from generator.records import stubs


def run(args: argparse.Namespace) -> int:
    ask = stubs.Ask(
        args.kind,
        args.id,
        dt.date.today().isoformat(),
        leads=tuple(args.lead),
        event=args.event,
        topic=args.topic,
        name=args.name,
        email=args.email,
        affiliation=args.affiliation,
        source=args.source,
        start=args.start,
        end=args.end,
    )
    return new(ask, args.data)


def new(ask: stubs.Ask, data: str) -> int:
    """Write the stub of a new record. The data it joins must check (an event's stub may be the
    first), and so must the data with it, before anything is written."""
    data_folder(data)
    first_event = ask.kind == "event"
    site = None if first_event else valid_site(data, "Fix these first: a stub is only added to data that checks.")
    texts = {}
    for name in ("questions.yaml", "people.yaml"):
        with open(os.path.join(data, name), encoding="utf-8") as fh:
            texts[name] = fh.read()
    stub = stubs.plan(ask, site, data, texts)
    try:  # the data as it will be, with the stub
        pipeline.check(data, False, overlay={stub.path: stub.text.encode()})
    except DataError as exc:  # its errors only: the stub's own placeholders are expected
        errors = Problems(exc.problems.errors)
        hint = f"Fix these first: with the new {ask.kind}, the data would not check."
        if any("names no event" in p.message for p in errors.items):
            hint += " Once there are two events, every topic names its own: add `event: ID` to each above."
        raise DataError(errors, hint=hint) from None
    if stub.old is None:
        create_file(stub.path, stub.text)
    else:
        replace_text(stub.path, stub.old, stub.text)
    shown = layout.display_path(stub.path)
    print(f"{'Added to' if stub.old else 'Wrote'} {shown}: {ask.kind} '{ask.rid}'. Next: {stub.next_step}")
    return 0
