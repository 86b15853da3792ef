"""Command line: `python -m generator COMMAND`. Parses the arguments, calls the command's
`run(args)` (one module per command in `generator.commands`, registered once with
`set_defaults(func=...)` and imported only when it runs), and prints any error once, here."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import os
import sys
import traceback
from typing import Any

from generator import __version__
from generator.errors import LsfError
from generator.layout import NEW_KINDS

DESCRIPTION = """\
Turn the YAML records under data/ into the Markdown pages of an LSF/MM/BPF session site.

commands:
  build   validate data/, then write the generated pages and exports into docs/ (only changed
          files): the pages, agenda.ics and one .ics per scheduled session, data.json
  site    build, then MkDocs (strict) into a new folder that replaces site/ only when the
          whole build succeeded, rendering again only the pages that changed since the last
          build (nothing at all when none did); with --pdf, also a printable session brief per
          topic in site/briefs/ (<topic>.pdf on A4, <topic>.letter.pdf on US Letter)
  check   validate data/ and report every problem (a schedule's clashes too); writes nothing
  agenda  print an event's agenda as a 72-column text grid for a mail (--event ID, --day DATE)
  serve   site, then serve site/ with live reload and rebuild whenever a file under data/
          (or a hand-written page, or mkdocs.yml) changes: only what changed is rendered again
  clean   remove the generated pages from docs/ (hand-written pages are never touched)
  new     start a record: `new topic|proposal|question|person|event ID` writes a commented
          stub that check accepts at once (never overwriting), and says what to do next
  schema  write the JSON Schemas of the record files into docs/schemas/ (--check: compare only)
  import-mbox PATH...  read mail (mbox, mboxrd, .eml, gzip; '-' for standard input) into one
          thread file under data/threads/ (new senders go to data/people.yaml, marked for review);
          adds only what is new, never changes what is there (--dry-run: show the changes;
          --dry-run=summary: only count them; --force: into a --topic or --thread it seems unrelated to)
  release --name NAME  record the current event's schedule as its next release (data/releases/),
          shown on its Changes page and feed, and write the mail announcing it into outbox/:
          to the lists, and to the leads of each session it schedules anew (nothing is sent)
  announce  write the mails of a release made before again (--release N)
  intake PATH... --event ID  take in a season's mail: every [LSF/MM/BPF TOPIC] post becomes a
          topic and every request to attend a record in data/attendance.yaml, each with its thread;
          calls for proposals, patch series and other mail are skipped with their reason
          (--dry-run: report only)

Problems are printed as path:line:column: message, all at once. Exit codes: 0 ok,
1 bad data (nothing is written), 2 bad usage.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"lsfmm-prep {__version__}")
    sub = parser.add_subparsers(
        dest="command",
        metavar="{build,site,check,agenda,serve,clean,schema,new,import-mbox,intake,release,announce}",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", default="data", help="folder of YAML records (default: data)")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument(
        "--debug", action="store_true", help="show the traceback of every error (a bug's is always shown)"
    )
    common.add_argument("--no-cache", action="store_true", help="ignore and do not write .lsfmm-cache/")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--out", default="docs", help="docs folder to write generated pages into (default: docs)")
    out.add_argument(
        "--config",
        default="mkdocs.yml",
        help="MkDocs configuration whose site_url the exports link to (default: mkdocs.yml)",
    )
    sub.add_parser(
        "build", parents=[common, out], help="validate and write the generated pages and exports"
    ).set_defaults(func=_command("build"))
    site_p = sub.add_parser("site", parents=[common, out], help="build, then build site/ with MkDocs, atomically")
    site_p.set_defaults(func=_command("site"))
    site_p.add_argument("--site-dir", default="site", help="the built site (default: site)")
    site_p.add_argument(
        "--pdf", action="store_true", help="also write each topic's session brief as PDF into site/briefs/"
    )
    site_p.add_argument("--timings", action="store_true", help="say how long each stage took")
    sub.add_parser("check", parents=[common], help="validate only; write nothing").set_defaults(func=_command("check"))
    ag = sub.add_parser("agenda", parents=[common], help="print an event's agenda as a 72-column text grid")
    ag.set_defaults(func=_command("agenda"))
    ag.add_argument("--event", metavar="ID", help="the event (default: the current one)")
    ag.add_argument("--day", metavar="YYYY-MM-DD", type=_day, help="one day of it (default: every day)")
    serve = sub.add_parser("serve", parents=[common, out], help="build, serve, rebuild on data changes")
    serve.set_defaults(func=_command("serve"))
    serve.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on (default: 127.0.0.1:8000)")
    serve.add_argument("--site-dir", default="site", help="the built site, kept up to date (default: site)")
    clean = sub.add_parser("clean", help="remove the generated pages and exports")
    clean.set_defaults(func=_command("clean"))
    clean.add_argument("--out", default="docs", help="docs folder of the generated pages (default: docs)")
    new = sub.add_parser("new", help="write a commented stub for a new topic, proposal, question, person or event")
    new.set_defaults(func=_command("new"))
    new.add_argument("kind", choices=NEW_KINDS, help="what to start")
    new.add_argument("id", help="its id: lower-case letters, digits and single dashes")
    new.add_argument("--data", default="data", help="folder of YAML records (default: data)")
    new.add_argument(
        "--lead",
        action="append",
        default=[],
        metavar="PERSON",
        help="topic: a lead's person id (required; once per lead)",
    )
    new.add_argument("--event", help="topic: the summit it is proposed for (default: the current event)")
    new.add_argument("--topic", help="question: the id of the topic that discusses it (required)")
    new.add_argument("--name", help="person: the full name (required); event: its name")
    new.add_argument("--email", help="person: an e-mail address (to match senders of imported mail)")
    new.add_argument("--affiliation", help="person: employer or institution (with --source)")
    new.add_argument("--source", metavar="URL", help="person: the page that states the affiliation")
    new.add_argument("--start", metavar="YYYY-MM-DD", help="event: its first day (required)")
    new.add_argument("--end", metavar="YYYY-MM-DD", help="event: its last day (required)")
    sch = sub.add_parser("schema", help="write the JSON Schemas for editors")
    sch.set_defaults(func=_command("schema"))
    sch.add_argument("--out", default=os.path.join("docs", "schemas"), help="folder (default: docs/schemas)")
    sch.add_argument("--check", action="store_true", help="exit 1 if the files on disk are stale; write nothing")
    serve.add_argument(
        "--poll", action="store_true", help="look for changes every --interval seconds (file systems without notify)"
    )
    serve.add_argument("--interval", type=float, default=0.3, help="seconds between checks with --poll (default: 0.3)")
    imp = sub.add_parser(
        "import-mbox",
        parents=[common],
        help="import a thread from mail into data/threads/",
        description="Read mail into one thread file under data/threads/: the messages and their text in "
        "thread order, messages known only through quotes, new senders as people marked for review. "
        "Adds only what is new; what is on record is never changed.",
    )
    imp.set_defaults(func=_command("import_mbox"))
    imp.add_argument("paths", nargs="+", metavar="PATH", help="mbox, mboxrd, .eml or .gz file; '-' for standard input")
    imp.add_argument("--topic", metavar="ID", help="import into the thread of this topic (its `thread`, else its id)")
    imp.add_argument("--thread", metavar="ID", help="import into data/threads/ID.yaml")
    imp.add_argument(
        "--dry-run",
        metavar="{diff,summary}",
        choices=["diff", "summary"],
        help="write nothing; show a summary (messages new, known and skipped, people new, warnings by kind) "
        "and, unless --dry-run=summary, the changes as a diff",
    )
    imp.add_argument(
        "--force",
        action="store_true",
        help="with --topic or --thread: import mail that shares no Message-ID, reference or subject with that "
        "thread (refused otherwise)",
    )
    intake = sub.add_parser(
        "intake",
        parents=[common],
        help="take in a season's mail: topics, requests to attend, their threads",
        description="Read a season's mail and file every summit topic post and request to attend: topics "
        "under data/topics/, requests in data/attendance.yaml, each with its thread under data/threads/, new "
        "senders in data/people.yaml (marked for review). The call for proposals, patch series and other "
        "mail are skipped, each with its reason. Adds only what is new; what is on record is never changed.",
    )
    intake.set_defaults(func=_command("intake"))
    intake.add_argument(
        "paths", nargs="*", metavar="PATH", help="mbox, mboxrd, .eml, .gz or maildir; '-' for standard input"
    )
    intake.add_argument(
        "--form", metavar="CSV", help="the web form's export: a request to attend per row (see the README)"
    )
    intake.add_argument(
        "--column",
        action="append",
        metavar="FIELD=HEADER",
        help="the form's header for a field (name, email, submitted, discuss, topics), when it is not one "
        "the README lists",
    )
    intake.add_argument("--event", required=True, metavar="ID", help="the summit the season's mail is for")
    intake.add_argument(
        "--dry-run",
        metavar="{diff,summary}",
        choices=["diff", "summary"],
        help="write nothing: report what would be added, what is on record and what is skipped, and "
        "(unless --dry-run=summary) the changes as a diff",
    )
    mail = argparse.ArgumentParser(add_help=False)
    mail.add_argument("--event", metavar="ID", help="the event (default: the current one)")
    mail.add_argument(
        "--from",
        dest="sender",
        metavar="'NAME <ADDRESS>'",
        help="who sends the mail (default: git's user.name and user.email)",
    )
    mail.add_argument(
        "--list",
        action="append",
        metavar="NAME=ADDRESS",
        help="the posting address of a list the records name (the usual LSF/MM/BPF lists are known)",
    )
    mail.add_argument("--outbox", default="outbox", help="folder for the mail files (default: outbox)")
    mail.add_argument("--config", default="mkdocs.yml", help="MkDocs configuration whose site_url the mails link to")
    rel = sub.add_parser(
        "release",
        parents=[common, mail],
        help="record the schedule as it stands as the event's next release, and write its mails",
        description="Record an event's schedule as its next release in data/releases/<event>.yaml (commit "
        "it), and write the mail that announces it under --outbox: to the lists, and to the leads of each "
        "session it schedules anew. Nothing is sent. Refused when the data has warnings or nothing changed.",
    )
    rel.set_defaults(func=_command("release"))
    rel.add_argument("--name", required=True, help='what to call it: "Preliminary", "Final", "Update 2"')
    rel.add_argument("--note", help="a word from the committee, shown with the changes and in the announcement")
    rel.add_argument("--no-mail", action="store_true", help="record the release only")
    rel.add_argument("--dry-run", action="store_true", help="say what the release would hold; write nothing")
    ann = sub.add_parser("announce", parents=[common, mail], help="write the mails of a release made before, again")
    ann.set_defaults(func=_command("release"))
    ann.add_argument("--release", dest="number", type=int, metavar="N", help="which release (default: the last)")
    return parser


def _day(text: str) -> str:
    """A day as records hold it (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {text!r}") from None


# What a command imports when it runs, from the virtual environment (requirements.txt).
VENV_PACKAGES = ("yaml", "jinja2", "markdown", "nh3", "icalendar", "markupsafe", "mkdocs", "weasyprint")


def _command(name: str) -> Any:
    """The `run(args)` of generator.commands.<name>, imported when it is called: `site` with
    nothing to do imports nothing of the build."""

    def run(args: argparse.Namespace) -> int:
        module = importlib.import_module(f"generator.commands.{name}")
        return int(module.run(args))

    return run


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # A bare --dry-run of the mail commands means the diff; argparse's optional value would take
    # the next PATH. (`release --dry-run` is a plain flag.)
    if {"import-mbox", "intake"} & set(argv):
        argv = ["--dry-run=diff" if a == "--dry-run" else a for a in argv]
    args = parser.parse_args(argv)  # argparse exits 2 on bad usage
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    # A build allocates a few objects per YAML scalar and keeps nearly all of them: with the
    # default thresholds (700 allocations) the collector walks the growing heap again and
    # again. This made loading 1,803 files (make bench, M) take 1.78 s instead of 1.27 s.
    # Cycles are still collected, later. Same values as mypy's.
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        return int(args.func(args))
    except ModuleNotFoundError as exc:  # run outside the virtual environment that `make` creates
        if (exc.name or "").split(".")[0] not in VENV_PACKAGES:
            return _bug(exc)
        print(
            f"Usage error: lsfmm-prep needs the packages of its virtual environment ({exc.name} is missing): "
            "run `make site` once, then `.venv/bin/python -m generator ...` (or `source .venv/bin/activate` first).",
            file=sys.stderr,
        )
        return 2
    except LsfError as exc:
        if getattr(args, "debug", False):
            traceback.print_exc()
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the machine, not the tool: a full disk, a permission
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(_machine(exc, args), file=sys.stderr)
        return 1
    except MemoryError:  # the machine's limit, not a bug
        if getattr(args, "debug", False):
            traceback.print_exc()
        print("Error: out of memory: the machine cannot hold what this needs at once.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _bug(exc)
    finally:
        gc.set_threshold(*thresholds)


def _machine(exc: OSError, args: argparse.Namespace) -> str:
    """An error of the system that reached the command: a full or read-only disk or a denied
    folder (import-mbox and intake writing data/, new writing a record, ...) as the one line
    that says what to free or fix, naming the data folder when it is the one; anything else as
    the system says it."""
    from generator.files import OF_THE_DISK, disk_error

    if exc.errno not in OF_THE_DISK:
        return f"Error: {exc}"
    data = getattr(args, "data", None)
    folders = {data: f"{os.path.normpath(data)}/"} if isinstance(data, str) else {}
    return "\n".join(disk_error(exc, folders).lines())


def _bug(exc: Exception) -> int:
    """A bug: say so, with what is needed to fix it."""
    traceback.print_exc()
    print(
        f"Error: unexpected {type(exc).__name__}: {exc}. This is a bug in lsfmm-prep: please report it "
        "with the traceback above.",
        file=sys.stderr,
    )
    return 1
