"""Playwright driving Debian's Chromium (never a downloaded browser); helpers in support.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from tests.browser.support import CHROMIUM, chromium_missing


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    missing = chromium_missing()
    if missing:
        pytest.skip(missing)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        await browser.close()
