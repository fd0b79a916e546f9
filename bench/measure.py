"""Timing helpers: a new process's wall time and peak RSS, percentiles, machine load."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    wall_s: float
    rss_mib: float
    ok: bool
    output: str


# A small launcher process starts the command and reaps it: on Linux a child's ru_maxrss starts from its
# parent's resident size at fork (kept across exec), so forking straight from this large process would report
# this process's size for any child smaller than it.
_LAUNCHER = """
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.posix_spawn(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as fh:
    fh.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_cold(cmd: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 300.0) -> Run:
    """Start ``cmd`` (via a small launcher), wait for it: wall time to exit with the answer printed, peak RSS."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".rusage") as fh:
        launcher = [sys.executable, "-S", "-I", "-c", _LAUNCHER, fh.name, *cmd]
        try:
            proc = subprocess.run(launcher, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
            wall, rss_kib, code = fh.read().split()
        except (subprocess.TimeoutExpired, ValueError):
            return Run(float("nan"), float("nan"), False, "")
    ok = int(code) == 0 and bool(proc.stdout.strip())
    return Run(float(wall), int(rss_kib) / 1024.0, ok, proc.stdout)


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100), linear between closest ranks."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False
