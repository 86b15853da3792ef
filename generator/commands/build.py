"""`build`: validate the data, then write the generated pages and exports into docs/."""

from __future__ import annotations

import argparse

from generator.builder import pipeline
from generator.cache.store import Cache
from generator.commands.output import finished, generated


def run(args: argparse.Namespace) -> int:
    req = pipeline.Request(args.data, args.out, args.config, args.strict)
    result = finished(pipeline.run(req, Cache(args.data, args.config, enabled=not args.no_cache)))
    assert result.built is not None
    print(generated(args.out, result.built))
    return 0
