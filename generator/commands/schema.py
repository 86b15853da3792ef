"""`schema`: write the JSON Schemas of the record files (for editors) into docs/schemas/;
with --check, compare only."""

from __future__ import annotations

import argparse
import os

from generator.builder.write import write_files
from generator.errors import DataError, Problem, Problems
from generator.exports.jsonschemas import schemas


def run(args: argparse.Namespace) -> int:
    out, check_only = args.out, args.check
    files = schemas()
    changed = write_files(out, files, check_only)
    if check_only and changed:
        stale = Problems([Problem(os.path.join(out, name), 0, 0, "stale; run `make schema`") for name in changed])
        raise DataError(stale, summary="")
    if not check_only:
        print(f"Wrote {len(changed)} JSON Schema files to {out}/ ({len(files) - len(changed)} unchanged).")
    return 0
