"""Messages per second of import-mbox against the standard library's own parse of the same mbox.

    python bench/import_mbox.py [--messages N] [--import-messages M] [--seed S]

Writes a deterministic mbox of N lore-like replies (headers as lore serves them, an attribution
line, quoted paragraphs two levels deep, own text, a signature; one in ten HTML-only, one in
ten quoted-printable) and times, best of three:

- stdlib parse: `mailbox.mbox` with `email.message_from_binary_file(policy=default)` as factory,
  reading nothing (what parsing alone costs);
- stdlib parse + fields: the same, reading Message-ID, From, Date, Subject, In-Reply-To,
  References and the text/plain body (what any importer must at least do);
- lsfmm-prep read: `generator.mail.mbox.read_inputs` (split, un-escape, guarded parse, decode,
  signature), plus splitting every body into quote blocks with attributions;
- lsfmm-prep import: the whole `import-mbox` command on M of those messages into a copy of
  the sample data (people matching, attribution, thread order, YAML, validation, write).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import mailbox
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.mail import mbox  # noqa: E402
from generator.records import mailtext  # noqa: E402

WORDS = (  # noqa: SIM905 (a word list reads better as text)
    "memory cgroup reclaim folio page cache eviction policy hook kfunc struct_ops bpf program verifier "
    "pressure oom killer numa balancing tiering huge transparent swap readahead lru kernel mainline "
    "series review upstream stable abi interface callback attach hierarchy latency throughput"
).split()
NAMES = ["Ada Lead", "Bob Reviewer", "Cy Author", "Dana Maintainer", "Eve Tester", "Rafał Miłecki", "Björn Töpel"]


def para(rng: random.Random, lines: int) -> list[str]:
    out = []
    for _ in range(lines):
        out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 12))).capitalize() + ".")
    return out


def message(rng: random.Random, n: int, bodies: dict[int, list[str]]) -> bytes:
    name = NAMES[n % len(NAMES)]
    addr = name.split()[0].lower().replace("ł", "l").replace("ö", "o") + f"{n % 50}@example.org"
    parent = rng.randrange(n) if n else None
    own = para(rng, rng.randint(3, 8))
    bodies[n] = own
    body: list[str] = []
    if parent is not None:
        pname = NAMES[parent % len(NAMES)]
        body.append(f"On Tue, 28 Apr 2026 at 10:{parent % 60:02d}, {pname} wrote:")
        for line in bodies[parent][:4]:
            body.append("> " + line)
        body.append(">")
        body.extend(">> " + line for line in para(rng, 2))
        body.append("")
    body.extend(own)
    body.extend(["", "-- ", name, "Example Corp"])
    text = "\n".join(body)
    refs = f"<m{parent}@bench.example>" if parent is not None else ""
    headers = [
        f"From: {name} <{addr}>",
        "To: linux-mm@kvack.org",
        "Cc: bpf@vger.kernel.org, lsf-pc@lists.linux-foundation.org",
        f"Subject: {'Re: ' if parent is not None else ''}[LSF/MM/BPF TOPIC] Benchmark thread",
        f"Date: Tue, 28 Apr 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0200",
        f"Message-ID: <m{n}@bench.example>",
        "List-Id: <linux-mm.kvack.org>",
        "MIME-Version: 1.0",
    ]
    if refs:
        headers += [f"In-Reply-To: {refs}", f"References: <m0@bench.example> {refs}"]
    if n % 10 == 3:  # HTML-only
        html = "".join(
            f"<blockquote>{line[2:]}</blockquote>" if line.startswith("> ") else f"<p>{line}</p>" for line in body
        )
        headers.append("Content-Type: text/html; charset=utf-8")
        payload = html
    elif n % 10 == 7:
        import quopri

        headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
        payload = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    else:
        headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
        payload = text
    raw = "\n".join(headers) + "\n\n" + payload + "\n"
    return b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + raw.encode("utf-8") + b"\n"


def write_mbox(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    bodies: dict[int, list[str]] = {}
    with open(path, "wb") as fh:
        for n in range(count):
            fh.write(message(rng, n, bodies))


def best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def stdlib_parse(path: Path) -> int:
    box = mailbox.mbox(str(path), factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    return sum(1 for _ in box)


def stdlib_fields(path: Path) -> int:
    box = mailbox.mbox(str(path), factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    n = 0
    for msg in box:
        _ = (msg["Message-ID"], msg["From"].addresses, msg["Date"].datetime, msg["Subject"])
        _ = (msg["In-Reply-To"], msg["References"])
        part = msg.get_body(("plain", "html"))
        _ = part.get_content() if part is not None else ""
        n += 1
    return n


def ours(path: Path) -> int:
    read = mbox.read_inputs([str(path)])
    for mail in read.mails:
        mailtext.blocks(mail.text)
    return len(read.mails)


def full_import(path: Path, work: Path) -> float:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(REPO / "tests" / "fixtures" / "sample", work / "data")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "import-mbox", str(path)], cwd=work, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"import failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--import-messages", type=int, default=1000, help="the thread file holds at most 4 MiB")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big.mbox", Path(tmp) / "small.mbox"
        write_mbox(big, args.messages, args.seed)
        write_mbox(small, args.import_messages, args.seed)
        assert stdlib_parse(big) == ours(big) == args.messages
        size = big.stat().st_size
        print(f"{args.messages} messages, {size / 1e6:.1f} MB ({sys.version.split()[0]}, best of 3)")
        rows = [
            ("stdlib parse (mailbox + email, policy=default)", best(lambda: stdlib_parse(big)), args.messages),
            ("stdlib parse + headers and body read", best(lambda: stdlib_fields(big)), args.messages),
            ("lsfmm-prep read (mbox.read_inputs + quote blocks)", best(lambda: ours(big)), args.messages),
        ]
        whole = min(full_import(small, Path(tmp) / f"w{n}") for n in range(3))
        rows.append((f"lsfmm-prep import-mbox command ({args.import_messages} messages)", whole, args.import_messages))
        base = rows[0][1] / rows[0][2]
        for label, seconds, count in rows:
            print(f"{label:58s} {seconds:7.2f} s {count / seconds:9.0f} msg/s  {seconds / count / base:5.2f}x")


if __name__ == "__main__":
    main()
