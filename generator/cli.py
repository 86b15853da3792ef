"""Command line: `python -m generator build|check|serve`. Thin: the work is in the modules."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import gc
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from generator import __version__, importer, mbox, stubs
from generator.cache import Cache, default_path
from generator.errors import Problems
from generator.export import exports
from generator.jsonschemas import schemas
from generator.model import Site, display_path, load_site
from generator.pdf import PdfError, make_briefs, read_stylesheet
from generator.render import render_briefs, render_changed
from generator.schema import SLUG_RE
from generator.siteconfig import read_publish
from generator.write import (
    BRIEFS,
    WriteError,
    create_file,
    read_current,
    replace_text,
    write_briefs,
    write_data,
    write_files,
    write_pages,
)

DESCRIPTION = """\
Turn the YAML records under data/ into the Markdown pages of an LSF/MM/BPF session site.

commands:
  build   validate data/, then write the generated pages and exports into docs/ (only changed
          files): the pages, agenda.ics and one .ics per scheduled session, data.json
  site    build, then `mkdocs build --strict` into a new folder that replaces site/ only
          when the whole build succeeded; with --pdf, also a printable session brief per
          topic in site/briefs/ (<topic>.pdf on A4, <topic>.letter.pdf on US Letter)
  check   validate data/ and report every problem; writes nothing
  serve   build, then run `mkdocs serve` and rebuild whenever a file under data/ changes
  clean   remove the generated pages from docs/ (hand-written pages are never touched)
  new     start a record: `new topic|proposal|question ID` writes a commented stub that
          check accepts at once (never overwriting), and says what to do next
  schema  write the JSON Schemas of the record files into docs/schemas/ (--check: compare only)
  import-mbox PATH...  read mail (mbox, mboxrd, .eml, gzip; '-' for standard input) into one
          thread file under data/threads/ (new senders go to data/people.yaml, marked for review);
          adds only what is new, never changes what is there (--dry-run: show the changes)

Problems are printed as path:line:column: message, all at once. Exit codes: 0 ok,
1 bad data (nothing is written), 2 bad usage.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"lsfmm-prep {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{build,site,check,serve,clean,schema,new,import-mbox}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", default="data", help="folder of YAML records (default: data)")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument("--debug", action="store_true", help="show a traceback on unexpected errors")
    common.add_argument("--no-cache", action="store_true", help="ignore and do not write .lsfmm-cache/")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--out", default="docs", help="docs folder to write generated pages into (default: docs)")
    out.add_argument(
        "--config",
        default="mkdocs.yml",
        help="MkDocs configuration whose site_url the exports link to (default: mkdocs.yml)",
    )
    sub.add_parser("build", parents=[common, out], help="validate and write the generated pages and exports")
    site_p = sub.add_parser("site", parents=[common, out], help="build, then build site/ with MkDocs, atomically")
    site_p.add_argument("--site-dir", default="site", help="the built site (default: site)")
    site_p.add_argument(
        "--pdf", action="store_true", help="also write each topic's session brief as PDF into site/briefs/"
    )
    sub.add_parser("check", parents=[common], help="validate only; write nothing")
    serve = sub.add_parser("serve", parents=[common, out], help="build, serve, rebuild on data changes")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="address for mkdocs serve (default: 127.0.0.1:8000)")
    clean = sub.add_parser("clean", help="remove the generated pages and exports")
    clean.add_argument("--out", default="docs", help="docs folder of the generated pages (default: docs)")
    new = sub.add_parser("new", help="write a commented stub for a new topic, proposal or question")
    new.add_argument("kind", choices=stubs.KINDS, help="what to start")
    new.add_argument("id", help="its id: lower-case letters, digits and single dashes")
    new.add_argument("--data", default="data", help="folder of YAML records (default: data)")
    new.add_argument("--lead", help="topic: the lead's person id (default: the first person in people.yaml)")
    new.add_argument("--topic", help="question: the topic's id (default: the first topic by id)")
    sch = sub.add_parser("schema", help="write the JSON Schemas for editors")
    sch.add_argument("--out", default=os.path.join("docs", "schemas"), help="folder (default: docs/schemas)")
    sch.add_argument("--check", action="store_true", help="exit 1 if the files on disk are stale; write nothing")
    serve.add_argument("--interval", type=float, default=0.3, help="seconds between checks of data/ (default: 0.3)")
    imp = sub.add_parser(
        "import-mbox",
        parents=[common],
        help="import a thread from mail into data/threads/",
        description="Read mail into one thread file under data/threads/: the messages and their text in "
        "thread order, messages known only through quotes, new senders as people marked for review. "
        "Adds only what is new; what is on record is never changed.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="mbox, mboxrd, .eml or .gz file; '-' for standard input")
    imp.add_argument("--topic", metavar="ID", help="import into the thread of this topic (its `thread`, else its id)")
    imp.add_argument("--thread", metavar="ID", help="import into data/threads/ID.yaml")
    imp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    return parser


def _report(problems: Problems, strict: bool) -> bool:
    """Print every problem; return True when the data is good enough to go on."""
    for p in problems.sorted():
        print(p, file=sys.stderr)
    errors, warnings = len(problems.errors), len(problems.warnings)
    failed = errors > 0 or (strict and warnings > 0)
    if errors or warnings:
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' * (errors != 1)}")
        if warnings:
            parts.append(
                f"{warnings} warning{'s' * (warnings != 1)}" + (" (--strict: warnings fail)" if strict else "")
            )
        tail = "; nothing was written" if failed else ""
        print(f"{'Failed' if failed else 'Passed'}: {' and '.join(parts)}{tail}.", file=sys.stderr)
    return not failed


def check(data: str, strict: bool, cache: Cache | None = None) -> Site | None:
    if not os.path.isdir(data):
        raise _Usage(f"no data folder at {data!r}")
    problems = Problems()
    site = load_site(data, problems, cache)
    ok = _report(problems, strict)
    return site if ok else None


def open_cache(data: str, use: bool) -> Cache:
    return Cache.open(default_path(data) if use else None)


def open_serve_cache(data: str) -> Cache:
    """The cache `serve` keeps in memory between rebuilds, with the records themselves."""
    cache = open_cache(data, True)
    cache.live = {}
    return cache


def build(
    data: str, out: str, strict: bool, quiet: bool = False, cache: Cache | None = None, config: str = "mkdocs.yml"
) -> int:
    cache = cache if cache is not None else open_cache(data, True)
    site = check(data, strict, cache)
    if site is None:
        cache.save()  # the records that did validate stay cached
        return 1
    return _write_pages(site, out, cache, config, strict, quiet)


def _write_pages(
    site: Site, out: str, cache: Cache, config: str, strict: bool, quiet: bool = False, pdf_links: bool = False
) -> int:
    problems = Problems()
    publish = read_publish(config, problems)
    if not _report(problems, strict):
        return 1
    pages, current = render_changed(site, cache, out, pdf_links)
    files = exports(site, publish, cache)
    try:
        report = write_pages(out, {**pages, **files}, keep=current)
    except WriteError as exc:
        cache.pages = {}
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    cache.save()
    total = len(pages) + len(current)
    if not quiet or report.written or report.removed:
        print(
            f"Generated {total} pages and {len(files)} export files in {out}/: {len(report.written)} written, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed."
        )
    return 0


def build_site_dir(
    data: str, out: str, strict: bool, site_dir: str, pdf: bool = False, config: str = "mkdocs.yml"
) -> int:
    """Generate, then let MkDocs build into a fresh folder and swap it in: a failed or killed
    build leaves the previous site/ whole. With `pdf`, the briefs are laid out before anything
    is written and put into the fresh folder before the swap."""
    cache = open_cache(data, True)
    site = check(data, strict, cache)
    if site is None:
        cache.save()
        return 1
    briefs: dict[str, bytes] = {}
    if pdf:
        try:
            briefs = make_briefs(render_briefs(site), read_stylesheet())
        except PdfError as exc:
            print(f"Error: {exc}; nothing was written.", file=sys.stderr)
            return 1
    status = _write_pages(site, out, cache, config, strict, pdf_links=pdf)
    if status:
        return status
    parent = os.path.dirname(os.path.abspath(site_dir))
    for leftover in glob.glob(os.path.join(parent, ".site-new-*")) + glob.glob(os.path.join(parent, ".site-old-*")):
        shutil.rmtree(leftover, ignore_errors=True)  # from a build that was killed
    fresh = tempfile.mkdtemp(prefix=".site-new-", dir=parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(fresh, 0o777 & ~umask)  # mkdtemp makes 0700; the site is for a web server to read
    try:
        # Not --quiet: it drops MkDocs' warnings before --strict counts them. The log is shown
        # only when the build fails.
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", config, "--site-dir", fresh],
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            print(f"Error: mkdocs build failed; {site_dir}/ was left as it was.", file=sys.stderr)
            return 1
        if briefs:
            write_briefs(fresh, briefs)
        old = None
        if os.path.exists(site_dir):
            old = tempfile.mkdtemp(prefix=".site-old-", dir=parent)
            os.replace(site_dir, os.path.join(old, "site"))
        os.replace(fresh, site_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if os.path.exists(fresh):
            shutil.rmtree(fresh, ignore_errors=True)
    print(f"Site built in {site_dir}/.")
    if briefs:
        print(f"Session briefs: {len(briefs)} PDF files in {os.path.join(site_dir, BRIEFS)}/.")
    return 0


def _snapshot(data: str) -> dict[str, tuple[int, int]]:
    state = {}
    for top, dirs, files in os.walk(data):
        dirs.sort()
        for name in files:
            full = os.path.join(top, name)
            try:
                st = os.stat(full)
            except FileNotFoundError:
                continue
            state[full] = (st.st_mtime_ns, st.st_size)
    return state


def serve(data: str, out: str, strict: bool, addr: str, interval: float, config: str = "mkdocs.yml") -> int:
    """Regenerate on every change under data/; mkdocs serve reloads the browser on the new pages."""
    cache = open_serve_cache(data)
    build(data, out, strict, cache=cache, config=config)
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--config-file", config, "--dev-addr", addr])

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # so that mkdocs serve is stopped with us
    state = _snapshot(data)
    try:
        while proc.poll() is None:
            time.sleep(interval)
            now = _snapshot(data)
            if now != state:
                state = now
                build(data, out, strict, quiet=True, cache=cache, config=config)
    except KeyboardInterrupt:
        pass
    finally:
        proc.terminate()
        proc.wait()
    return 0


def write_schemas(out: str, check_only: bool) -> int:
    files = schemas()
    changed = write_files(out, files, check_only)
    if check_only and changed:
        for name in changed:
            print(f"{os.path.join(out, name)}: stale; run `make schema`", file=sys.stderr)
        return 1
    if not check_only:
        print(f"Wrote {len(changed)} JSON Schema files to {out}/ ({len(files) - len(changed)} unchanged).")
    return 0


def _valid_site(data: str, hint: str) -> Site | None:
    """The data as a Site, or None after reporting its problems and what to do (for commands
    that add records: they only add to data that checks)."""
    problems = Problems()
    site = load_site(data, problems)
    if site is None:
        _report(problems, strict=False)
        print(hint, file=sys.stderr)
    return site


def new(kind: str, rid: str, data: str, lead: str | None, topic: str | None) -> int:
    """Write the stub of a new record, after checking that the data it joins is valid."""
    if not os.path.isdir(data):
        raise _Usage(f"no data folder at {data!r}")
    site = _valid_site(data, "Fix these first: a stub is only added to data that checks.")
    if site is None:
        return 1
    questions_text = None
    if kind == "question":
        with open(os.path.join(data, "questions.yaml"), encoding="utf-8") as fh:
            questions_text = fh.read()
    try:
        stub = stubs.plan(kind, rid, site, data, dt.date.today().isoformat(), lead, topic, questions_text)
        if stub.old is None:
            create_file(stub.path, stub.text)
        else:
            replace_text(stub.path, stub.old, stub.text)
    except stubs.StubError as exc:
        raise _Usage(str(exc)) from None
    except WriteError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"{'Added to' if stub.old else 'Wrote'} {display_path(stub.path)}: {kind} '{rid}'. Next: {stub.next_step}")
    return 0


class _Usage(Exception):
    pass


def _plural(n: int, word: str) -> str:
    if word == "person":
        return f"{n} {'person' if n == 1 else 'people'}"
    return f"{n} {word}{'s' * (n != 1)}"


def import_mbox(data: str, paths: list[str], topic: str | None, thread: str | None, dry_run: bool) -> int:
    """Read mail, plan the additions, check the data as it will be, then show or write them."""
    import re

    data = os.path.normpath(data)
    if not os.path.isdir(data):
        raise _Usage(f"no data folder at {data!r}")
    if thread and (not re.fullmatch(SLUG_RE, thread) or thread == "index"):
        raise _Usage(f"--thread {thread!r}: expected an id of lower-case letters, digits and single dashes")
    site = _valid_site(data, "Fix the data before importing into it.")
    if site is None:
        return 1
    read = mbox.read_inputs(paths)
    for p in sorted(read.problems):
        print(p, file=sys.stderr)
    unreadable = [p for p in read.problems if not p.warning]
    skipped = sum(read.counts.values()) - len(read.mails)
    if unreadable:
        print(f"Failed: {_plural(len(unreadable), 'unreadable input')}; nothing was written.", file=sys.stderr)
        return 1
    if not read.mails:
        print("Failed: no message to import (every one was skipped, see above); nothing was written.", file=sys.stderr)
        return 1
    try:
        thread_id = importer.choose_thread(read.mails, site, topic, thread)
        thread_path = os.path.join(data, "threads", f"{thread_id}.yaml")
        current = read_current([thread_path, os.path.join(data, "people.yaml")])
        plan = importer.plan(read.mails, site, thread_id, current, data)
    except importer.ImportError_ as exc:
        print(f"Error: {exc}; nothing was written.", file=sys.stderr)
        return 1
    for p in plan.warnings:
        print(p, file=sys.stderr)
    inputs = len(read.counts)
    line = f"Read {_plural(len(read.mails), 'message')} from {_plural(inputs, 'input')}"
    print(line + (f"; skipped {skipped} (see the warnings above)." if skipped else "."))
    attributed = [q for q in plan.quoted if q.message_id]
    if plan.quoted:
        by_text = sum(q.how == "text" for q in attributed)
        print(
            f"Quoted blocks: {len(plan.quoted)}, {len(attributed)} attributed to their message "
            f"({by_text} confirmed by their words, {len(attributed) - by_text} by the reply chain)."
        )
    if not plan.files:
        held = len(site.threads[thread_id]["messages"]) if thread_id in site.threads else 0
        print(f"{thread_path}: up to date ({_plural(held, 'message')} on record); nothing was written.")
        return 0
    after = Problems()
    site_after = load_site(data, after, overlay=plan.files)
    wrong = importer.read_back(plan, site_after) if site_after is not None else []
    if site_after is None or wrong:
        for p in after.errors:
            print(p, file=sys.stderr)
        for w in wrong:
            print(f"{thread_path}: {w}", file=sys.stderr)
        print("Failed: the import would leave the data invalid (above); nothing was written.", file=sys.stderr)
        return 1
    quoted_only = f" ({len(plan.quoted_only)} known only through quotes)" if plan.quoted_only else ""
    if current[thread_path] is None:
        print(f"{thread_path}: new thread '{thread_id}' with {_plural(len(plan.added), 'message')}{quoted_only}.")
    else:
        filled = "".join(f"; <{mid}> gets {', '.join(fields)}" for mid, fields in sorted(plan.filled.items()))
        print(f"{thread_path}: {_plural(len(plan.added), 'message')} added{quoted_only}{filled}.")
    if plan.people:
        names = ", ".join(p.id for p in plan.people)
        people = os.path.join(data, "people.yaml")
        print(f"{people}: {_plural(len(plan.people), 'person')} added, marked for review: {names}.")
    if topic and site.topics.get(topic) and not site.topics[topic]["thread"]:
        print(f"Add `thread: {thread_id}` to {site.topics[topic].path} to show the thread on the topic page.")
    if dry_run:
        for path in sorted(plan.files):
            old = (current.get(path) or b"").decode("utf-8").splitlines(keepends=True)
            new = plan.files[path].decode("utf-8").splitlines(keepends=True)
            sys.stdout.writelines(difflib.unified_diff(old, new, path if current.get(path) else "/dev/null", path))
        print("Dry run: nothing was written.")
        return 0
    try:
        written = write_data(data, plan.files, current)
    except (WriteError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {', '.join(written)}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # argparse exits 2 on bad usage
    # A build allocates a few objects per YAML scalar and keeps nearly all of them: with the
    # default thresholds (700 allocations) the collector walks the growing heap again and
    # again. This made loading 1,803 files (make bench, M) take 1.78 s instead of 1.27 s.
    # Cycles are still collected, later. Same values as mypy's.
    gc.set_threshold(200_000, 30, 30)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "check":
            cache = open_cache(args.data, not args.no_cache)
            ok = check(args.data, args.strict, cache) is not None
            cache.save()
            return 0 if ok else 1
        if args.command == "build":
            cache = open_cache(args.data, not args.no_cache)
            return build(args.data, args.out, args.strict, cache=cache, config=args.config)
        if args.command == "site":
            return build_site_dir(args.data, args.out, args.strict, args.site_dir, args.pdf, args.config)
        if args.command == "new":
            return new(args.kind, args.id, args.data, args.lead, args.topic)
        if args.command == "schema":
            return write_schemas(args.out, args.check)
        if args.command == "import-mbox":
            return import_mbox(args.data, args.paths, args.topic, args.thread, args.dry_run)
        if args.command == "clean":
            report = write_pages(args.out, {}) if os.path.isdir(args.out) else None
            print(f"Removed {len(report.removed) if report else 0} generated files from {args.out}/.")
            return 0
        return serve(args.data, args.out, args.strict, args.addr, args.interval, args.config)
    except _Usage as exc:
        print(f"Usage error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for users, unless asked for
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(
                f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr
            )
        return 1
