"""A whole season's intake against the standard library's own parse of the same mail.

    python bench/intake.py [--messages N] [--runs R] [--seed S]

Writes a deterministic mbox of N messages shaped like a call for proposals' season (the call and
two reminders; a topic post in ten, in the tag variants people type; an attendance request in
seven, some inside a topic's thread; replies two to four deep with quotes; patch series and a
robot's report that name the summit) and times, best of R, side by side in one run:

- stdlib parse: `mailbox.mbox` with `email.message_from_binary_file(policy=default)`, reading
  Message-ID, From, Subject, In-Reply-To, References and the text/plain body;
- intake --dry-run: the whole command into a copy of the summit fixture, writing nothing;
- intake: the same, writing the topics, requests, threads and people.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import mailbox
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUMMIT = REPO / "tests" / "fixtures" / "summit"
WORDS = (  # noqa: SIM905 (a word list reads better as text)
    "memory cgroup reclaim folio page cache eviction policy hook kfunc struct_ops bpf program verifier "
    "pressure oom killer numa balancing tiering huge transparent swap readahead lru block zoned nvme "
    "filesystem writeback iomap fsverity quota btrfs xfs ext4 fuse copy offload atomic writes"
).split()
TAGS = [
    "[LSF/MM/BPF TOPIC]",
    "[LSF/MM/BPF Topic]",
    "[LSF/MM TOPIC]",
    "[LSFMMBPF TOPIC]",
    "[LSF/MM/BPF BoF]",
    "[LSF/MM/BPF TOPIC][RFC PATCH v2 00/12]",
    "[Lsf-pc] [LSF/MM/BPF TOPIC]",
    "[LSF/MM/BPF TOPIC/ATTEND]",
]
LISTS = ["linux-mm@kvack.org", "linux-fsdevel@vger.kernel.org", "linux-block@vger.kernel.org", "bpf@vger.kernel.org"]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def para(rng: random.Random, lines: int) -> list[str]:
    return [words(rng, rng.randint(8, 12)).capitalize() + "." for _ in range(lines)]


def season(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out: list[str] = []
    posts: list[tuple[str, str, list[str]]] = []  # (Message-ID, subject, body)
    everyone: list[tuple[str, str, str, list[str]]] = []  # (Message-ID, subject, name, body)

    def mail(mid: str, who: int, subject: str, body: list[str], day: int, parent: str | None, to: str) -> None:
        name = f"Person {who:04d}"
        head = [
            "From mboxrd@z Thu Jan  1 00:00:00 1970",
            f"From: {name} <p{who:04d}@example.org>",
            f"To: {to}",
            f"Cc: {rng.choice(LISTS)}",
            f"Subject: {subject}",
            f"Date: Mon, {1 + day % 28:02d} Feb 2030 {day % 24:02d}:{who % 60:02d}:00 +0000",
            f"Message-ID: <{mid}>",
        ]
        if parent:
            head += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
        out.extend([*head, "Content-Type: text/plain; charset=utf-8", "", *body, ""])
        everyone.append((mid, subject, name, body))

    mail("cfp@example.org", 0, "LSF/MM/BPF: 2030: Call for Proposals", para(rng, 6), 0, None, "lsf-pc@example.org")
    for i in range(1, n):
        mid = f"m{i:05d}@example.org"
        who = rng.randrange(1, 400)
        kind = rng.random()
        if i in (n // 3, 2 * n // 3):
            subject = "[REMINDER] LSF/MM/BPF: 2030: Call for Proposals"
            mail(mid, 0, subject, para(rng, 3), i % 28, "cfp@example.org", "lsf-pc@example.org")
        elif kind < 0.10 or not posts:
            subject = f"{rng.choice(TAGS)} {words(rng, 5)}"
            body = para(rng, rng.randint(8, 20))
            to = "lsf-pc@lists.linux-foundation.org" if rng.random() < 0.9 else rng.choice(LISTS)
            mail(mid, who, subject, body, i % 28, "cfp@example.org" if rng.random() < 0.05 else None, to)
            posts.append((mid, subject, body))
        elif kind < 0.17:
            inside = rng.random() < 0.3
            parent, title, _ = rng.choice(posts) if inside else (None, f"] Person {who:04d}", [])
            subject = "[LSF/MM/BPF ATTEND] " + (title.split("] ", 1)[-1] if inside else f"Person {who:04d}")
            mail(mid, who, subject, para(rng, 3), i % 28, parent, "lsf-pc@lists.linux-foundation.org")
        elif kind < 0.19:
            subject = f"[PATCH v{rng.randint(2, 9)} 0/{rng.randint(2, 9)}] mm: {words(rng, 4)}"
            if rng.random() < 0.5:
                subject = "[LSF/MM/BPF RFC] " + subject.split("] ", 1)[1]
            mail(mid, who, subject, para(rng, 6), i % 28, None, rng.choice(LISTS))
        else:
            pmid, psubject, pname, pbody = rng.choice(everyone[-200:])
            quoted = [f"> {line}" for line in pbody[: rng.randint(2, 6)]]
            body = [f"On Mon, Feb 01, 2030, {pname} wrote:", *quoted, "", *para(rng, rng.randint(2, 6))]
            subject = psubject if psubject.startswith("Re: ") else "Re: " + psubject
            mail(mid, who, subject, body, i % 28, pmid, "lsf-pc@lists.linux-foundation.org")
    return ("\n".join(out) + "\n").encode("utf-8")


def stdlib(path: Path) -> float:
    started = time.perf_counter()
    box = mailbox.mbox(str(path), factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    for msg in box:
        for name in ("Message-ID", "From", "Subject", "In-Reply-To", "References"):
            msg.get(name)
        part = msg.get_body(preferencelist=("plain",))
        if part is not None:
            part.get_content()
    return time.perf_counter() - started


def intake(path: Path, work: Path, dry_run: bool) -> float:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(SUMMIT, data)
    args = [sys.executable, "-m", "generator", "intake", "--data", str(data), "--event", "example-2030", str(path)]
    started = time.perf_counter()
    done = subprocess.run(args + (["--dry-run"] if dry_run else []), cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"intake failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    if not dry_run:
        print(
            "  "
            + "\n  ".join(
                done.stdout.splitlines()[:2]
                + [ln for ln in done.stdout.splitlines() if ln.startswith(("Requests", "Threads", "Skipped"))]
            )
        )
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="lsfmm-bench-intake-") as tmp:
        work = Path(tmp)
        path = work / "season.mbox"
        path.write_bytes(season(a.messages, a.seed))
        times: dict[str, list[float]] = {"stdlib parse": [], "intake --dry-run": [], "intake": []}
        for _ in range(a.runs):  # side by side, run after run: a noisy machine slows all alike
            times["stdlib parse"].append(stdlib(path))
            times["intake --dry-run"].append(intake(path, work, True))
            times["intake"].append(intake(path, work, False))
        base = min(times["stdlib parse"])
        print(f"\n{a.messages} messages ({path.stat().st_size / 1e6:.1f} MB), best of {a.runs}:")
        for label, got in times.items():
            best = min(got)
            print(f"  {label:<18} {best:6.2f} s  {a.messages / best:7.0f} msg/s  {best / base:5.1f}x the stdlib parse")


if __name__ == "__main__":
    main()
