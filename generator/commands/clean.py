"""`clean`: remove the generated pages and exports from docs/ (hand-written pages are never
touched)."""

from __future__ import annotations

import argparse
import os

from generator.builder.write import write_pages
from generator.files import build_lock


def run(args: argparse.Namespace) -> int:
    out = args.out
    with build_lock(out):
        report = write_pages(out, {}) if os.path.isdir(out) else None
    print(f"Removed {len(report.removed) if report else 0} generated files from {out}/.")
    return 0
