"""`make bench`: generation and site-build times at three data scales, side by side in one run.

For each scale it writes synthetic data (bench/synth.py, fixed seed) and measures, as the
median of several runs, each in a fresh process (imports excluded; the figure is the work):

- floor:  parsing every data file with PyYAML's C loader (yaml.load, CSafeLoader), nothing else
- cold:   our full generation with no cache into an empty folder (parse, validate, render,
          write every page), as on a fresh clone
- noop:   a regeneration with nothing changed (cache warm): must write no file
- edit:   a regeneration after editing one proposal file (cache on disk, as `build` runs)
- serve:  the same edit in a long-running process, as `make serve` does (cache in memory)
- mkdocs: `mkdocs build` (Material, search) of the generated pages
- peak memory of the cold generation and of mkdocs build

It prints one table and writes it, with the machine and the command, to BENCHMARKS.md.

    python bench/run.py [--scales S,M,L] [--runs 3] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from synth import generate  # noqa: E402

SCALES = {"S": (10, 60, 300), "M": (150, 1500, 15000), "L": (1500, 15000, 150000)}
EDITED = "proposals/proposal-000007.yaml"

# Each snippet runs in a fresh interpreter, prints {"s": seconds, "kb": peak RSS, ...}.
CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    sys.path.insert(0, {repo!r})
    what, project = sys.argv[1], sys.argv[2]
    os.chdir(project)
    out = {{}}
    if what == "floor":
        import glob, yaml
        files = sorted(glob.glob("data/**/*.yaml", recursive=True))
        t = time.perf_counter()
        for f in files:
            with open(f, "rb") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
        out["files"] = len(files)
    elif what in ("cold", "noop", "edit"):
        import contextlib, io
        from generator import cli
        out_dir = sys.argv[3] if what == "cold" else "docs"
        args = ["build", "--data", "data", "--out", out_dir] + (["--no-cache"] if what == "cold" else [])
        buf = io.StringIO()
        t = time.perf_counter()
        with contextlib.redirect_stdout(buf):
            code = cli.main(args)
        out["report"] = buf.getvalue().strip()
        assert code == 0, out
    elif what == "serve":
        import contextlib, io
        from generator import build, incremental
        layer = incremental.open_layer("data", live=True)
        def rebuild():
            built = build.build("data", "docs", "mkdocs.yml", False, layer, lambda lines: None)
            r = built.report
            return f"{{len(r.written)}} written, {{len(r.unchanged)}} unchanged, {{len(r.removed)}} removed."
        with contextlib.redirect_stdout(io.StringIO()):
            rebuild()
        path = os.path.join("data", {edited!r})
        with open(path) as fh:
            text = fh.read()
        with open(path, "w") as fh:
            fh.write(text.replace("title: ", "title: Edited ", 1))
        t = time.perf_counter()
        out["report"] = rebuild()
    elif what == "mkdocs":
        from mkdocs.__main__ import cli as mk
        sys.argv = ["mkdocs", "build", "--quiet", "--site-dir", os.path.join(project, "site")]
        t = time.perf_counter()
        try:
            mk(standalone_mode=False)
        except SystemExit as exc:
            assert not exc.code, f"mkdocs build exited with {{exc.code}}"
        assert os.path.exists(os.path.join(project, "site", "index.html")), "mkdocs built nothing"
    out["s"] = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["kb"] = peak + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(out))
    """
).format(repo=REPO, edited=EDITED)


def child(what: str, project: str, *extra: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, what, project, *extra], capture_output=True, text=True, env=env
    )
    if result.returncode:
        raise SystemExit(f"{what} failed in {project}:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


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
    rows: dict[str, list[dict]] = {k: [] for k in ("floor", "cold", "noop", "edit", "serve", "mkdocs")}
    for n in range(runs):
        rows["floor"].append(child("floor", project))
        # Into folders never written before (deleting a tree first slows the next writes on
        # this machine's disk); they are deleted once the scale is measured.
        rows["cold"].append(child("cold", project, os.path.join(project, f"cold-{n}")))
        child("noop", project)  # fills the cache
        rows["noop"].append(child("noop", project))
        path = os.path.join(project, "data", EDITED)
        with open(path) as fh:
            text = fh.read()
        with open(path, "w") as fh:
            fh.write(text.replace("title: ", f"title: Run {n} ", 1))
        rows["edit"].append(child("edit", project))
        rows["serve"].append(child("serve", project))
        child("noop", project)
        rows["mkdocs"].append(child("mkdocs", project))
    med = {k: statistics.median(r["s"] for r in v) for k, v in rows.items()}
    for n in range(runs):
        shutil.rmtree(os.path.join(project, f"cold-{n}"), ignore_errors=True)
    pages = sum(1 for _, _, files in os.walk(os.path.join(project, "docs")) for f in files if f.endswith(".md")) - 1
    return {
        "scale": scale,
        "sizes": SCALES[scale],
        "files": rows["floor"][0]["files"],
        "pages": pages,
        "median": med,
        "cold_kb": max(r["kb"] for r in rows["cold"]),
        "mkdocs_kb": max(r["kb"] for r in rows["mkdocs"]),
        "noop_report": rows["noop"][-1]["report"],
        "edit_report": rows["edit"][-1]["report"],
        "serve_report": rows["serve"][-1]["report"],
    }


def serve_latency(work: str, runs: int) -> list[float]:
    """Seconds from saving one YAML file to the served page showing the change, at scale S,
    under `python -m generator serve` (mkdocs serve with live reload), loopback only."""
    import socket
    import urllib.request

    project = prepare("S", work)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/proposals/proposal-000007/"
    env = dict(os.environ, PYTHONPATH=REPO, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode()
        except OSError:
            return ""

    latencies = []
    try:
        deadline = time.monotonic() + 120
        while "proposal" not in page() and time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"generator serve exited with {proc.returncode}")
            time.sleep(0.2)
        path = os.path.join(project, "data", EDITED)
        for n in range(runs):
            time.sleep(1.5)  # let the previous rebuild settle
            with open(path) as fh:
                text = fh.read()
            marker = f"Served edit {n}"
            with open(path, "w") as fh:
                fh.write(text.replace("title: ", f"title: {marker} ", 1))
            start = time.monotonic()
            while marker not in page() and time.monotonic() - start < 60:
                time.sleep(0.05)
            latencies.append(time.monotonic() - start)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return latencies


def table(results: list[dict], runs: int) -> str:
    head = (
        "| scale (topics/proposals/quotes) | files | pages | YAML floor | generation, cold | ratio to floor "
        "| no-op | one-file edit (build) | one-file edit (serve) | mkdocs build "
        "| end to end | peak memory gen / mkdocs |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in results:
        m = r["median"]
        end = m["cold"] + m["mkdocs"]
        lines.append(
            f"| {r['scale']} ({'/'.join(f'{x:,}' for x in r['sizes'])}) | {r['files']:,} | {r['pages']:,} "
            f"| {m['floor']:.2f} s | {m['cold']:.2f} s | {m['cold'] / m['floor']:.1f}x | {m['noop']:.2f} s "
            f"| {m['edit']:.2f} s | {m['serve']:.2f} s | {m['mkdocs']:.1f} s | {end:.1f} s "
            f"| {r['cold_kb'] / 1024:.0f} / {r['mkdocs_kb'] / 1024:.0f} MB |"
        )
    by = {r["scale"]: r for r in results}
    notes = [f"Medians of {runs} runs, each in a fresh process (imports excluded)."]
    if "M" in by and "L" in by:
        m, big = by["M"]["median"], by["L"]["median"]
        notes.append(
            f"L / M: mkdocs build {big['mkdocs'] / m['mkdocs']:.1f}x, end to end "
            f"{(big['cold'] + big['mkdocs']) / (m['cold'] + m['mkdocs']):.1f}x, for "
            f"{by['L']['pages'] / by['M']['pages']:.1f}x the pages."
        )
    for r in results:
        serve = r["serve_report"] or "nothing"
        notes.append(f"{r['scale']}: no-op: {r['noop_report']} Edit: {r['edit_report']} Serve: {serve}")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description="Benchmark generation and site build at three scales.")
    ap.add_argument("--scales", default="S,M,L")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(REPO, "BENCHMARKS.md"))
    ap.add_argument("--work", default=os.path.join(REPO, ".bench"))
    a = ap.parse_args()
    started = time.time()
    results = []
    for scale in a.scales.split(","):
        print(f"scale {scale}...", file=sys.stderr, flush=True)
        results.append(measure(scale, a.work, a.runs))
    body = table(results, a.runs)
    print("serve latency at S...", file=sys.stderr, flush=True)
    latencies = serve_latency(a.work, a.runs)
    body += (
        f"- `make serve` at S: saving one YAML file to the page showing it, median "
        f"{statistics.median(latencies):.2f} s (runs: {', '.join(f'{x:.2f}' for x in latencies)}).\n"
    )
    print(body)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write(
            "# Benchmarks\n\nWritten by `make bench` (`python bench/run.py "
            f"--scales {a.scales} --runs {a.runs}`), {time.strftime('%Y-%m-%d')}, "
            f"in {time.time() - started:.0f} s on: {machine}.\n\n{body}"
        )


if __name__ == "__main__":
    main()
