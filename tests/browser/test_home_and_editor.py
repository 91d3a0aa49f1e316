"""The facilitator's home, the agenda editor and "you said, we did", in a real browser:
signing in with the one-time link, a programme made from the template, phases moved by drag
and by keyboard with their clock times following, the checker's messages beside a phase, a
downloaded file that passes `agendas check`, a day that runs late, and a participant who sees
what became of their proposal. axe finds nothing; every page in both languages, two sizes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.async_api import Browser, Page, expect

from facilitator.agenda import Programme
from facilitator.agenda.files import check_files, load_agenda
from facilitator.store import home
from facilitator.store.db import make_engine, session_scope
from facilitator.store.workshops import get_workshop, restore
from tests.browser.language import foreign_words
from tests.browser.support import join, laptop, phone, screenshots, violations
from tests.support import LiveServer

pytestmark = pytest.mark.browser
SIZES = ("laptop", "phone-390")
SHOW_CARDS = """() => {
  const top = document.querySelector("#cards").getBoundingClientRect().top;
  window.scrollTo(0, top + window.scrollY - 150);
}"""


def sign_in_link(sqlite_url: str, server: LiveServer) -> str:
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        secret = home.new_link(session, now=datetime.now(UTC))
    engine.dispose()
    return f"{server.base}/home/login/{secret}"


async def looked_at(page: Page, name: str, programme: Programme, *, reload: bool = True) -> None:
    """axe at every WCAG 2.1 A/AA impact, no word of the other language, and the pictures;
    then the same in English, and back (``reload``: a page that is not only its address, a
    draft being edited, is looked at in its language only)."""
    for language in ("da", "en") if reload else ("da",):
        if language == "en":
            await page.goto(_with_lang(page.url, "en"))
        assert await violations(page) == [], (name, language)
        assert await foreign_words(page, programme) == [], (name, language)
        await screenshots(page, f"{name}-{language}", SIZES)
        await page.set_viewport_size({"width": 1280, "height": 800})
    if reload:
        await page.goto(_with_lang(page.url, "da"))


def _with_lang(url: str, language: str) -> str:
    base, _, anchor = url.partition("#")
    base = re.sub(r"[?&]lang=[a-z]+", "", base)
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}lang={language}" + (f"#{anchor}" if anchor else "")


async def clock_of(page: Page, number: int) -> str:
    return (
        await page.locator("#cards > .card").nth(number).locator("[data-clock]").inner_text()
    ).strip()


async def titles(page: Page) -> list[str]:
    found = await page.locator("#cards > .card h3").all_inner_texts()
    return [re.sub(r"^\d+\.\s*", "", t).strip() for t in found]


async def create_solrod(page: Page) -> str:
    await page.select_option("#template", "solrod")
    await page.click("text=Opret forløbet")
    await page.wait_for_url(re.compile(r"/home#programme-"))
    return page.url.rsplit("#programme-", 1)[1]


async def test_a_facilitator_builds_a_programme_and_edits_an_agenda(
    browser: Browser, live_server: LiveServer, sqlite_url: str, programme: Programme, tmp_path: Path
) -> None:
    page = await (await laptop(browser, 1280, 800)).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{live_server.base}/home")
    await expect(page.locator("h1")).to_have_text("Log ind")
    await looked_at(page, "home-sign-in", programme)
    await page.goto(sign_in_link(sqlite_url, live_server))
    await looked_at(page, "home-one-time-link", programme)
    await page.click("button.primary")
    await page.wait_for_url(f"{live_server.base}/home")

    programme_id = await create_solrod(page)
    section = page.locator(f"#programme-{programme_id}")
    await expect(section.locator(".workshop")).to_have_count(4)
    day1 = section.locator(".workshop").nth(1)
    await day1.locator("input[type=date]").fill("2027-01-12")
    await day1.locator("input[type=time]").fill("09:00")
    await day1.locator(".when button").click()
    await page.wait_for_load_state()
    await page.locator(f"#programme-{programme_id} .workshop").nth(1).locator("summary").click()
    await looked_at(page, "home", programme)

    await (
        page.locator(f"#programme-{programme_id} .workshop")
        .nth(1)
        .get_by_text("Redigér dagsordenen")
        .click()
    )
    await page.wait_for_url(re.compile(r"/agenda$"))
    await expect(page.locator(".checks h2")).to_have_text("Kontrollen fandt ingen problemer")
    assert await clock_of(page, 0) == "09.00–09.15"
    assert await clock_of(page, 1) == "09.15–09.25"
    before = await titles(page)

    # Drag the first phase below the second: the clock times follow.
    await page.evaluate(SHOW_CARDS)  # both phases in sight, below the sticky toolbar
    second = page.locator("#cards > .card").nth(1)
    box = await second.bounding_box()
    assert box is not None
    handle = page.locator("#cards > .card").nth(0).locator(".handle")
    # Dropped on the second phase's lower half: after it.
    await handle.drag_to(second, target_position={"x": 200, "y": box["height"] - 10})
    await expect(page.locator("#cards > .card").nth(0).locator("[data-clock]")).to_have_text(
        "09.00–09.10"
    )
    assert (await titles(page))[:2] == [before[1], before[0]]
    await expect(page.locator("#editor-announcer")).to_contain_text("er nu fase 2")

    # The keyboard way: "Move up" on the (now) second phase puts it back; focus stays on it.
    move_up = page.locator("#cards > .card").nth(1).locator("[data-move=up]")
    await move_up.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#cards > .card").nth(0).locator("[data-clock]")).to_have_text(
        "09.00–09.15"
    )
    assert await titles(page) == before
    focused = await page.evaluate("document.activeElement.getAttribute('data-move')")
    assert focused in ("up", "down")

    # Longer phase: the clock times after it and the total change.
    total = await page.locator("#totals").inner_text()
    await page.locator("#cards > .card").nth(0).locator("input[data-minutes]").fill("25")
    await expect(page.locator("#cards > .card").nth(1).locator("[data-clock]")).to_have_text(
        "09.25–09.35"
    )
    await expect(page.locator("#totals")).not_to_have_text(total)
    assert "6 t. 45 min." in await page.locator("#totals").inner_text()

    # An error: the checker's own message, beside the phase.
    await page.locator("#cards > .card").nth(2).locator("input[data-minutes]").fill("500")
    problem = page.locator("#cards > .card").nth(2).locator(".card-problems")
    await expect(problem).to_contain_text("minutes must be at most 240, got 500")
    await expect(page.locator(".checks h2")).to_contain_text("Kontrollen fandt")
    await looked_at(page, "editor-problem", programme, reload=False)  # the draft stays
    await page.locator("#cards > .card").nth(2).locator("input[data-minutes]").fill("50")
    await expect(problem).to_have_count(0)

    # Downloaded, it passes `agendas check` and loads.
    async with page.expect_download() as downloading:
        await page.click(".toolbar button[value=download]")
    path = tmp_path / "staff-day-1.yaml"
    await (await downloading.value).save_as(path)
    assert check_files([path]) == []
    assert load_agenda(path).phases[0].minutes == 25

    await page.click(".toolbar button[value=save]")
    await expect(page.locator("#editor-status")).to_have_text("Gemt: version 1.")
    await looked_at(page, "editor", programme)
    assert errors == []


async def test_a_day_that_runs_late_says_so(
    browser: Browser, live_server: LiveServer, sqlite_url: str, programme: Programme
) -> None:
    page = await (await laptop(browser, 1280, 800)).new_page()
    await page.goto(sign_in_link(sqlite_url, live_server))
    await page.click("button.primary")
    day1 = live_server.links[1]
    token = day1.facilitator.split("token=")[1]
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        for command in ({"type": "start"}, {"type": "extend", "minutes": 10}):
            answer = await http.post(f"/w/{day1.workshop_id}/commands?token={token}", json=command)
            assert answer.status_code == 200, answer.text
    await page.goto(f"{live_server.base}/home")
    workshop = page.locator(f"#workshop-{day1.workshop_id}")
    await expect(workshop.locator(".delay-behind")).to_have_text(re.compile(r"^1[01] min\. bagud$"))
    await page.goto(f"{live_server.base}/w/{day1.workshop_id}/agenda")
    await expect(page.locator(".meta .delay-behind")).to_have_text(re.compile(r"min\. bagud$"))
    await expect(page.locator(".ran")).to_contain_text("Velkommen")
    await looked_at(page, "editor-running", programme)


def _entries(sqlite_url: str, workshop_id: str) -> dict[str, str]:
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        row = get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        found = {e.text: e.id for e in restore(session, workshop=row).catalogue.entries.values()}
    engine.dispose()
    return found


async def _cookie(page: Page, workshop_id: str) -> str:
    cookies = await page.context.cookies()
    return next(c["value"] for c in cookies if c["name"] == f"participant-{workshop_id}")


async def test_after_the_panel_a_participant_sees_what_became_of_their_proposal(
    browser: Browser, live_server: LiveServer, sqlite_url: str, programme: Programme
) -> None:
    _, day1, catalogue, day2 = live_server.links
    tokens = {w.workshop_id: w.facilitator.split("token=")[1] for w in live_server.links}

    async def steer(workshop: str, *commands: dict[str, Any], token: str | None = None) -> None:
        async with httpx.AsyncClient(base_url=live_server.base) as http:
            for command in commands:
                answer = await http.post(
                    f"/w/{workshop}/commands?token={token or tokens[workshop]}", json=command
                )
                assert answer.status_code == 200, (command, answer.text)

    def index(workshop: str, kind: str) -> int:
        phases = programme.workshop(workshop).agenda.phases
        return next(i for i, p in enumerate(phases) if p.kind == kind)

    ada = await (await phone(browser)).new_page()
    await join(ada, day1.participant, "Ada Lund")
    ada_day1 = await _cookie(ada, day1.workshop_id)
    await steer(
        day1.workshop_id,
        {"type": "start"},
        {"type": "jump", "phase": index("staff-day-1", "group_work")},
    )
    await steer(
        day1.workshop_id,
        {"type": "post_idea", "text": "Én fælles indgang for virksomheder"},
        token=ada_day1,
    )
    await steer(day1.workshop_id, {"type": "end"})

    leader = await (await laptop(browser, 1280, 800)).new_page()
    await join(leader, f"{live_server.base}/join/{catalogue.leader_code}", "Lea Leder")
    leader_token = await _cookie(leader, catalogue.workshop_id)
    await steer(
        catalogue.workshop_id,
        {"type": "start"},
        {"type": "jump", "phase": index("leaders-catalogue", "leader_triage")},
    )
    entry = _entries(sqlite_url, catalogue.workshop_id)["Én fælles indgang for virksomheder"]
    for field, value in (
        ("verdict", "start_now"),
        ("owner", "borgerservice"),
        ("timeline", "2027-03"),
    ):
        await steer(
            catalogue.workshop_id,
            {"type": "triage", "entry": entry, "field": field, "value": value},
            token=leader_token,
        )
    await steer(catalogue.workshop_id, {"type": "end"})

    # Ada joins day 2 on the same phone: it proves she is the one who wrote the proposal.
    await join(ada, day2.participant, "Ada Lund")
    panel = index("staff-day-2", "leader_panel")
    await steer(
        day2.workshop_id,
        {"type": "start"},
        {"type": "jump", "phase": panel},
        {"type": "reveal_decision", "entry": entry},
        {"type": "next"},
    )

    await ada.goto(f"{live_server.base}/w/{day2.workshop_id}/outcome")
    mine = ada.locator(".outcome-entry.mine")
    await expect(mine).to_have_count(1)
    await expect(mine.locator(".mine-mark")).to_have_text("Dit forslag")
    await expect(mine).to_contain_text("Sættes i gang straks")
    await expect(mine).to_contain_text("Borgerservice")
    await expect(mine).to_contain_text("Marts 2027")
    await looked_at(ada, "outcome", programme)

    # The leader tells what became of it; Ada sees it.
    await leader.goto(f"{live_server.base}/w/{day2.workshop_id}/initiatives")
    await leader.locator("select[name=status]").first.select_option("started")
    await leader.locator("input[name=note]").first.fill("Første møde i marts")
    await leader.locator(".follow-up button").first.click()
    await expect(leader.locator(".progress").first).to_contain_text("Første møde i marts")
    await looked_at(leader, "initiatives", programme)
    await ada.reload()
    await expect(ada.locator(".outcome-entry.mine .progress")).to_contain_text("Sat i gang")


async def test_the_printable_pages(
    browser: Browser, live_server: LiveServer, sqlite_url: str, programme: Programme
) -> None:
    page = await (await laptop(browser, 1280, 800)).new_page()
    await page.goto(sign_in_link(sqlite_url, live_server))
    await page.click("button.primary")
    programme_id = live_server.links[0].programme_id
    for name, path in (
        ("codes", f"/home/programmes/{programme_id}/codes"),
        ("report", f"/home/programmes/{programme_id}/report"),
        ("delete", f"/home/programmes/{programme_id}/delete"),
    ):
        await page.goto(f"{live_server.base}{path}")
        await looked_at(page, name, programme)
