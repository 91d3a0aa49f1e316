"""A real server on a loopback port in the test's own event loop, for websocket clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from facilitator.agenda import Programme
from facilitator.programme import WorkshopLinks, create_programme
from facilitator.settings import Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.web.app import create_app


@dataclass
class LiveServer:
    base: str
    ws: str
    links: list[WorkshopLinks]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def live_server(
    sqlite_url: str, programme: Programme, tmp_path: Path
) -> AsyncIterator[LiveServer]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    from facilitator.clock import system_clock

    links = create_programme(engine, programme, clock=system_clock, base_url="")
    engine.dispose()
    port = _free_port()
    app = create_app(Settings(database_url=sqlite_url, data_dir=tmp_path))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        log_level="warning",
        ws_per_message_deflate=False,
        ws_max_size=64 * 1024,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to await)
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", links)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
