"""`check`: validate the data and report every problem; nothing is written (but the cache)."""

from __future__ import annotations

import argparse

from generator.builder import pipeline
from generator.cache.store import Cache
from generator.commands.output import say
from generator.records.model import Site


def checked(args: argparse.Namespace) -> Site:
    """The Site of the data folder, validated, its warnings said."""
    cache = Cache(args.data, getattr(args, "config", "mkdocs.yml"), enabled=not args.no_cache)
    result = pipeline.check(args.data, args.strict, cache)
    say(result.warnings)
    return result.site


def run(args: argparse.Namespace) -> int:
    checked(args)
    return 0
