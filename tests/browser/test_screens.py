"""The three screens in a real browser: a facilitator laptop, phones and the projector."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from facilitator.agenda import Programme, VotePhase
from tests.browser.support import join, laptop, phone, screenshot, serious_violations
from tests.support import LiveServer, server_seq

pytestmark = pytest.mark.browser


# How many commands the page's outbox (static/app.js, in localStorage) still holds.
UNSENT = """Object.keys(localStorage)
    .filter((key) => key.startsWith("outbox:"))
    .reduce((sum, key) => sum + JSON.parse(localStorage.getItem(key)).length, 0)"""


def phase_index(programme: Programme, kind: str) -> int:
    agenda = programme.workshop("staff-day-1").agenda
    return next(i for i, p in enumerate(agenda.phases) if p.kind == kind)


async def steer(page: Page, command: str) -> None:
    await page.click(f"#live button[value={command}]")


async def jump(page: Page, index: int) -> None:
    await page.locator("#live li.phase").nth(index).locator("button").click()


async def open_facilitator(browser: Browser, server: LiveServer) -> Page:
    page = await (await laptop(browser)).new_page()
    await page.goto(server.links[1].facilitator)
    await expect(page.locator("#live")).to_be_visible()
    return page


async def test_five_phones_post_and_every_screen_shows_the_ideas_live(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    facilitator = await open_facilitator(browser, live_server)
    phones = []
    for n in range(5):
        page = await (await phone(browser)).new_page()
        await join(page, day1.participant, f"Deltager {n}", department_index=1 + n % 5)
        phones.append(page)
    await expect(facilitator.locator("#people .person.online")).to_have_count(5)
    projector = await (await laptop(browser, 1920, 1080)).new_page()
    await projector.goto(day1.projector)
    await expect(projector.locator(".code.big")).to_have_text(day1.join_code)
    await screenshot(projector, "projector-lobby")

    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    await facilitator.click("#stage button[value=form_groups]")
    for n, page in enumerate(phones):
        await expect(page.locator("#compose")).to_be_visible()
        await page.fill("#idea-text", f"Forslag fra deltager {n}")
        await page.click("#compose button")
    await expect(facilitator.locator("#moderation .idea")).to_have_count(5)
    await expect(projector.locator(".wall .idea")).to_have_count(5)
    for page in phones:  # each phone sees its own group's section
        await expect(page.locator("#board .idea").first).to_be_visible()
    await screenshot(phones[0], "phone-group-work")
    await screenshot(facilitator, "facilitator-group-work")
    await screenshot(projector, "projector-group-work")


async def test_votes_beyond_the_budget_are_refused_in_the_ui(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    vote = programme.workshop("staff-day-1").agenda.phases[phase_index(programme, "vote")]
    assert isinstance(vote, VotePhase)
    facilitator = await open_facilitator(browser, live_server)
    page = await (await phone(browser)).new_page()
    await join(page, day1.participant, "Vibeke")
    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    for n in range(vote.votes_per_person + 1):
        await page.fill("#idea-text", f"Idé {n}")
        await page.click("#compose button")
    await expect(page.locator("#board .idea")).to_have_count(vote.votes_per_person + 1)
    await jump(facilitator, phase_index(programme, "vote"))
    await expect(page.locator(".left-count")).to_have_text(str(vote.votes_per_person))
    ideas = page.locator("#board .idea")
    for n in range(vote.votes_per_person):
        await ideas.nth(n).locator("button.vote").click()
        await expect(page.locator(".left-count")).to_have_text(str(vote.votes_per_person - n - 1))
    # The budget is spent: every vote button is now disabled.
    await expect(ideas.nth(vote.votes_per_person).locator("button.vote")).to_be_disabled()
    await screenshot(page, "phone-vote")


async def test_the_projector_timer_counts_down(browser: Browser, live_server: LiveServer) -> None:
    facilitator = await open_facilitator(browser, live_server)
    await steer(facilitator, "start")
    projector = await (await laptop(browser, 1920, 1080)).new_page()
    await projector.goto(live_server.links[1].projector)
    timer = projector.locator(".timer .left")
    first = await timer.inner_text()
    await expect(timer).not_to_have_text(first)  # it moves on by itself, second by second
    assert await timer.inner_text() != first
    minutes, seconds = (int(x) for x in (await timer.inner_text()).split(":"))
    assert 0 < minutes * 60 + seconds < int(first.split(":")[0]) * 60 + int(first.split(":")[1])


async def test_an_idea_posted_offline_arrives_exactly_once_when_back_online(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    facilitator = await open_facilitator(browser, live_server)
    context = await phone(browser)
    page = await context.new_page()
    await join(page, day1.participant, "Ole")
    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    await expect(page.locator("#compose")).to_be_visible()

    token = day1.facilitator.split("token=")[1]
    seq_before = await server_seq(live_server.base, day1.workshop_id, token)

    await context.set_offline(True)
    await expect(page.locator("body.offline .connection")).to_be_visible()
    await page.fill("#idea-text", "Skrevet i kælderen uden net")
    await page.click("#compose button")
    # The phone has taken the idea into its outbox: it says so, and keeps it there.
    await expect(page.locator("#compose .status")).to_contain_text("Gemt på telefonen")
    assert await page.evaluate(UNSENT) == 1
    assert await server_seq(live_server.base, day1.workshop_id, token) == seq_before
    await expect(facilitator.locator("#moderation .idea")).to_have_count(0)

    await context.set_offline(False)
    await expect(facilitator.locator("#moderation .idea")).to_have_count(1)
    posted = await server_seq(live_server.base, day1.workshop_id, token)
    assert posted == seq_before + 1
    await page.reload()
    # Once the outbox is empty, every copy the phone sent (again) has been answered.
    await page.wait_for_function(f"() => ({UNSENT}) === 0")
    await expect(page.locator("#board .idea")).to_have_count(1)
    assert await server_seq(live_server.base, day1.workshop_id, token) == posted
    await expect(facilitator.locator("#moderation .idea")).to_have_count(1)


async def test_the_language_switch_turns_the_ui_english_and_is_remembered(
    browser: Browser, live_server: LiveServer
) -> None:
    page = await (await phone(browser)).new_page()
    await join(page, live_server.links[1].participant, "Karen")
    await expect(page.locator("html")).to_have_attribute("lang", "da")
    await page.click("text=English")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#phase h2")).to_have_text("Waiting for the start")
    await page.goto(page.url.split("?")[0])
    await expect(page.locator("html")).to_have_attribute("lang", "en")


async def test_half_typed_text_survives_twenty_ideas_and_a_phase_change(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    facilitator = await open_facilitator(browser, live_server)
    page = await (await phone(browser)).new_page()
    await join(page, day1.participant, "Hanne")
    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    field = page.locator("#idea-text")
    await field.fill("Halvt skrevet forsl")
    await field.focus()

    token = day1.facilitator.split("token=")[1]
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        for n in range(20):
            response = await http.post(
                f"/w/{day1.workshop_id}/commands?token={token}",
                json={"type": "post_idea", "text": f"Andres idé {n}"},
            )
            assert response.status_code == 200
    await expect(page.locator("#board .idea")).to_have_count(20)
    await expect(field).to_have_value("Halvt skrevet forsl")
    await expect(field).to_be_focused()

    await steer(facilitator, "next")  # the vote phase takes no ideas
    await expect(page.locator("#compose")).to_be_hidden()
    await expect(page.locator("#draft")).to_be_visible()
    await expect(page.locator("#draft .draft-text")).to_have_text("Halvt skrevet forsl")
    await steer(facilitator, "previous")  # back to group work: the text is still there to send
    await expect(field).to_have_value("Halvt skrevet forsl")


async def test_every_screen_passes_axe_without_serious_violations(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    home = await (await phone(browser)).new_page()
    await home.goto(live_server.base + "/")
    screens = {"home": home}
    join_page = await (await phone(browser)).new_page()
    await join_page.goto(day1.participant)
    screens["join"] = join_page
    projector = await (await laptop(browser, 1920, 1080)).new_page()
    await projector.goto(day1.projector)
    assert await serious_violations(projector) == [], "projector lobby"

    facilitator = await open_facilitator(browser, live_server)
    member = await (await phone(browser)).new_page()
    await join(member, day1.participant, "Bo")
    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    await member.fill("#idea-text", "Én indgang")
    await member.click("#compose button")
    await expect(facilitator.locator("#moderation .idea")).to_have_count(1)
    screens |= {"facilitator": facilitator, "phone": member, "projector": projector}
    for name, page in screens.items():
        assert await serious_violations(page) == [], name
    await jump(facilitator, phase_index(programme, "vote"))
    await expect(member.locator("button.vote")).to_have_count(1)
    assert await serious_violations(member) == [], "phone vote"
    for name, page in screens.items():
        await screenshot(page, f"axe-{name}")


async def test_the_facilitator_edits_and_merges_ideas_and_the_phones_follow(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    facilitator = await open_facilitator(browser, live_server)
    page = await (await phone(browser)).new_page()
    await join(page, day1.participant, "Per")
    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    for text in ("Én indgang", "En fælles indgang", "Kortere svartider"):
        await page.fill("#idea-text", text)
        await page.click("#compose button")
    ideas = facilitator.locator("#moderation .idea")
    await expect(ideas).to_have_count(3)
    first = ideas.nth(0)
    await first.locator("button[data-edit]").click()  # the console's shared edit dialog
    await facilitator.fill("#edit-text", "Én indgang for alle virksomheder")
    await facilitator.click("#edit-form button")
    await expect(page.locator("#board")).to_contain_text("Én indgang for alle virksomheder")
    await ideas.nth(1).drag_to(ideas.nth(0))  # a card dropped on another: merge, asked first
    await facilitator.click("#merge-dialog button[type=submit]")
    await expect(page.locator("#board .idea")).to_have_count(2)


async def test_the_projector_lobby_keeps_its_qr_code_through_live_updates(
    browser: Browser, live_server: LiveServer
) -> None:
    day1 = live_server.links[1]
    projector = await (await laptop(browser, 1920, 1080)).new_page()
    await projector.goto(day1.projector)
    await expect(projector.locator(".lobby .qr svg")).to_be_visible()
    page = await (await phone(browser)).new_page()
    await join(page, day1.participant, "Kim")  # a join pushes a new lobby to the wall
    await expect(projector.locator(".lobby")).to_contain_text("1 person er med")
    await expect(projector.locator(".lobby .qr svg")).to_be_visible()


async def test_the_phone_pages_fit_a_360_pixel_screen_without_sideways_scrolling(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    narrow = ViewportSize(width=360, height=740)
    page = await (await browser.new_context(viewport=narrow, locale="da-DK")).new_page()
    await page.goto(live_server.base + "/")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await join(page, day1.participant, "Smalle Sofie med et meget langt navn")
    facilitator = await open_facilitator(browser, live_server)
    await steer(facilitator, "start")
    await jump(facilitator, phase_index(programme, "group_work"))
    await page.fill("#idea-text", "Et-meget-langt-ord-uden-mellemrum-" * 4)
    await page.click("#compose button")
    await expect(page.locator("#board .idea")).to_have_count(1)
    await jump(facilitator, phase_index(programme, "vote"))
    await expect(page.locator("button.vote")).to_have_count(1)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    box = await page.locator("button.vote").bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb's target
    await screenshot(page, "phone-360-vote")
