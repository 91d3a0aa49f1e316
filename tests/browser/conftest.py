"""Playwright driving Debian's Chromium (never a downloaded browser), plus axe-core."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from facilitator.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


_MISSING = None if Path(CHROMIUM).exists() else "Debian's chromium is not installed"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if _MISSING:
        pytest.skip(f"{_MISSING} (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        await browser.close()


async def phone(browser: Browser) -> BrowserContext:
    return await browser.new_context(viewport=PHONE, locale="da-DK", has_touch=True)


async def laptop(browser: Browser, width: int = 1366, height: int = 900) -> BrowserContext:
    return await browser.new_context(viewport={"width": width, "height": height}, locale="da-DK")


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
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations: list[dict[str, Any]] = json.loads(result)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
