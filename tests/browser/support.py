"""Helpers for the browser tests: Debian's Chromium, the screens' sizes, joining, axe-core."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, ViewportSize

from facilitator.agenda import Programme
from facilitator.paths import ROOT
from tests.support import JsonClient, LiveServer, until

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHONE = ViewportSize(width=390, height=844)


def chromium_missing() -> str | None:
    """Why the browser tests must skip, if they must."""
    if Path(CHROMIUM).exists():
        return None
    return "Debian's chromium is not installed (apt-get install chromium)"


async def phone(browser: Browser) -> BrowserContext:
    return await browser.new_context(viewport=PHONE, locale="da-DK", has_touch=True)


async def slow_phone(browser: Browser, viewport: ViewportSize = PHONE) -> BrowserContext:
    """A phone whose scripts a test can hold back (``hold_script``): no service worker,
    which would otherwise answer the page's requests itself."""
    return await browser.new_context(viewport=viewport, locale="da-DK", service_workers="block")


async def hold_script(page: Page, name: str) -> Callable[[], Awaitable[None]]:
    """Hold back the page's request for static/``name`` (a slow phone: the page is there,
    its deferred script is not). Returns ``release``, which lets it through once asked for."""
    held: list[Route] = []
    await page.route(re.compile(rf"/{re.escape(name)}\?"), lambda route: held.append(route))

    async def release() -> None:
        await until(lambda: held, f"the page never asked for {name}")
        await held[0].continue_()
        await page.unroute_all()

    return release


async def laptop(browser: Browser, width: int = 1366, height: int = 900) -> BrowserContext:
    viewport = ViewportSize(width=width, height=height)
    return await browser.new_context(viewport=viewport, locale="da-DK")


async def join(page: Page, url: str, name: str, department_index: int = 1) -> None:
    await page.goto(url)
    await page.fill("#name", name)
    await page.select_option("#department", index=department_index)
    await page.click("form button.primary")
    await page.wait_for_url("**/me")


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (./run test installs it with npm)")
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
    # (script-src 'self', no inline script) does not govern, unlike an added <script> tag.
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations: list[dict[str, Any]] = json.loads(result)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's findings at every impact under WCAG 2.1 A and AA, on the page as it is now
    (what Danish law asks of a public body's pages)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (./run test installs it with npm)")
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_AA}})
    result = await page.evaluate(f"async () => JSON.stringify(await axe.run(document, {options}))")
    found: list[dict[str, Any]] = json.loads(result)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in found
    ]


SIZES: dict[str, ViewportSize] = {
    "phone-360": {"width": 360, "height": 780},
    "phone-390": {"width": 390, "height": 844},
    "laptop": {"width": 1280, "height": 800},
    "wall": {"width": 1920, "height": 1080},
    "wall-720": {"width": 1280, "height": 720},
}


async def screenshots(page: Page, name: str, sizes: tuple[str, ...]) -> None:
    """The page at each named size (SIZES), saved as NAME-SIZE.png in test-output/screenshots."""
    for size in sizes:
        await page.set_viewport_size(SIZES[size])
        await screenshot(page, f"{name}-{size}")


# --- the facilitator's side, over HTTP and the JSON socket (docs/api.md §4, §7) ---------------


def token_of(server: LiveServer, link: int) -> str:
    """The facilitator's token of the programme's ``link``-th workshop."""
    return server.links[link].facilitator.split("token=")[1]


def kind_index(programme: Programme, workshop: str, kind: str) -> int:
    """The index of the first phase of ``kind`` in ``workshop``'s agenda."""
    phases = programme.workshop(workshop).agenda.phases
    return next(i for i, p in enumerate(phases) if p.kind == kind)


async def send(server: LiveServer, link: int, token: str, *commands: dict[str, Any]) -> None:
    """Commands over HTTP as whoever ``token`` is, waiting out a 429 as a client should."""
    workshop = server.links[link].workshop_id
    async with httpx.AsyncClient(base_url=server.base) as http:
        for command in commands:
            while True:
                response = await http.post(
                    f"/w/{workshop}/commands",
                    json=command,
                    headers={"authorization": f"Bearer {token}"},
                )
                if response.status_code != 429:
                    break
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            assert response.status_code == 200, (command, response.text)


async def facilitate(server: LiveServer, link: int, *commands: dict[str, Any]) -> None:
    """The facilitator's commands to the ``link``-th workshop."""
    await send(server, link, token_of(server, link), *commands)


async def view_of(server: LiveServer, link: int) -> dict[str, Any]:
    """The workshop as the facilitator's JSON socket shows it (docs/api.md §7)."""
    client = JsonClient(server.base, server.links[link].workshop_id, token_of(server, link))
    await client.connect()
    try:
        await until(lambda: client.snapshots > 0, "no snapshot")
        messages = (json.loads(r) for r in client.raw if r.startswith("{"))
        snapshot = next(m for m in messages if m["type"] == "snapshot")
    finally:
        await client.drop()
    view: dict[str, Any] = snapshot["view"]
    return view
