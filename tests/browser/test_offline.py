"""Pages that survive bad wifi: a phone reloading while the laptop is out of reach (its network
gone, or the server stopped) shows its page with what it still holds to send, and sends it
once when the connection is back."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from playwright.async_api import Browser, expect

from facilitator.agenda import Programme
from tests.browser.support import facilitate, join, phone, screenshot
from tests.support import LiveServer, ServerSetup, serving, until

pytestmark = pytest.mark.browser

SW_READY = "navigator.serviceWorker.ready.then(() => true)"  # the worker holds the page


async def ideas_on_the_board(server: LiveServer, text: str) -> int:
    link = server.links[1]
    token = link.facilitator.split("token=")[1]
    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.get(f"/w/{link.workshop_id}/board.csv?token={token}")
    return answer.content.decode("utf-8-sig").count(text)


async def test_a_reload_while_offline_shows_the_page_and_its_queued_idea_goes_once_after(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    phases = programme.workshop("staff-day-1").agenda.phases
    work = next(i for i, p in enumerate(phases) if p.kind == "group_work")
    await facilitate(live_server, 1, {"type": "start"}, {"type": "jump", "phase": work})
    context = await phone(browser)
    page = await context.new_page()
    await join(page, live_server.links[1].participant, "Offline Olga")
    await page.wait_for_function(SW_READY, timeout=10_000)
    await page.reload()  # now through the service worker, which keeps the page
    await expect(page.locator("#compose")).to_be_visible()

    await context.set_offline(True)
    await page.fill("#idea-text", "Skrevet uden forbindelse")
    await page.click("#compose button")
    await page.reload()  # the browser's own error page, without the service worker
    await expect(page.locator("#compose")).to_be_attached()
    await expect(page.locator(".connection")).to_be_visible()  # "Genopretter forbindelsen…"
    held = await page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('outbox:'))"
        ".map(k => localStorage.getItem(k)).join('')"
    )
    assert "Skrevet uden forbindelse" in held
    await screenshot(page, "phone-offline-reload")
    assert await ideas_on_the_board(live_server, "Skrevet uden forbindelse") == 0

    await context.set_offline(False)
    await page.evaluate("window.dispatchEvent(new Event('online'))")

    async def arrived() -> bool:
        return await ideas_on_the_board(live_server, "Skrevet uden forbindelse") == 1

    await until(arrived, "the queued idea never arrived")
    await page.reload()
    await expect(page.locator("#board")).to_contain_text("Skrevet uden forbindelse")
    assert await ideas_on_the_board(live_server, "Skrevet uden forbindelse") == 1  # once
    await context.close()


async def test_a_page_never_seen_shows_the_reconnecting_page_while_offline(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await phone(browser)
    page = await context.new_page()
    await join(page, live_server.links[1].participant, "Ny Nina")
    await page.wait_for_function(SW_READY, timeout=10_000)
    await context.set_offline(True)
    await page.goto(f"{live_server.base}/join/NOSUCH")
    await expect(page.locator("h1")).to_have_text("Genopretter forbindelsen…")
    await context.close()


async def test_a_reload_while_the_server_is_stopped_shows_the_page_and_the_idea_goes_once_after(
    browser: Browser, server_setup: ServerSetup, programme: Programme
) -> None:
    server, settings, port = server_setup.server, server_setup.settings, server_setup.port
    phases = programme.workshop("staff-day-1").agenda.phases
    work = next(i for i, p in enumerate(phases) if p.kind == "group_work")
    context = await phone(browser)
    page = await context.new_page()
    async with serving(settings, port):
        await facilitate(server, 1, {"type": "start"}, {"type": "jump", "phase": work})
        await join(page, server.links[1].participant, "Stoppet Stine")
        await page.wait_for_function(SW_READY, timeout=10_000)
        await page.reload()  # now through the service worker, which keeps the page
        await expect(page.locator("#compose")).to_be_visible()

    # The laptop's server is gone (a restart, a crash): the phone goes on and reloads.
    await page.fill("#idea-text", "Skrevet mens serveren var væk")
    await page.click("#compose button")
    await page.reload()
    await expect(page.locator("#compose")).to_be_attached()
    await expect(page.locator(".connection")).to_be_visible()  # "Genopretter forbindelsen…"
    held = await page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('outbox:'))"
        ".map(k => localStorage.getItem(k)).join('')"
    )
    assert "Skrevet mens serveren var væk" in held
    await screenshot(page, "phone-server-stopped-reload")

    async with serving(settings, port):  # the same database, the same port

        async def arrived() -> bool:
            return await ideas_on_the_board(server, "Skrevet mens serveren var væk") == 1

        await until(arrived, "the queued idea never arrived", within=30)
        await page.reload()
        await expect(page.locator("#board")).to_contain_text("Skrevet mens serveren var væk")
        assert await ideas_on_the_board(server, "Skrevet mens serveren var væk") == 1  # once
        await context.close()
