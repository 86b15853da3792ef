"""`site`: build, then MkDocs into a fresh folder that replaces site/ only when all succeeded.
With `--strict` (as `make site` runs it) and nothing changed since the last such build, nothing
is done at all."""

from __future__ import annotations

import argparse
import os

from generator import layout
from generator.builder import pipeline
from generator.cache.store import Cache
from generator.commands.output import finished, generated, recovered, site_line


def run(args: argparse.Namespace) -> int:
    use_cache = not args.no_cache
    req = pipeline.Request(
        args.data,
        args.out,
        args.config,
        args.strict,
        site_dir=args.site_dir,
        pdf=args.pdf,
        may_skip=args.strict and not args.pdf and use_cache,
    )
    result = pipeline.run(req, Cache(args.data, args.config, enabled=use_cache))
    recovered(args.site_dir, result.recovered)  # said even when the build then failed
    finished(result)
    if result.unchanged:
        print(
            f"Nothing changed since the last build: the pages in {args.out}/ and the site in "
            f"{args.site_dir}/ are up to date; nothing was written."
        )
        return 0
    built = result.built
    assert built is not None and result.site is not None
    print(generated(args.out, built))
    print(site_line(args.site_dir, result))
    if args.timings:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in result.site.seconds.items() if k != "total")
        print(f"Timings: generation {result.generated:.2f} s; site: {stages}.")
    folder = os.path.join(args.site_dir, layout.BRIEFS)
    if built.briefs.files:
        print(f"Session briefs: {len(built.briefs.files)} PDF files in {folder}/.")
    elif built.briefs.manifest:
        stale = sorted(tid for tid, state in built.briefs.states.items() if state == "stale")
        kept = f"Session briefs kept in {folder}/ for {len(built.briefs.manifest)} topics"
        print(kept + (f"; made before what they show changed: {', '.join(stale)} (make pdf)." if stale else "."))
    return 0
