"""A killed server loses nothing: same phase, same pause state, same time left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from facilitator.agenda import Programme
from facilitator.clock import system_clock
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import create_programme
from tests.support import free_port, healthy, until_blocking

pytestmark = pytest.mark.slow


@contextmanager
def server(database_url: str, data_dir: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "FACILITATOR_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "facilitator.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:  # or gone
            return healthy(base) or process.poll() is not None

        until_blocking(up, "the server did not come up", within=20)
        assert process.poll() is None, f"the server on port {port} exited: {process.returncode}"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def command(base: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{base}/commands?token={token}", json=body, timeout=5)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def state(base: str, token: str) -> dict[str, Any]:
    result: dict[str, Any] = httpx.get(f"{base}/state?token={token}", timeout=5).json()
    return result


@pytest.mark.parametrize("pause", [True, False], ids=["paused", "running"])
def test_sigkill_and_restart_restores_phase_pause_and_time_left(
    database_url: str, programme: Programme, tmp_path: Path, pause: bool
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    day1 = create_programme(engine, programme, clock=system_clock, base_url="")[1]
    engine.dispose()
    token = day1.facilitator.split("token=")[1]
    port = free_port()
    base = f"http://127.0.0.1:{port}/w/{day1.workshop_id}"

    with server(database_url, tmp_path, port) as process:
        for body in ({"type": "start"}, {"type": "next"}, {"type": "extend", "minutes": 5}):
            command(base, token, body)
        if pause:
            command(base, token, {"type": "pause"})
        before = state(base, token)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    killed_at = datetime.fromisoformat(before["server_now"])

    with server(database_url, tmp_path, port):
        after = state(base, token)

    assert (after["status"], after["phase"], after["seq"]) == (
        before["status"],
        before["phase"],
        before["seq"],
    )
    assert after["deadline"] == before["deadline"]
    elapsed = (datetime.fromisoformat(after["server_now"]) - killed_at).total_seconds()
    expected = before["time_left"] if pause else before["time_left"] - elapsed
    assert abs(after["time_left"] - expected) <= 1
