"""Build benchmark (``make bench-build``): our build against plain Pelican and Hugo.

    python bench/bench_build.py [--posts 1000 --events 200 --products 300] [--quick] [--keep]
                                [--corpus short,code]

One run generates each synthetic corpus (``make_corpus.py``'s flavours: ``short`` posts, and
``code``: posts of 2,000-5,000 words with fenced code) in a temporary folder and measures, for
each tool,
(a) a cold full build, (b) a rebuild with nothing changed and (c) a rebuild after one post's
body was edited. Every build is a child process: its wall time, CPU time and peak memory (the
largest process's, ``wait4`` rusage; the whole process tree's, ``tree_memory.py``) are
recorded. Figures are printed with their ratio to Hugo's cold build, then the targets of
issue 14 with met/MISSED (memory: the tree's). Nothing is written inside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402
import peers  # noqa: E402
import tree_memory  # noqa: E402

PHASES = ("cold", "unchanged", "one edit")


@dataclass
class Run:
    """One child process: how long it took, its peak memory and what it printed."""

    seconds: float
    max_rss_mb: float
    #: peak of the sum of PSS over the process and its workers (``tree_memory``)
    tree_pss_mb: float
    status: int
    #: user + system CPU seconds of the process and the children it waited for (workers)
    cpu_seconds: float
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status == 0


@dataclass
class Tool:
    """A build tool under test: the command and what to delete for a cold build."""

    name: str
    command: list[str]
    output: Path
    cold_paths: list[Path]
    env: dict[str, str] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)
    pages: int = 0

    def clean(self) -> None:
        for path in [self.output, *self.cold_paths]:
            shutil.rmtree(path, ignore_errors=True)


def run_child(command: Sequence[str], env: dict[str, str], logs: Path) -> Run:
    """Spawn ``command``, wait for it, return wall time, CPU and peak memory (not ours): the
    largest single process's RSS and the whole tree's PSS (the build and its workers)."""
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / "stdout", logs / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        actions = [
            (os.POSIX_SPAWN_DUP2, stdout.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2),
        ]
        started = time.perf_counter()
        pid = os.posix_spawn(command[0], list(command), {**os.environ, **env}, file_actions=actions)
        sampler = tree_memory.TreeSampler(pid).start()
        _, wait_status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        peak = sampler.stop()
    return Run(
        seconds=seconds,
        max_rss_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        tree_pss_mb=peak.pss_mb,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        status=os.waitstatus_to_exitcode(wait_status),
        stdout=out.read_text(errors="replace"),
        stderr=err.read_text(errors="replace"),
    )


def count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html")) if output.is_dir() else 0


def setup_tools(work: Path, corpus: make_corpus.Corpus) -> list[Tool]:
    content = corpus.content
    ours_out, ours_cache = work / "ours" / "build", work / "ours" / "cache"
    # A snapshot of site/: edits made to the working tree during the run must not count.
    site = work / "ours" / "site"
    shutil.copytree(REPO / "site", site, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
    ours = Tool(
        name="ours (site/build_site.py)",
        command=[
            sys.executable,
            str(site / "build_site.py"),
            "--content",
            str(content),
            "--output",
            str(ours_out),
        ],
        output=ours_out,
        cold_paths=[ours_cache],
        env={"RA_BUILD_CACHE": str(ours_cache)},
    )
    pel_dir = work / "pelican"
    pel_dir.mkdir(parents=True, exist_ok=True)
    pel_out, pel_cache = pel_dir / "output", pel_dir / "cache"
    pelican = Tool(
        name="plain Pelican (default theme)",
        command=peers.pelican_command(content, pel_out, pel_cache, pel_dir / "pelicanconf.py"),
        output=pel_out,
        cold_paths=[pel_cache],
    )
    hugo_root = peers.make_hugo_site(
        (content / "blog").glob("*.md"), content / "images", work / "hugo" / "site"
    )
    hugo_out = work / "hugo" / "public"
    hugo = Tool(
        name="Hugo",
        command=peers.hugo_command(hugo_root, hugo_out),
        output=hugo_out,
        cold_paths=[hugo_root / "resources", hugo_root / ".hugo_build.lock"],
    )
    return [ours, pelican, hugo]


def measure(tools: list[Tool], corpus: make_corpus.Corpus, work: Path) -> None:
    """Cold then unchanged for each tool, then one post edited and each tool once more."""
    for tool in tools:
        tool.clean()
        for phase in PHASES[:2]:
            tool.runs[phase] = run_child(tool.command, tool.env, work / "logs" / tool.name / phase)
            report_progress(tool, phase)
        tool.pages = count_pages(tool.output)
    edited = corpus.post_path(corpus.posts // 2)
    make_corpus.edit_post(edited)
    hugo_root = work / "hugo" / "site"
    make_corpus.edit_post(peers.hugo_post_path(hugo_root, edited))
    for tool in tools:
        phase = PHASES[2]
        tool.runs[phase] = run_child(tool.command, tool.env, work / "logs" / tool.name / phase)
        report_progress(tool, phase)


def breakdown(ours: Tool, corpus: make_corpus.Corpus, work: Path) -> str:
    """One more one-edit rebuild of ours, with the driver's steps timed (build_phases.py)."""
    make_corpus.edit_post(corpus.post_path(corpus.posts // 3), "Edited for the breakdown.")
    command = [
        sys.executable,
        str(BENCH / "build_phases.py"),
        "--site",
        str(work / "ours" / "site"),
        "--content",
        str(corpus.content),
        "--output",
        str(ours.output),
    ]
    run = run_child(command, ours.env, work / "logs" / "breakdown")
    if not run.ok:
        return f"(breakdown failed: {run.stderr.strip().splitlines()[-1:]})"
    times = json.loads(run.stdout)
    lines = ["Where our one-edit rebuild spends its time (one more edit, steps timed):"]
    lines += [f"  {name:52} {seconds:6.2f} s" for name, seconds in times.items()]
    return "\n".join(lines)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def report_progress(tool: Tool, phase: str) -> None:
    run = tool.runs[phase]
    last = (run.stdout.strip().splitlines() or [""])[-1]
    note = f"  {last}" if last and tool.name.startswith("ours") else ""
    print(f"  {tool.name:32} {phase:10} {run.seconds:7.2f} s{note}", flush=True)
    if not run.ok:
        tail = "\n".join(run.stderr.strip().splitlines()[-15:])
        print(f"    FAILED with status {run.status}:\n{tail}", flush=True)


def format_table(tools: list[Tool], corpus: make_corpus.Corpus, flavour: str) -> str:
    hugo_cold = next(t for t in tools if t.name == "Hugo").runs["cold"].seconds
    header = (
        f"{'':32}"
        + "".join(f"{p:>16}" for p in PHASES)
        + f"{'peak RSS':>11}{'tree PSS':>11}{'pages':>8}"
    )
    lines = [
        f"Build benchmark, corpus {flavour!r}: {corpus.posts} posts, {corpus.events} events, "
        f"{corpus.products} products (ratio = time / Hugo cold build)",
        header,
    ]
    for tool in tools:
        cells = ""
        for phase in PHASES:
            run = tool.runs[phase]
            mark = "" if run.ok else "!"
            cells += f"{run.seconds:>8.2f} s{mark:1}{run.seconds / hugo_cold:>5.1f}x"
        rss = max(run.max_rss_mb for run in tool.runs.values())
        pss = max(run.tree_pss_mb for run in tool.runs.values())
        lines.append(f"{tool.name:32}{cells}{rss:>8.0f} MB{pss:>8.0f} MB{tool.pages:>8}")
        cpu = "".join(f"{tool.runs[phase].cpu_seconds:>8.2f} s cpu  " for phase in PHASES)
        lines.append(f"{'':32}{cpu}")
    lines.append(
        "one edit = a paragraph appended to one post's body; ours also builds the events and\n"
        "products, manifests, hashed assets and .gz/.br; ! = the build exited with an error;\n"
        "cpu = user + system seconds of the build and its worker processes (steadier than wall\n"
        "time on a shared machine; more cpu than wall time means more than one core was used);\n"
        "peak RSS = the largest single process; tree PSS = the highest sum over the build and its\n"
        "workers of their proportional set size (shared pages split), sampled every 50 ms"
    )
    return "\n".join(lines)


def format_targets(tools: list[Tool]) -> str:
    ours = tools[0]
    hugo = next(t for t in tools if t.name == "Hugo").runs["cold"]
    hugo_cold = hugo.seconds
    peak = max(run.tree_pss_mb for run in ours.runs.values())
    largest = max(run.max_rss_mb for run in ours.runs.values())
    checks = [
        ("cold build <= 2x Hugo cold", "cold", 2.0),
        ("unchanged rebuild <= 0.3x Hugo cold", "unchanged", 0.3),
        ("one-edit rebuild < Hugo cold", "one edit", 1.0),
    ]
    lines = ["Targets for our build (cpu = the same ratio in CPU seconds, steadier under load):"]
    for label, phase, factor in checks:
        run = ours.runs[phase]
        limit = factor * hugo_cold
        ok = (run.seconds <= limit if "<=" in label else run.seconds < limit) and run.ok
        cpu = run.cpu_seconds / hugo.cpu_seconds if hugo.cpu_seconds else float("nan")
        verdict = "met" if ok else "MISSED"
        lines.append(
            f"  {label:36} {run.seconds:8.2f} s  (limit {limit:.2f} s; "
            f"{run.seconds / hugo_cold:.2f}x, cpu {cpu:.2f}x)  {verdict}"
        )
    ok = peak < 300.0 and all(run.ok for run in ours.runs.values())
    verdict = "met" if ok else "MISSED"
    lines.append(
        f"  {'peak memory < 300 MB (whole tree)':36} {peak:8.2f} MB (limit 300.00 MB; "
        f"largest process {largest:.0f} MB)  {verdict}"
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument(
        "--corpus",
        default=",".join(make_corpus.FLAVOURS),
        help="comma-separated corpus flavours to measure (default: all)",
    )
    parser.add_argument("--quick", action="store_true", help="100 posts, 20 events, 30 products")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the timed steps")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.events, args.products = 100, 20, 30
    args.flavours = [f for f in args.corpus.split(",") if f]
    unknown = set(args.flavours) - set(make_corpus.FLAVOURS)
    if unknown:
        parser.error(f"--corpus: unknown flavour {sorted(unknown)[0]!r}")
    return args


def bench_corpus(args: argparse.Namespace, flavour: str, work: Path) -> list[Tool]:
    """Every tool on one corpus: cold, unchanged, one edit; the table and the targets."""
    corpus = make_corpus.generate(
        work / "corpus", args.posts, args.events, args.products, flavour=flavour
    )
    tools = setup_tools(work, corpus)
    print(f"== corpus {flavour!r} in {corpus.content}; {os.cpu_count()} CPUs (shared machine)")
    print(f"Load average before: {load_average()}")
    measure(tools, corpus, work)
    print()
    print(format_table(tools, corpus, flavour))
    print()
    print(format_targets(tools))
    print(f"Load average after: {load_average()}")
    if not args.no_breakdown:
        print()
        print(breakdown(tools[0], corpus, work))
    print()
    return tools


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="ra-bench-build-"))
    failed: list[str] = []
    try:
        for flavour in args.flavours:
            tools = bench_corpus(args, flavour, root / flavour)
            failed += [t.name for t in tools if not all(r.ok for r in t.runs.values())]
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
