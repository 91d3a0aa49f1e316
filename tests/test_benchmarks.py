"""The benchmark scripts still run end to end (tiny sizes; the figures are not judged here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_the_fanout_benchmark_measures_both_servers_and_loses_no_post() -> None:
    run = subprocess.run(
        [sys.executable, "benchmarks/fanout.py", "--clients", "4", "--posts", "3", "--warmup", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "| 4 |" in run.stdout
    assert "N=4 ours: 12 arrivals, 0 missing" in run.stdout
    assert "N=4 baseline: 12 arrivals, 0 missing" in run.stdout


def test_the_console_benchmark_renders_the_console_at_each_size() -> None:
    run = subprocess.run(
        [sys.executable, "benchmarks/console.py", "--ideas", "5", "20", "--renders", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "| 5 |" in run.stdout and "| 20 |" in run.stdout
