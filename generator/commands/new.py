"""`new`: write the commented stub of a new record (topic, proposal, question, person, event)
that check accepts at once, never overwriting, and say what to do next.

The data it joins may fail elsewhere: the stub is written unless it brings errors of its own
(in the new file or item, or new ones elsewhere). The data's other errors are left as they
were and counted in a note; those the stub fixes (the unknown person it adds) are said."""

from __future__ import annotations

import argparse
import datetime as dt
import os

from generator import layout
from generator.builder import pipeline
from generator.builder.load import data_folder
from generator.commands.output import plural, say
from generator.errors import DataError, Problems
from generator.files import create_file, replace_text
from generator.records import stubs, yamlload


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
    """Write the stub of a new record. The data is loaded as it is, then checked as it would be
    with the stub: nothing is written if the stub brings an error."""
    data_folder(data)
    before = Problems()
    known = pipeline.load_known(data, before)
    texts = {name: _text_to_extend(data, name, ask.kind) for kind, name in stubs.ADDED_TO.items() if kind == ask.kind}
    stub = stubs.plan(ask, known, data, texts)
    after = Problems()
    pipeline.load_site(data, after, overlay={stub.path: stub.text.encode()})
    shown = layout.display_path(stub.path)
    weighed = stubs.weigh(stub, shown, before.errors, after.errors)
    if weighed.brought:  # its errors only: the stub's own placeholders are expected
        hint = f"Fix these first: they come with the new {ask.kind}."
        if stub.old is not None and any(os.path.normpath(p.path) == os.path.normpath(shown) for p in weighed.brought):
            hint += f" If the layout of {shown} does not take it at its end, add it by hand."
        if any("names no event" in p.message for p in weighed.brought):
            hint += " Once there are two events, every topic names its own: add `event: ID` to each above."
        raise DataError(Problems(weighed.brought), hint=hint)
    if stub.old is None:
        create_file(stub.path, stub.text)
    else:
        replace_text(stub.path, stub.old, stub.text)
    print(f"{'Added to' if stub.old else 'Wrote'} {shown}: {ask.kind} '{ask.rid}'. Next: {stub.next_step}")
    for problem in weighed.fixed:
        print(f"Fixes {problem}")
    if weighed.left:
        say([f"Note: the data still has {plural(len(weighed.left), 'error')} elsewhere (make check lists them)."])
    return 0


def _text_to_extend(data: str, name: str, kind: str) -> str:
    """The text of the file a record of `kind` is added to (people.yaml, questions.yaml): it
    must be there and read as YAML, else there is nowhere to add it."""
    path = os.path.join(data, name)
    shown = layout.display_path(path)
    problems = Problems()
    read = yamlload.read_bytes(path, inside=data)
    node = yamlload.check_bytes(read, shown, problems)
    if node is None or read.raw is None:  # check_bytes said why
        raise DataError(problems, hint=f"Fix {shown} first: the new {kind} is added to it, and it cannot be read.")
    return read.raw.decode("utf-8")
