"""The benchmark scripts still run end to end (tiny sizes; the figures are not judged here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def benchmark(script: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``benchmarks/SCRIPT.py ARGS`` run to its end; it must exit 0."""
    run = subprocess.run(
        [sys.executable, f"benchmarks/{script}.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def skip_without_postgres_and_redis() -> None:
    from tests.support import postgres_unreachable, redis_unreachable

    reason = postgres_unreachable() or redis_unreachable()
    if reason:
        pytest.skip(reason)


def test_the_fanout_benchmark_measures_every_server_and_loses_no_post() -> None:
    servers = ["baseline", "durable", "socket.io", "ours", "ours-pages"]
    if shutil.which("node") is None or shutil.which("npm") is None:
        servers.remove("socket.io")  # the benchmark would skip it too, saying why
    sizes = ["--clients", "4", "--posts", "3", "--warmup", "1"]
    run = benchmark("fanout", *sizes, "--servers", *servers, timeout=240)
    assert "| 4 |" in run.stdout
    for server in ("ours", "baseline", "durable", "socket.io"):
        if server in servers:
            assert f"N=4 {server}: 12 arrivals, 0 missing" in run.stdout, run.stdout
            assert f"| 4 | {server} |" in run.stdout
    # Pages: each post counts at its group's phones, the wall and the console.
    pages = re.search(r"N=4 ours-pages: (\d+) arrivals, 0 missing", run.stdout)
    assert pages is not None and int(pages.group(1)) >= 3 * 2, run.stdout


@pytest.mark.postgres
@pytest.mark.redis
def test_the_fanout_benchmark_measures_ours_on_postgresql_and_redis_beside_sqlite() -> None:
    skip_without_postgres_and_redis()
    sizes = ["--clients", "4", "--posts", "3", "--warmup", "1"]
    run = benchmark("fanout", *sizes, "--servers", "ours", "ours-pg", timeout=240)
    for server in ("ours", "ours-pg"):
        assert f"N=4 {server}: 12 arrivals, 0 missing" in run.stdout, run.stdout


def test_the_console_benchmark_renders_the_console_at_each_size() -> None:
    run = benchmark("console", "--ideas", "5", "20", "--renders", "1", timeout=120)
    assert "| 5 |" in run.stdout and "| 20 |" in run.stdout


def test_the_workshops_benchmark_has_every_post_acknowledged_on_both_servers() -> None:
    sizes = ["--workshops", "2", "--people", "3", "--ideas", "30"]
    run = benchmark("workshops", *sizes, timeout=120)
    for server in ("durable", "ours"):
        row = re.search(rf"^\| {server} \| ([\d,]+) \|.*\| (\d+) \|$", run.stdout, re.MULTILINE)
        assert row is not None and row.group(2) == "0", run.stdout  # none refused


@pytest.mark.postgres
@pytest.mark.redis
def test_the_workers_benchmark_finds_presence_exact_and_every_post_once() -> None:
    skip_without_postgres_and_redis()
    sizes = ["--workers", "2", "--workshops", "2", "--people", "8", "--posts", "8"]
    run = benchmark("workers", *sizes, timeout=180)
    assert "presence: exact" in run.stdout
    assert "exactly once: 0 lost, 0 shown twice, 0 shown where they do not belong" in run.stdout
