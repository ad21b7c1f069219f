"""Run a command as a child process: wall seconds and that child's own peak RSS."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
NEWSAUDIO = ROOT / ".venv" / "bin" / "newsaudio"  # not `uv run`: it adds its own start-up
SAMPLE = ROOT / "examples" / "kursk-ar.txt"


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    peak_mb: float
    stderr: str


def run(command: Sequence[str | os.PathLike[str]], env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to completion; fail loudly if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [str(c) for c in command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    stderr = child.stderr.read().decode() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)  # this child's rusage alone
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{command[0]} failed ({child.returncode}):\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, stderr)  # ru_maxrss is in KiB on Linux
