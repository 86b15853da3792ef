"""`make bench`: what a person waits for, at three data scales, side by side in one run.

For each scale it writes synthetic data (bench/synth.py, fixed seed) into a project of its own
and measures, as the median of several runs, the wall time of each command as a person runs it
(a fresh process: interpreter start and imports included):

- floor:  parsing every data file with PyYAML's C loader (yaml.load, CSafeLoader), nothing
          else, in a process of its own (imports excluded): the least any build must do
- cold:   `python -m generator site --strict` with no docs/ pages, no site/ and no cache, as
          on a fresh clone (generation, then MkDocs)
- noop:   the same command again with nothing changed: must write nothing under site/
- edit:   the same command after editing one proposal file
- serve:  under `python -m generator serve`, from saving one proposal file to the served page
          (fetched over HTTP) showing the change: save to page
- peak memory of the cold `site` command: the largest resident set of its process or of any
  child (the generation, the page workers), each given apart too; and the per-stage split of
  its site build (`site --timings`)

Every figure is also given as its ratio to the floor of the same run. It prints one table and
writes it, with the machine and the command, to BENCHMARKS.md.

    python bench/run.py [--scales S,M,L] [--runs 3] [--runs-l 1] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import textwrap
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from synth import generate  # noqa: E402

SCALES = {"S": (10, 60, 300), "M": (150, 1500, 15000), "L": (1500, 15000, 150000)}
EDITED = "proposals/proposal-000007.yaml"
PAGE = "proposals/proposal-000007/"
ENV = dict(os.environ, PYTHONPATH=REPO, NO_MKDOCS_2_WARNING="1")

FLOOR = textwrap.dedent(
    """
    import glob, json, sys, time, yaml
    files = sorted(glob.glob("data/**/*.yaml", recursive=True))
    t = time.perf_counter()
    for f in files:
        with open(f, "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    print(json.dumps({"s": time.perf_counter() - t, "files": len(files)}))
    """
)


def floor(project: str) -> dict:
    result = subprocess.run([sys.executable, "-c", FLOOR], cwd=project, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


# `python -m generator ARGS` that also says, as it exits, the peak memory of its process.
# Split too: the process's own peak, and its largest child's (the generation, or a page worker).
PEAK = (
    "import atexit, resource as r, runpy, sys; atexit.register(lambda: sys.stderr.write("
    "'PEAK_KB=%d SELF_KB=%d CHILD_KB=%d\\n' % (max(r.getrusage(w).ru_maxrss for w in (r.RUSAGE_SELF, "
    "r.RUSAGE_CHILDREN)), r.getrusage(r.RUSAGE_SELF).ru_maxrss, r.getrusage(r.RUSAGE_CHILDREN).ru_maxrss))); "
    "sys.argv = ['generator', *sys.argv[1:]]; runpy.run_module('generator', run_name='__main__', alter_sys=True)"
)


def site(project: str) -> dict:
    """`python -m generator site --strict --timings` in the project: wall time, peak memory
    (the maximum resident set of the process or of its largest worker), what it said."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", PEAK, "site", "--strict", "--timings"],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"site failed in {project}:\n{result.stdout}\n{result.stderr}")
    peak = re.search(r"PEAK_KB=(\d+) SELF_KB=(\d+) CHILD_KB=(\d+)", result.stderr)
    kb = [int(x) for x in peak.groups()] if peak else [0, 0, 0]
    return {"s": seconds, "kb": kb[0], "self_kb": kb[1], "child_kb": kb[2], "out": result.stdout}


def edit(project: str, marker: str) -> None:
    path = os.path.join(project, "data", EDITED)
    with open(path) as fh:
        text = fh.read()
    text = re.sub(r"^title: (Run \S+ |Served \S+ )?", f"title: {marker} ", text, count=1, flags=re.M)
    with open(path, "w") as fh:
        fh.write(text)


def reset(project: str) -> None:
    """Back to a fresh clone: no generated pages, no site, no cache."""
    subprocess.run([sys.executable, "-m", "generator", "clean"], cwd=project, env=ENV, capture_output=True, check=True)
    for name in ("site", ".lsfmm-cache"):
        shutil.rmtree(os.path.join(project, name), ignore_errors=True)
    for name in os.listdir(project):
        if name.startswith((".site-new-", ".site-old-")):
            shutil.rmtree(os.path.join(project, name), ignore_errors=True)


def prepare(scale: str, work: str) -> str:
    project = os.path.join(work, scale)
    shutil.rmtree(project, ignore_errors=True)
    os.makedirs(os.path.join(project, "docs"))
    shutil.copy(os.path.join(REPO, "mkdocs.yml"), project)
    shutil.copytree(os.path.join(REPO, "overrides"), os.path.join(project, "overrides"))
    os.symlink(os.path.join(REPO, "generator"), os.path.join(project, "generator"))  # mkdocs.yml's hooks
    for name in ("guide.md", "assets", "schemas"):
        src = os.path.join(REPO, "docs", name)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(project, "docs", name))
    generate(os.path.join(project, "data"), *SCALES[scale], seed=1)
    return project


def measure(scale: str, work: str, runs: int) -> dict:
    project = prepare(scale, work)
    rows: dict[str, list[dict]] = {k: [] for k in ("floor", "cold", "noop", "edit")}
    serve: list[float] = []
    for n in range(runs):
        rows["floor"].append(floor(project))
        reset(project)
        rows["cold"].append(site(project))
        rows["noop"].append(site(project))
        edit(project, f"Run-{n}")
        rows["edit"].append(site(project))
    serve = serve_latency(project, runs)
    med = {k: statistics.median(r["s"] for r in v) for k, v in rows.items()}
    med["serve"] = statistics.median(serve)
    pages = sum(1 for _, _, files in os.walk(os.path.join(project, "docs")) for f in files if f.endswith(".md"))
    return {
        "scale": scale,
        "sizes": SCALES[scale],
        "files": rows["floor"][0]["files"],
        "pages": pages,
        "median": med,
        "serve_runs": serve,
        "cold_kb": max(r["kb"] for r in rows["cold"]),
        "cold_split": max((r["kb"], r["self_kb"], r["child_kb"]) for r in rows["cold"])[1:],
        "timings": _timings(rows["cold"][-1]["out"]),
        "edit_timings": _timings(rows["edit"][-1]["out"]),
        "noop_out": _line(rows["noop"][-1]["out"], ("Site", "Nothing")),
        "edit_out": _line(rows["edit"][-1]["out"], ("Site", "Nothing")),
    }


def _line(out: str, start: str | tuple[str, ...]) -> str:
    return next((line for line in out.splitlines() if line.startswith(start)), "")


def _timings(out: str) -> str:
    return _line(out, "Timings: ").removeprefix("Timings: ")


def serve_latency(project: str, runs: int) -> list[float]:
    """Seconds from saving one YAML file to the served page showing the change, under
    `python -m generator serve` (loopback only), for `runs` edits."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{PAGE}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode()
        except OSError:
            return ""

    latencies = []
    try:
        deadline = time.monotonic() + 1800
        while "proposal" not in page().lower() and time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"generator serve exited with {proc.returncode}")
            time.sleep(0.5)
        for n in range(runs):
            time.sleep(2)  # let the previous rebuild settle
            marker = f"Served-{n}"
            edit(project, marker)
            start = time.monotonic()
            while marker not in page() and time.monotonic() - start < 600:
                time.sleep(0.05)
            latencies.append(time.monotonic() - start)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return latencies


def table(results: list[dict], runs: int, runs_l: int) -> str:
    head = (
        "| scale (topics/proposals/quotes) | files | pages | YAML floor | save to page (serve) "
        "| cold `make site` | no-op `make site` | one-file edit `make site` | peak memory, cold |"
    )
    lines = [head, "|" + "---|" * 9]
    for r in results:
        m = r["median"]
        cell = {key: f"{m[key]:.2f} s ({m[key] / m['floor']:.1f}x)" for key in ("serve", "cold", "noop", "edit")}
        lines.append(
            f"| {r['scale']} ({'/'.join(f'{x:,}' for x in r['sizes'])}) | {r['files']:,} | {r['pages']:,} "
            f"| {m['floor']:.2f} s | {cell['serve']} | {cell['cold']} | {cell['noop']} | {cell['edit']} "
            f"| {r['cold_kb'] / 1024:.0f} MB |"
        )
    by = {r["scale"]: r for r in results}
    notes = [
        f"Medians of {runs} runs ({runs_l} at L); wall time of each command in a fresh process (imports included), "
        "in parentheses its ratio to the YAML floor of the same run (parsing every data file, nothing else)."
    ]
    if "M" in by and "L" in by:
        m, big = by["M"]["median"], by["L"]["median"]
        notes.append(
            f"L / M: cold `make site` {big['cold'] / m['cold']:.1f}x for {by['L']['pages'] / by['M']['pages']:.1f}x "
            "the pages."
        )
    for r in results:
        runs_text = ", ".join(f"{x:.2f}" for x in r["serve_runs"])
        own, child = (kb / 1024 for kb in r["cold_split"])
        notes.append(
            f"{r['scale']}: peak memory, cold: the command's process {own:.0f} MB, its largest child (the "
            f"generation or a page worker) {child:.0f} MB. Save to page, each run: {runs_text} s. Cold stages: "
            f"{r['timings']} "
            f"Edit stages: {r['edit_timings']} No-op: {r['noop_out']} Edit: {r['edit_out']}"
        )
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description="Benchmark what a person waits for at three scales.")
    ap.add_argument("--scales", default="S,M,L")
    ap.add_argument("--runs", type=int, default=3, help="runs at S and M (default: 3)")
    ap.add_argument("--runs-l", type=int, default=1, help="runs at L, ten minutes each (default: 1)")
    ap.add_argument("--out", default=os.path.join(REPO, "BENCHMARKS.md"))
    ap.add_argument("--work", default=os.path.join(REPO, ".bench"))
    a = ap.parse_args()
    started = time.time()
    results = []
    for scale in a.scales.split(","):
        print(f"scale {scale}...", file=sys.stderr, flush=True)
        results.append(measure(scale, a.work, a.runs_l if scale == "L" else a.runs))
    body = table(results, a.runs, a.runs_l)
    print(body)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write(
            "# Benchmarks\n\nWritten by `make bench` (`python bench/run.py "
            f"--scales {a.scales} --runs {a.runs} --runs-l {a.runs_l}`), {time.strftime('%Y-%m-%d')}, "
            f"in {time.time() - started:.0f} s on: {machine}.\n\n{body}"
        )


if __name__ == "__main__":
    main()
