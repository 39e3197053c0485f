"""Load generators written in C, and the figures they give: wrk for HTTP, pgbench for SQL.

A Python client on a 2-core machine tops out below what one server process answers, so a
ratio measured with it compares the client with itself. Here every HTTP figure comes from
``wrk`` (Debian package; installed with apt-get when missing and we may) and every SQL
yardstick from ``pgbench`` (PostgreSQL's client), with the same connections and duration.

- :func:`raw_request` / :func:`write_requests`: ready HTTP/1.1 requests in a file that
  ``bench/requests.lua`` cycles through (distinct requests per wrk thread);
- :func:`run_wrk`, :func:`run_pgbench`: one figure each (rate, p50, p99, errors);
- :func:`alternate`: yardstick and measured figure in A B B A order, so a load that drifts
  during the run weighs on both alike.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
LUA = HERE / "requests.lua"
OUT = HERE / "out"
WRK_THREADS = 2


class BenchError(RuntimeError):
    """A load generator is missing or failed."""


# -- the tools --------------------------------------------------------------------------------


def find_wrk() -> str:
    """The wrk binary: on PATH, else installed from Debian (as root, or with sudo -n)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise BenchError("wrk is not installed and there is no apt-get to install it")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print("wrk is missing: installing the Debian package wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([*prefix, apt, "update", "-q"], [*prefix, apt, "install", "-y", "-q", "wrk"]):
        subprocess.run(command, check=False, env=env, timeout=600)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("could not install wrk (apt-get install wrk)")
    return found


def find_pgbench() -> str:
    found = shutil.which("pgbench") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if not found:
        raise BenchError("pgbench is missing (Debian package postgresql-client)")
    return found


# -- figures ----------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured rate with its latency percentiles, from one or more runs."""

    name: str
    tool: str
    count: int = 0
    seconds: float = 0.0
    errors: int = 0
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    source: Path | None = None
    """The SQL file (pgbench) or requests file (wrk) that produced it, for a rerun."""

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        """Median of the runs' medians, in ms."""
        return statistics.median(self.p50s) if self.p50s else float("nan")

    @property
    def p99(self) -> float:
        """The worst run's 99th percentile, in ms."""
        return max(self.p99s) if self.p99s else float("nan")

    def add(self, other: Figure) -> None:
        self.count += other.count
        self.seconds += other.seconds
        self.errors += other.errors
        self.p50s += other.p50s
        self.p99s += other.p99s
        self.source = self.source or other.source

    def line(self) -> str:
        return (
            f"  {self.name:34} {self.rate:9,.0f}/s  p50 {self.p50:7.1f} ms  "
            f"p99 {self.p99:7.1f} ms  errors {self.errors}  [{self.tool}]"
        )


# -- wrk --------------------------------------------------------------------------------------


def raw_request(
    method: str, url: str, headers: Mapping[str, str] | None = None, body: bytes = b""
) -> bytes:
    """One HTTP/1.1 keep-alive request, byte for byte as wrk will send it."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def write_requests(path: Path, requests: Sequence[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        for request in requests:
            out.write(b"%d\n" % len(request))
            out.write(request)
    return path


def run_wrk(name: str, url: str, requests_file: Path, connections: int, seconds: float) -> Figure:
    """wrk against ``url`` (its host:port), cycling through ``requests_file``. Responses with
    a status of 400 or more count as errors, as do socket errors and timeouts."""
    threads = min(WRK_THREADS, connections)
    env = {**os.environ, "WRK_REQUESTS": str(requests_file), "WRK_THREADS": str(threads)}
    command = [
        find_wrk(),
        *("-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"),
        *("--timeout", "10s", "-s", str(LUA), url),
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    match = re.search(r"^WRKJSON (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode or not match:
        raise BenchError(f"wrk failed ({done.returncode}): {(done.stdout + done.stderr)[-1500:]}")
    data = json.loads(match.group(1))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Figure(
        name,
        "wrk",
        count=data["requests"] - data["status"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50s=[data["p50_us"] / 1000],
        p99s=[data["p99_us"] / 1000],
        source=requests_file,
    )


# -- pgbench ----------------------------------------------------------------------------------


def run_pgbench(name: str, dsn: str, sql_file: Path, connections: int, seconds: float) -> Figure:
    """pgbench running ``sql_file`` as one transaction per run of the script, with prepared
    statements (as asyncpg uses them), against the database of ``dsn``."""
    parts = urlsplit(dsn)
    with tempfile.TemporaryDirectory(prefix="pgbench-") as logs:
        command = [
            find_pgbench(),
            *("-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)),
            *("-U", parts.username or "postgres", "-n", "-M", "prepared"),
            *(
                "-c",
                str(connections),
                "-j",
                str(min(WRK_THREADS, connections)),
                "-T",
                str(max(1, round(seconds))),
            ),
            *("-f", str(sql_file), "-l", "--log-prefix", f"{logs}/tx"),
            parts.path.lstrip("/"),
        ]
        env = {**os.environ}
        if parts.password:
            env["PGPASSWORD"] = parts.password
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
        if done.returncode:
            raise BenchError(
                f"pgbench failed ({done.returncode}): {(done.stdout + done.stderr)[-1500:]}"
            )
        latencies = sorted(
            int(line.split()[2]) / 1000
            for log in Path(logs).glob("tx*")
            for line in log.read_text().splitlines()
            if line.strip()
        )
    processed = re.search(r"number of transactions actually processed: (\d+)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    if not (processed and tps):
        raise BenchError(f"pgbench said nothing usable: {done.stdout}{done.stderr}")
    count = int(processed.group(1))
    return Figure(
        name,
        "pgbench",
        count=count,
        seconds=count / float(tps.group(1)) if float(tps.group(1)) else 0.0,
        errors=int(failed.group(1)) if failed else 0,
        p50s=[_percentile(latencies, 50)],
        p99s=[_percentile(latencies, 99)],
        source=sql_file,
    )


def _percentile(values: Sequence[float], q: int) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


# -- comparing --------------------------------------------------------------------------------


def alternate(
    yardstick: Callable[[], Figure], measured: Callable[[], Figure], rounds: int
) -> tuple[Figure, Figure]:
    """Run both ``rounds`` times in A B B A order and merge each side's runs."""
    sides: list[Figure | None] = [None, None]
    for number in range(rounds):
        order = (0, 1) if number % 2 == 0 else (1, 0)
        for side in order:
            figure = (yardstick, measured)[side]()
            if sides[side] is None:
                sides[side] = figure
            else:
                sides[side].add(figure)  # type: ignore[union-attr]
    assert sides[0] is not None and sides[1] is not None
    return sides[0], sides[1]


@dataclass
class Verdict:
    label: str
    ratio: float
    target: float

    @property
    def met(self) -> bool:
        return self.ratio >= self.target

    def line(self) -> str:
        word = "met" if self.met else "MISSED"
        return (
            f"  => {self.label}: {self.ratio:.2f} of its yardstick "
            f"(target >= {self.target}: {word})"
        )


def compare(label: str, yardstick: Figure, measured: Figure, target: float) -> Verdict:
    """Print both figures, where the yardstick's SQL is, and the ratio against the target."""
    print(yardstick.line())
    print(measured.line())
    if yardstick.tool == "pgbench" and yardstick.source is not None:
        print(f"     yardstick SQL: {yardstick.source}")
    verdict = Verdict(label, measured.rate / yardstick.rate if yardstick.rate else 0.0, target)
    print(verdict.line())
    return verdict


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- server CPU per request ------------------------------------------------------------------


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time a process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


@dataclass
class Metered:
    """Requests answered and the CPU time the server process spent answering them."""

    count: int = 0
    user: float = 0.0
    system: float = 0.0

    def line(self) -> str:
        """CPU per answered request, and the rate that cost allows on one whole core: unlike
        the rate, it hardly moves with the machine's load."""
        if not self.count:
            return "     server CPU: no request answered"
        user, system = self.user / self.count, self.system / self.count
        return (
            f"     server CPU {(user + system) * 1e6:,.0f} us per request (user {user * 1e6:,.0f}"
            f", system {system * 1e6:,.0f}): one whole core would answer "
            f"{1 / (user + system):,.0f}/s"
        )


def metered(pid: int, run: Callable[[], Figure], into: Metered) -> Figure:
    """Run ``run`` and charge the server's CPU time during it to ``into``."""
    user, system = cpu_seconds(pid)
    figure = run()
    after = cpu_seconds(pid)
    into.count += figure.count
    into.user += after[0] - user
    into.system += after[1] - system
    return figure


# -- profiles ---------------------------------------------------------------------------------


def start_profile(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy sampling ``pid`` for ``seconds`` into ``out`` (collapsed stacks); None if
    py-spy is not installed (``pip install py-spy``)."""
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        print("     (py-spy is not installed: no profile)")
        return None
    return subprocess.Popen(
        [
            spy,
            "record",
            "-p",
            str(pid),
            "-d",
            str(max(1, round(seconds))),
            "-f",
            "raw",
            "-o",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


#: Where the time goes, by the package a stack passes through (a stack can count for several).
PROFILE_GROUPS = {
    "SQLAlchemy ORM": "sqlalchemy/orm/",
    "SQLAlchemy Core/engine": "sqlalchemy/engine/",
    "SQLAlchemy SQL compiler": "sqlalchemy/sql/",
    "asyncpg": "asyncpg/",
    "Litestar": "litestar/",
    "msgspec": "msgspec/",
    "uvicorn": "uvicorn/",
    "h11 (pure-Python HTTP)": "h11/",
    "signatures (verify)": "signatures/",
    "cryptography": "cryptography/",
    "json": "json/",
    "our code": "_api/|federation_server/",
}


def summarize_profile(path: Path, top: int = 8) -> list[str]:
    """Share of samples per package group, and the ``top`` busiest functions of ours."""
    if not path.is_file():
        return ["     (no profile written)"]
    total = 0
    groups = dict.fromkeys(PROFILE_GROUPS, 0)
    ours: dict[str, int] = {}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [f for f in stack.split(";") if "__main__.py" not in f]
        for name, marker in PROFILE_GROUPS.items():
            if any(part in f for f in frames for part in marker.split("|")):
                groups[name] += samples
        seen = set()
        for frame in stack.split(";"):
            mine = "_api/" in frame or "federation_server/" in frame
            if mine and "__main__.py" not in frame and frame not in seen:
                seen.add(frame)
                ours[frame] = ours.get(frame, 0) + samples
    if not total:
        return ["     (empty profile)"]
    shares = ", ".join(
        f"{name} {count / total:.0%}" for name, count in groups.items() if count / total >= 0.02
    )
    lines = [f"     profile ({total} samples, {path}): {shares}"]
    for frame, count in sorted(ours.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"       {count / total:4.0%}  {frame}")
    return lines
