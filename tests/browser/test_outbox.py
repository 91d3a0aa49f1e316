"""Nothing typed is lost on the pages: the outbox, morphing and the home reflection, in a real
browser (static/app.js).

Each command form goes through the page's outbox: sent once per connection, kept until it is
answered, retried after a refusal for rate, and a late answer never overwrites a field the
person has changed since. The figures of the two-leader test (frames per command, refusals
for rate, time) land in test-output/outbox-figures.json.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    WebSocket,
    WebSocketRoute,
    expect,
)

from facilitator.agenda import Programme
from facilitator.paths import ROOT
from tests.browser.support import (
    facilitate,
    hold_script,
    join,
    kind_index,
    phone,
    screenshot,
    serious_violations,
    slow_phone,
    token_of,
    view_of,
)
from tests.support import LiveServer, record_figures

pytestmark = pytest.mark.browser

LAPTOP = ViewportSize(width=1280, height=800)
PHONE_390 = ViewportSize(width=390, height=844)
PHONE_360 = ViewportSize(width=360, height=780)
FIGURES = ROOT / "test-output" / "outbox-figures.json"
# How many commands the page's outbox (in localStorage) still holds.
UNSENT = """Object.keys(localStorage)
    .filter((key) => key.startsWith("outbox:"))
    .reduce((sum, key) => sum + JSON.parse(localStorage.getItem(key)).length, 0)"""


# --- helpers ----------------------------------------------------------------------------------


def index(programme: Programme, workshop: str, key: str) -> int:
    phases = programme.workshop(workshop).agenda.phases
    return next(i for i, p in enumerate(phases) if p.key == key)


@dataclass
class Frames:
    """What one page's websockets carried: each command's sends, and the refusals."""

    sockets: int = 0
    sent: Counter[str] = field(default_factory=Counter)  # client_id → frames sent
    first_sent: list[float] = field(default_factory=list)  # when each command first went
    rate_limited: int = 0
    refusals: list[dict[str, Any]] = field(default_factory=list)
    acks: int = 0


def watch(page: Page) -> Frames:
    frames = Frames()

    def on_socket(socket: WebSocket) -> None:
        frames.sockets += 1

        def sent(payload: str | bytes) -> None:
            if isinstance(payload, str) and payload.startswith("{"):
                message = json.loads(payload)
                if message.get("client_id"):
                    if not frames.sent[message["client_id"]]:
                        frames.first_sent.append(time.monotonic())
                    frames.sent[message["client_id"]] += 1

        def received(payload: str | bytes) -> None:
            if not (isinstance(payload, str) and payload.startswith("{")):
                return
            message = json.loads(payload)
            if message.get("type") == "ack":
                frames.acks += 1
            elif message.get("type") == "refused" and message.get("code") == "rate_limited":
                frames.rate_limited += 1
            elif message.get("type") == "refused":
                frames.refusals.append(message)

        socket.on("framesent", sent)
        socket.on("framereceived", received)

    page.on("websocket", on_socket)
    return frames


def peak(times: list[float], window: float) -> int:
    """The most commands sent within any ``window`` seconds."""
    times = sorted(times)
    start, most = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > window:
            start += 1
        most = max(most, end - start + 1)
    return most


def csp_errors(page: Page) -> list[str]:
    """Console errors about the Content-Security-Policy (none may appear)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return errors


async def throttle(page: Page, rate: float) -> None:
    if rate > 1:
        session = await page.context.new_cdp_session(page)
        await session.send("Emulation.setCPUThrottlingRate", {"rate": rate})


async def drained(*pages: Page, within: float = 60) -> None:
    for page in pages:
        await page.wait_for_function(f"() => ({UNSENT}) === 0", timeout=within * 1000)


async def leader_page(
    browser: Browser, server: LiveServer, name: str, dept: int
) -> tuple[Page, Frames, list[str]]:
    context = await browser.new_context(viewport=LAPTOP, locale="da-DK")
    page = await context.new_page()
    frames, problems = watch(page), csp_errors(page)
    await join(page, f"{server.base}/join/{server.links[2].leader_code}", name, dept)
    return page, frames, problems


async def delay_answers(context: BrowserContext, seconds: float) -> None:
    """Every message from the server reaches the pages of ``context`` ``seconds`` late, in
    order (a slow network or a busy server); what the pages send goes at once."""

    async def route(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        queue: asyncio.Queue[tuple[float, str | bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, message = await queue.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                try:
                    socket.send(message)
                except Exception:
                    return  # the page went

        task = asyncio.ensure_future(deliver())
        server.on_message(lambda m: queue.put_nowait((time.monotonic() + seconds, m)))
        server.on_close(lambda code, reason: task.cancel())

    await context.route_web_socket("**/ws", route)


# --- (a) two leaders, 40 entries, as fast as Playwright can click -----------------------------

VERDICTS = ("start_now", "city_council", "await")


@pytest.mark.parametrize("cpu", [1, 4], ids=["cpu1x", "cpu4x"])
async def test_two_leaders_triaging_forty_entries_at_full_speed_lose_no_field(
    browser: Browser, live_server: LiveServer, programme: Programme, cpu: float
) -> None:
    ideas = [{"type": "post_idea", "text": f"Forslag nummer {n}"} for n in range(40)]
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        *ideas,
        {"type": "end"},
    )
    first, frames_a, problems_a = await leader_page(browser, live_server, "Leder A", 1)
    second, frames_b, problems_b = await leader_page(browser, live_server, "Leder B", 2)
    frames, problems = {"A": frames_a, "B": frames_b}, {"A": problems_a, "B": problems_b}
    await facilitate(
        live_server,
        2,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    for page in (first, second):
        await expect(page.locator("#catalogue li.entry")).to_have_count(40)
        await throttle(page, cpu)
    entries: list[str] = await first.eval_on_selector_all(
        "#catalogue li.entry", "items => items.map(li => li.dataset.entry)"
    )
    owners: list[str] = await first.eval_on_selector_all(
        f"#owner-{entries[0].replace(':', '-')} option", "os => os.map(o => o.value)"
    )
    owners = [o for o in owners if o]

    def expected(n: int) -> dict[str, Any]:
        return {
            "verdict": VERDICTS[n % 3],
            "priority": n + 1,
            "owner": owners[n % len(owners)],
            "timeline": f"2027-{n % 12 + 1:02d}",
            "rationale": f"Begrundelse {n}: kan gøres med de folk vi har",
        }

    async def leader_a() -> None:  # the decision: verdict, priority, owner
        for n, entry in enumerate(entries):
            slug, want = entry.replace(":", "-"), expected(n)
            await first.click(f"#entry-{slug} > details > summary")  # an entry opens to be judged
            await first.select_option(f"#verdict-{slug}", want["verdict"])
            await first.fill(f"#priority-{slug}", str(want["priority"]))
            await first.select_option(f"#owner-{slug}", want["owner"])
            await first.click(f"#entry-{slug} button.primary")

    async def leader_b() -> None:  # the same entries at the same time: timeline, rationale
        for n, entry in enumerate(entries):
            slug, want = entry.replace(":", "-"), expected(n)
            await second.click(f"#entry-{slug} > details > summary")
            await second.fill(f"#timeline-{slug}", want["timeline"])
            await second.fill(f"#rationale-{slug}", want["rationale"])
            await second.click(f"#entry-{slug} button.primary")

    started = time.monotonic()
    await asyncio.gather(leader_a(), leader_b())
    clicked = time.monotonic() - started
    await drained(first, second)
    settled = time.monotonic() - started

    # Every value each leader set is stored, once.
    view = await view_of(live_server, 2)
    stored = {e["id"]: e for e in view["catalogue"]["entries"]}
    for n, entry in enumerate(entries):
        for name, value in expected(n).items():
            assert stored[entry][name] == value, (n, name, stored[entry])
        assert len(stored[entry]["history"]) == 5, stored[entry]["history"]
    # And both screens show it: no late answer put an old value back.
    for page in (first, second):
        shown = await page.eval_on_selector_all(
            "#catalogue form.triage",
            """forms => forms.map(f => [f.dataset.entry,
                Object.fromEntries(["verdict", "priority", "owner", "timeline", "rationale"]
                    .map(n => [n, f.elements[n].value]))])""",
        )
        for entry, values in shown:
            n = entries.index(entry)
            assert values == {k: str(v) for k, v in expected(n).items()}, (n, values)
    assert await first.locator(".refusal").count() == 0
    assert await second.locator(".refusal").count() == 0

    figures: dict[str, Any] = {"cpu_throttling": cpu, "entries": len(entries)}
    for name, seen in frames.items():
        commands = len(seen.sent)
        sent = sum(seen.sent.values())
        assert seen.refusals == [], seen.refusals
        assert problems[name] == [], problems[name]
        if seen.sockets == 1:  # no reconnect: once per command, plus one per refusal for rate
            assert sent == commands + seen.rate_limited, (sent, commands, seen.rate_limited)
        figures[name] = {
            "commands": commands,
            "frames_sent": sent,
            "frames_per_command": round(sent / commands, 3),
            "rate_limited": seen.rate_limited,
            "sockets": seen.sockets,
            "peak_in_1s": peak(seen.first_sent, 1.0),
            "peak_in_3s": peak(seen.first_sent, 3.0),
            "mean_per_second": round(commands / clicked, 2),
        }
    figures |= {"seconds_clicking": round(clicked, 2), "seconds_until_stored": round(settled, 2)}
    assert figures["A"]["commands"] == 3 * 40 and figures["B"]["commands"] == 2 * 40
    record(f"two_leaders_cpu{cpu:g}x", figures)
    await screenshot(second, f"outbox-triage-cpu{cpu:g}x")


def record(name: str, figures: dict[str, Any]) -> None:
    record_figures(FIGURES, name, figures)


# --- (b) the console: themes set quickly while the answers come late --------------------------


async def test_late_answers_never_reset_a_theme_the_facilitator_changed_since(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        *({"type": "post_idea", "text": f"Idé {n}"} for n in range(6)),
        *({"type": "create_theme", "name": name} for name in ("Adgang", "Svartider", "Kontakt")),
    )
    context = await browser.new_context(viewport=LAPTOP, locale="da-DK")
    await delay_answers(context, 0.4)
    page = await context.new_page()
    problems = csp_errors(page)
    await page.goto(day1.facilitator)
    await expect(page.locator("#moderation li.idea")).to_have_count(6)
    await throttle(page, 4)
    view = await view_of(live_server, 1)
    themes = [t["id"] for t in view["themes"]]
    ideas = [i["id"] for i in view["ideas"]]

    # Each idea changes theme three times, quickly (tick it, choose the theme, Move), while
    # the answers, and the fragments that show them, arrive 0.4 s late.
    chosen: dict[str, str] = {}  # idea → the theme last sent
    for n, idea in enumerate(ideas):
        for pick in (themes[1], themes[2], themes[n % 3]):
            await page.check(f"#pick-{idea}")
            await page.select_option("#bulk-theme", pick)
            await page.click("#bulk button")
            chosen[idea] = pick
    # Changed after sending, and not sent: the late answers must leave it alone.
    await page.check(f"#pick-{ideas[0]}")
    await page.select_option("#bulk-theme", themes[2])
    await drained(page)
    await page.wait_for_timeout(1000)  # the last late fragments have arrived and are morphed
    await expect(page.locator(f"#pick-{ideas[0]}")).to_be_checked()
    await expect(page.locator("#bulk-theme")).to_have_value(themes[2])
    for idea in ideas:
        await expect(page.locator(f"#mod-{idea}")).to_have_attribute("data-theme", chosen[idea])
        await expect(page.locator(f"#section-{chosen[idea]} #mod-{idea}")).to_have_count(1)
    stored = {i["id"]: i["theme"] for i in (await view_of(live_server, 1))["ideas"]}
    assert stored == chosen
    assert problems == []


# --- (c) a refusal for rate is retried, never dropped ----------------------------------------


@pytest.fixture
def slow_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each socket may send 2 commands a second, in bursts of 3 (read by Settings)."""
    monkeypatch.setenv("FACILITATOR_LIMITS__COMMAND_RATE", "2")
    monkeypatch.setenv("FACILITATOR_LIMITS__COMMAND_BURST", "3")


@pytest.fixture
def slow_server(slow_limits: None, live_server: LiveServer) -> LiveServer:
    """A live server made after ``slow_limits`` (a fixture's arguments are made in order)."""
    return live_server


async def test_commands_refused_for_rate_are_retried_and_applied(
    browser: Browser, slow_server: LiveServer, programme: Programme
) -> None:
    day1 = slow_server.links[1]
    await facilitate(
        slow_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
    )
    page = await (await phone(browser)).new_page()
    frames = watch(page)
    await join(page, day1.participant, "Hurtige Hanne")
    await expect(page.locator("#compose")).to_be_visible()
    texts = [f"Hurtig idé {n}" for n in range(12)]
    for text in texts:
        await page.fill("#idea-text", text)
        await page.click("#compose button")
    await drained(page, within=90)
    await expect(page.locator("#board .idea")).to_have_count(len(texts))
    stored = [i["text"] for i in (await view_of(slow_server, 1))["ideas"]]
    assert sorted(stored) == sorted(texts)  # each once: none dropped, none twice
    assert frames.rate_limited > 0, "the burst never met the limit"
    assert frames.refusals == []
    await expect(page.locator("#flash")).to_be_empty()
    record(
        "burst_at_2_per_second",
        {
            "commands": len(frames.sent),
            "rate_limited": frames.rate_limited,
            "frames_sent": sum(frames.sent.values()),
        },
    )


async def time_left(server: LiveServer) -> float:
    link = server.links[1]
    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.get(f"/w/{link.workshop_id}/state?token={token_of(server, 1)}")
    left: float = answer.json()["time_left"]
    return left


async def test_the_facilitators_burst_of_clicks_is_retried_until_every_one_is_applied(
    browser: Browser, slow_server: LiveServer
) -> None:
    page = await (await browser.new_context(viewport=LAPTOP, locale="da-DK")).new_page()
    frames = watch(page)
    await page.goto(slow_server.links[1].facilitator)
    await page.click("#live button[value=start]")
    await expect(page.locator("#live button[value=pause]")).to_be_visible()
    await page.click("#live button[value=pause]")  # the clock stands while the test clicks
    await expect(page.locator("#live button[value=resume]")).to_be_visible()
    before = await time_left(slow_server)
    for _ in range(8):
        await page.click("#live button[value=extend]")
    await drained(page, within=90)
    assert frames.rate_limited > 0, "the burst never met the limit"
    assert frames.refusals == []
    assert await time_left(slow_server) == pytest.approx(before + 8 * 5 * 60, abs=0.01)


# --- (d) the home reflection: a draft left on the phone is sent when the page opens ----------


async def open_reflection(page: Page, workshop_id: str) -> None:
    await page.goto(page.url.split("/w/")[0] + f"/w/{workshop_id}/reflection")
    await expect(page.locator("#reflection-text")).to_be_visible()


async def test_a_reflection_typed_before_the_pages_script_has_loaded_is_saved(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    context = await slow_phone(browser)
    page = await context.new_page()
    await join(page, day1.participant, "Hurtige Hanne")
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": kind_index(programme, "staff-day-1", "home_reflection")},
    )
    await expect(page.locator("#phase a.button")).to_be_visible()
    release = await hold_script(page, "reflection.js")
    # Deferred scripts hold back "load": the page is there once it commits.
    await page.goto(
        page.url.split("/w/")[0] + f"/w/{day1.workshop_id}/reflection", wait_until="commit"
    )
    await page.locator("#reflection-text").fill("Skrevet før siden var helt klar.")
    await release()
    status = page.locator("form.reflection .status")
    await expect(status).to_have_text(SAVED_AT)
    await page.reload()  # the server's text now
    await expect(page.locator("#reflection-text")).to_have_value("Skrevet før siden var helt klar.")
    await context.close()


async def test_a_reflection_draft_left_on_the_phone_is_sent_when_the_page_opens_again(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    context = await phone(browser)
    page = await context.new_page()
    problems = csp_errors(page)
    await join(page, day1.participant, "Reflekterende Rikke")
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": kind_index(programme, "staff-day-1", "home_reflection")},
    )
    await expect(page.locator("#phase a.button")).to_be_visible()
    await open_reflection(page, day1.workshop_id)
    status = page.locator("form.reflection .status")
    await expect(status).to_have_text("Ikke gemt endnu")  # never saved: no "last saved"
    area = page.locator("#reflection-text")
    await area.fill("Første sætning.")
    await expect(status).to_have_text(SAVED_AT)
    # The network goes; the last sentence is typed and kept only on the phone. (The requests are
    # cut rather than the context set offline: Chromium lets a keepalive request out regardless.)
    await page.route("**/r/*", lambda route: route.abort("internetdisconnected"))
    await area.fill("Første sætning. Den sidste sætning.")
    await expect(status).to_contain_text("Gemt på telefonen")
    address = page.url
    # The browser is killed before it was ever saved: no last try as the page hides.
    await page.evaluate(
        "document.addEventListener('visibilitychange',"
        " (event) => event.stopImmediatePropagation(), true)"
    )
    await page.close()

    again = await context.new_page()
    problems += csp_errors(again)
    await again.goto(address)
    await expect(again.locator("#reflection-text")).to_have_value(
        "Første sætning. Den sidste sætning."
    )
    await expect(again.locator("form.reflection .status")).to_have_text(SAVED_AT)
    backups = await again.evaluate(
        "Object.keys(localStorage).filter((k) => k.startsWith('reflection:')).length"
    )
    assert backups == 0
    await again.reload()  # the server's text now, nothing from the phone
    await expect(again.locator("#reflection-text")).to_have_value(
        "Første sætning. Den sidste sætning."
    )
    await expect(again.locator("form.reflection .status")).to_contain_text("Sidst gemt")
    assert problems == []


SAVED_AT = re.compile(r"^Gemt kl\. \d\d\.\d\d$")


# --- (e) focus stays on the control that was pressed -------------------------------------------


async def focused(page: Page) -> dict[str, Any]:
    answer: dict[str, Any] = await page.evaluate(
        """() => { const el = document.activeElement;
            const region = el.closest("[hx-swap-oob]");
            return {tag: el.tagName, value: el.value || "", text: el.textContent.trim(),
                    region: region ? region.id : null}; }"""
    )
    return answer


async def test_focus_stays_on_the_pressed_control_after_the_fragment_comes_back(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang"},
    )
    page = await (await browser.new_context(viewport=LAPTOP, locale="da-DK")).new_page()
    await page.goto(live_server.links[1].facilitator)
    assert await serious_violations(page) == []
    # By keyboard: the pause button becomes the resume button, and keeps the focus.
    await page.focus("#live button[value=pause]")
    await page.keyboard.press("Enter")
    await expect(page.locator("#live button[value=resume]")).to_be_visible()
    await page.wait_for_function(f"() => ({UNSENT}) === 0")
    assert await focused(page) == {
        "tag": "BUTTON",
        "value": "resume",
        "text": "Fortsæt",
        "region": "live",
    }
    await page.keyboard.press("Enter")
    await expect(page.locator("#live button[value=pause]")).to_be_visible()
    assert (await focused(page))["value"] == "pause"
    # +5 min stays itself.
    await page.focus("#live button[value=extend]")
    await page.keyboard.press("Enter")
    await page.wait_for_function(f"() => ({UNSENT}) === 0")
    assert (await focused(page))["value"] == "extend"
    # Hide turns into Show on the same idea, focused.
    await page.click("#moderation button[value=hide_idea]")
    await expect(page.locator("#moderation button[value=unhide_idea]")).to_be_visible()
    assert (await focused(page))["value"] == "unhide_idea"


# --- a refusal is shown beside the control, and in the alert region -----------------------------


async def test_a_refusal_is_shown_beside_its_control_and_cleared_by_the_next_success(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang"},
    )
    page = await (await browser.new_context(viewport=LAPTOP, locale="da-DK")).new_page()
    await page.goto(live_server.links[1].facilitator)
    idea = page.locator("#moderation li.idea").first
    await idea.locator("button[data-edit]").click()  # the console's one shared edit dialog
    dialog = page.locator("#idea-dialog")
    await page.fill("#edit-text", "   ")
    await page.click("#edit-form button")
    note = page.locator("#edit-form .refusal")
    await expect(note).to_be_visible()
    said = page.locator("#flash, #announcer").filter(has_text=await note.inner_text())
    await expect(said).to_have_count(1)  # said aloud too
    # The refused text stays in the field to be mended; the dialog stays open through updates.
    await facilitate(live_server, 1, {"type": "post_idea", "text": "Kortere svartider"})
    await expect(page.locator("#moderation li.idea")).to_have_count(2)
    await expect(note).to_be_visible()
    await expect(dialog).to_be_visible()
    await expect(page.locator("#edit-text")).to_have_value("   ")
    await screenshot(page, "outbox-console-refusal")
    await page.fill("#edit-text", "Én indgang for alle")
    await page.click("#edit-form button")
    await expect(note).to_have_count(0)
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#flash")).to_be_empty()
    assert await serious_violations(page) == []


# --- the screens this changed, in both languages, on a laptop and two phones -----------------

SIZES = {"laptop": LAPTOP, "phone390": PHONE_390, "phone360": PHONE_360}
LOCALES = {"da": "da-DK", "en": "en-GB"}


async def context_for(browser: Browser, size: str, lang: str) -> BrowserContext:
    return await browser.new_context(
        viewport=SIZES[size], locale=LOCALES[lang], has_touch=size != "laptop"
    )


async def test_the_changed_screens_in_both_languages_on_a_laptop_and_two_phones(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang for virksomheder"},
        {"type": "post_idea", "text": "Fast kontaktperson i byggesager"},
        {"type": "create_theme", "name": "Adgang"},
        {"type": "create_theme", "name": "Svartider"},
    )
    phones: dict[tuple[str, str], Page] = {}
    for lang in LOCALES:
        console = await (await context_for(browser, "laptop", lang)).new_page()
        await console.goto(day1.facilitator)
        idea = console.locator("#moderation li.idea").first
        await idea.locator("button[data-edit]").click()
        await console.fill("#edit-text", " ")
        await console.click("#edit-form button")
        await expect(console.locator("#edit-form .refusal")).to_be_visible()
        assert await serious_violations(console) == [], f"console {lang}"
        await screenshot(console, f"outbox-console-{lang}-laptop")
        for size in ("phone390", "phone360"):
            page = await (await context_for(browser, size, lang)).new_page()
            await join(page, day1.participant, f"Deltager {lang} {size}")
            await page.fill("#idea-text", "Kortere svartider på byggesager")
            await page.click("#compose button")
            await expect(page.locator("#board .idea")).to_have_count(3 + len(phones))
            assert (
                await page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
            )
            await screenshot(page, f"outbox-phone-{lang}-{size}")
            phones[(lang, size)] = page
    await facilitate(
        live_server,
        1,
        {"type": "jump", "phase": kind_index(programme, "staff-day-1", "home_reflection")},
    )
    for (lang, size), page in phones.items():
        await page.click("#phase a.button")
        status = page.locator("form.reflection .status")
        await expect(status).to_have_text("Ikke gemt endnu" if lang == "da" else "Not saved yet")
        await page.fill("#reflection-text", "Det jeg tager med hjem: én indgang.")
        await expect(status).to_have_text(
            SAVED_AT if lang == "da" else re.compile(r"^Saved at \d\d:\d\d$")
        )
        assert await serious_violations(page) == [], f"reflection {lang} {size}"
        await screenshot(page, f"outbox-reflection-{lang}-{size}")
    await facilitate(live_server, 1, {"type": "end"})

    await facilitate(live_server, 2, {"type": "start"})
    leaders: dict[tuple[str, str], Page] = {}
    for lang in LOCALES:
        for n, size in enumerate(("laptop", "phone390")):
            page = await (await context_for(browser, size, lang)).new_page()
            await join(
                page,
                f"{live_server.base}/join/{live_server.links[2].leader_code}",
                f"Leder {lang} {size}",
                n + 1,
            )
            leaders[(lang, size)] = page
    await facilitate(
        live_server,
        2,
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    for (lang, size), page in leaders.items():
        entry = page.locator("#catalogue li.entry").first
        await expect(entry).to_be_visible()
        # A year the page's pattern lets through and the server refuses: the note shows.
        await entry.locator("> details > summary").click()
        await entry.locator("input[name=timeline]").fill("2019-03")
        await entry.locator("select[name=verdict]").select_option("start_now")
        await entry.locator("button.primary").click()
        await expect(entry.locator(".refusal")).to_be_visible()
        await expect(entry.locator("input[name=timeline]")).to_have_value("2019-03")
        assert await serious_violations(page) == [], f"triage {lang} {size}"
        await screenshot(page, f"outbox-triage-{lang}-{size}")
