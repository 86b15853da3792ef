"""The cost of import-mbox on mail at its limits: time and peak memory, against the standard
library's own parse of the same mbox, side by side in one run.

    python bench/import_cost.py [--quick] [--chain N] [--fits N] [--flat N] [--big N] [--nested N,N]
                                [--only CASES] [--keep DIR]

Writes these mboxes (deterministic: fixed seeds) and runs import-mbox on each, each in a process of its own
(interpreter start and imports included), into a fresh copy of the sample data:

- chain:   N tiny replies, each to the one before (In-Reply-To and References), quoting a line
           of it under an attribution line: a thread N deep (100,000: more than a thread file
           can hold, so the import ends in its clean "file too large");
- fits:    the same chain, as long as one thread file holds (10,000), imported whole;
- flat:    N tiny replies to one post;
- big:     N messages of about 1 MB each (50: a 50 MB mbox), each after the first a reply
           quoting 400 KB of the one it answers;
- nested:  one HTML-only message of N nested <blockquote>s (20,000 levels: 560 KB).

For each: the stdlib parse (`mailbox.mbox` with `email.message_from_binary_file(policy=default)`,
reading Message-ID, From, Subject, In-Reply-To, References and the text/plain or text/html body),
`import-mbox --dry-run=summary` and `import-mbox` (which writes, or fails cleanly at a limit:
the outcome is the table's last column). Peak memory is each process's own maximum resident
size (`os.wait4`, spawned from a small process). Ratios are to the stdlib parse of the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "sample"
ENV = dict(os.environ, PYTHONPATH=str(REPO))
START = dt.datetime(2026, 4, 28, 9, 0, tzinfo=dt.UTC)
SEPARATOR = "From mboxrd@z Thu Jan  1 00:00:00 1970"

# Words for the big messages: a vocabulary of a few thousand, as mailing-list prose has.
_STEMS = (  # noqa: SIM905 (a word list reads better as text)
    "memory cgroup reclaim folio page cache eviction policy hook kfunc struct ops bpf program verifier "
    "pressure oom killer numa balancing tiering huge transparent swap readahead lru kernel mainline "
    "series review upstream stable abi interface callback attach hierarchy latency throughput writeback"
).split()
_ENDINGS = ["", "s", "ed", "ing", "er", "ly", "able", "ness", "ize", "ful", "less", "ment", "al", "ity", "ive"]
VOCABULARY = [s + e for s in _STEMS for e in _ENDINGS] + [f"x{n}" for n in range(3000)]

STDLIB = textwrap.dedent(
    """
    import email, email.policy, mailbox, sys
    box = mailbox.mbox(sys.argv[1], factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    n = 0
    for msg in box:
        for name in ("Message-ID", "From", "Subject", "In-Reply-To", "References"):
            msg.get(name)
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is not None:
            part.get_content()
        n += 1
    print(n)
    """
)


# ---------------------------------------------------------------------------- the mail


def _mail(n: int, subject: str, body: str, parent: int | None, root: int | None, html: bool = False) -> str:
    who = n % 50
    head = [
        SEPARATOR,
        f"From: Person {who:02d} <p{who:02d}@example.org>",
        "To: linux-mm@kvack.org",
        f"Subject: {'Re: ' if parent is not None else ''}{subject}",
        f"Date: {email.utils.format_datetime(START + dt.timedelta(minutes=n))}",
        f"Message-ID: <m{n}@bench.example>",
    ]
    if parent is not None:
        refs = " ".join(f"<m{r}@bench.example>" for r in dict.fromkeys([root, parent]) if r is not None)
        head += [f"In-Reply-To: <m{parent}@bench.example>", f"References: {refs}"]
    head.append(f"Content-Type: text/{'html' if html else 'plain'}; charset=utf-8")
    return "\n".join(head) + "\n\n" + body + "\n\n"


def _tiny(n: int, parent: int | None) -> str:
    """A tiny message: one line of its own, after a line of its parent's quoted under an
    attribution line."""
    own = f"Reply {n} agrees with the point about reclaim."
    if parent is None:
        return own
    when = email.utils.format_datetime(START + dt.timedelta(minutes=parent))
    return f"On {when}, Person {parent % 50:02d} wrote:\n> Reply {parent} agrees with the point about reclaim.\n\n{own}"


def chain(count: int) -> Iterator[str]:
    """`count` messages, each replying to the one before."""
    for n in range(count):
        parent = n - 1 if n else None
        yield _mail(n, "[LSF/MM/BPF TOPIC] A long chain", _tiny(n, parent), parent, 0 if n > 1 else None)


def flat(count: int) -> Iterator[str]:
    """A post and `count - 1` replies to it."""
    for n in range(count):
        parent = 0 if n else None
        yield _mail(n, "[LSF/MM/BPF TOPIC] A wide thread", _tiny(n, parent), parent, None)


def _prose(n: int, size: int) -> list[str]:
    """About `size` bytes of lines of words, different for each `n`."""
    rng = random.Random(n)  # seeded: the same mail every run
    lines, total = [], 0
    while total < size:
        line = " ".join(rng.choices(VOCABULARY, k=12)).capitalize() + "."
        lines.append(line)
        total += len(line) + 1
    return lines


def big(count: int, size: int = 1_000_000) -> Iterator[str]:
    """`count` messages of about `size` bytes: a post, then replies each quoting 40% of the own
    text of the message it answers (a tree: message n answers message (n - 1) // 2)."""
    own: dict[int, list[str]] = {}
    for n in range(count):
        parent = (n - 1) // 2 if n else None
        quoted: list[str] = []
        if parent is not None:
            lines = own[parent]
            quoted = [f"On {email.utils.format_datetime(START)}, Person {parent % 50:02d} wrote:"]
            quoted += ["> " + line for line in lines[: len(lines) * 2 // 5]]
            quoted.append("")
        mine = _prose(n, size - sum(len(q) + 1 for q in quoted))
        own[n] = mine
        yield _mail(n, "[LSF/MM/BPF TOPIC] Big messages", "\n".join(quoted + mine), parent, 0 if n > 1 else None)


def nested(levels: int) -> Iterator[str]:
    """One HTML-only message: `levels` nested blockquotes, a line of text in each."""
    body = "<blockquote>q\n" * levels + "</blockquote>\n" * levels
    yield _mail(0, "[LSF/MM/BPF TOPIC] Deep quotes", body, None, None, html=True)


def write(path: Path, mails: Iterator[str]) -> int:
    with open(path, "w", encoding="utf-8") as fh:
        for text in mails:
            fh.write(text)
    return path.stat().st_size


# ---------------------------------------------------------------------------- measuring


# Runs one command and writes its wall time, peak memory and exit code to a file. The command
# is spawned from this small process, not from the bench: a child's peak memory counts the
# memory of the process it was forked from (the bench holds the mail it wrote).
SPAWN = textwrap.dedent(
    """
    import json, os, sys, time
    started = time.perf_counter()
    pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    with open(sys.argv[1], "w") as fh:
        json.dump({"seconds": seconds, "peak": usage.ru_maxrss * 1024, "code": code}, fh)
    """
)


def measure(args: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """Wall time, peak resident memory (bytes) and exit code of one process, and what it said
    last (on standard error if anything: the line of a limit, if it reached one)."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        with open(Path(tmp) / "out", "wb") as out, open(Path(tmp) / "err", "wb") as err:
            subprocess.run([sys.executable, "-c", SPAWN, str(result), *args], cwd=cwd, env=ENV, stdout=out, stderr=err)
        got = json.loads(result.read_text())
        said = (Path(tmp) / "err").read_text("utf-8", "replace").strip()
        said = said or (Path(tmp) / "out").read_text("utf-8", "replace").strip()
    lines = said.splitlines() or [""]
    last = next((ln for ln in lines if re.search(r"too large|too many|out of memory", ln)), lines[-1])
    return got["seconds"], got["peak"], got["code"], re.sub(r"^\S+\.yaml: ", "", last)


def run_import(path: Path, work: Path, dry_run: bool) -> tuple[float, int, int, str]:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(SAMPLE, data)
    args = [sys.executable, "-m", "generator", "import-mbox", "--data", str(data), str(path)]
    return measure(args + (["--dry-run=summary"] if dry_run else []), REPO)


def megabytes(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n < 1e9 else f"{n / 1e9:.2f} GB"


def outcome(code: int, last: str) -> str:
    if code == 0:
        return "ok"
    return f"exit {code}: {last[:100]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller cases (20,000, 5,000, 20,000, 10, 20,000)")
    ap.add_argument("--chain", type=int, help="messages in the chain (100,000)")
    ap.add_argument("--fits", type=int, help="messages in the chain that fits one thread file (10,000)")
    ap.add_argument("--flat", type=int, help="messages in the flat thread (100,000)")
    ap.add_argument("--big", type=int, help="messages of 1 MB (50)")
    ap.add_argument("--nested", help="levels of nested blockquotes, comma-separated (20000,50000)")
    ap.add_argument("--only", help="the cases to run, comma-separated (chain,fits,flat,big,nested)")
    ap.add_argument("--keep", type=Path, help="write the mboxes here and keep them")
    a = ap.parse_args()
    quick = a.quick
    cases: list[tuple[str, str, Iterator[str]]] = []
    want = set((a.only or "chain,fits,flat,big,nested").split(","))
    if "chain" in want:
        n = a.chain or (20_000 if quick else 100_000)
        cases.append(("chain", f"chain of {n:,} tiny replies", chain(n)))
    if "fits" in want:
        n = a.fits or (5_000 if quick else 10_000)
        cases.append(("fits", f"chain of {n:,} (one thread file)", chain(n)))
    if "flat" in want:
        n = a.flat or (20_000 if quick else 100_000)
        cases.append(("flat", f"{n:,} tiny replies to one post", flat(n)))
    if "big" in want:
        n = a.big or (10 if quick else 50)
        cases.append(("big", f"{n} messages of 1 MB", big(n)))
    if "nested" in want:
        for levels in [int(x) for x in (a.nested or ("20000" if quick else "20000,50000")).split(",")]:
            cases.append((f"nested-{levels}", f"HTML, {levels:,} nested blockquotes", nested(levels)))
    with tempfile.TemporaryDirectory(prefix="lsfmm-bench-cost-") as tmp:
        where = a.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        work = Path(tmp) / "work"
        work.mkdir()
        rows = []
        for name, label, mails in cases:
            path = where / f"{name}.mbox"
            size = write(path, mails)
            print(f"{label} ({size / 1e6:.1f} MB):", flush=True)
            base = measure([sys.executable, "-c", STDLIB, str(path)], REPO)
            results = [("stdlib parse", base)]
            for dry in (True, False):
                got = run_import(path, work, dry)
                results.append(("import-mbox --dry-run=summary" if dry else "import-mbox", got))
            for what, (secs, peak, code, last) in results:
                ratio = f"{secs / base[0]:5.1f}x  {peak / base[1]:5.1f}x"
                line = f"  {what:<30} {secs:7.1f} s  {megabytes(peak):>8}  {ratio}  {outcome(code, last)}"
                print(line, flush=True)
                rows.append((label, what, secs, peak, secs / base[0], peak / base[1], outcome(code, last)))
        print("\n| case | command | time | peak memory | time / stdlib | memory / stdlib | outcome |")
        print("|---|---|---|---|---|---|---|")
        for label, what, secs, peak, rt, rm, how in rows:
            print(f"| {label} | {what} | {secs:.1f} s | {megabytes(peak)} | {rt:.1f}x | {rm:.1f}x | {how} |")


if __name__ == "__main__":
    main()
