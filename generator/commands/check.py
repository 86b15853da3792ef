"""`check`: validate the data and report every problem; nothing is written (but the cache)."""

from __future__ import annotations

import argparse

from generator.builder import pipeline
from generator.cache.store import Cache
from generator.commands.output import say
from generator.errors import DataError
from generator.records.model import Site


def checked(args: argparse.Namespace) -> Site:
    """The Site of the data folder, validated, its warnings said."""
    cache = Cache(args.data, getattr(args, "config", "mkdocs.yml"), enabled=not args.no_cache)
    try:
        result = pipeline.check(args.data, args.strict, cache)
        say(result.warnings)
    finally:
        say(cache.take_warnings())
    return result.site


def valid_site(data: str, hint: str) -> Site:
    """The data as a Site, for a command that only adds to data that checks (import-mbox; its
    warnings are not the command's to show). `new` adds to data that fails elsewhere."""
    try:
        return pipeline.check(data, False).site
    except DataError as exc:
        raise DataError(exc.problems, exc.strict, hint=hint, summary=exc.summary) from None


def run(args: argparse.Namespace) -> int:
    checked(args)
    return 0
