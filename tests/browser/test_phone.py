"""The phone in a real browser, in every kind of phase, in Danish and in English: axe-core
finds nothing (WCAG 2.1 A and AA, every impact) at 360 and 1280 pixels, no string of the
other language shows, the accessibility statement is a tap away; and what a person does gets
its answer where they did it. Screenshots of every state land in test-output/screenshots."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from facilitator.agenda import Programme
from tests.browser.language import foreign_words
from tests.browser.support import (
    SCREENSHOTS,
    SIZES,
    facilitate,
    hold_script,
    join,
    phone,
    screenshot,
    slow_phone,
    view_of,
    violations,
)
from tests.support import LiveServer, until

pytestmark = pytest.mark.browser

DAY1, LEADERS, DAY2 = 1, 2, 3  # the programme's workshops, as in live_server.links


def index(programme: Programme, workshop: str, key: str) -> int:
    phases = programme.workshop(workshop).agenda.phases
    return next(i for i, p in enumerate(phases) if p.key == key)


async def person(browser: Browser, url: str, name: str, language: str, department: int = 1) -> Page:
    """A phone that joined with ``url`` (a join link) in ``language``."""
    context = await phone(browser)
    page = await context.new_page()
    await join_in(page, url, name, language, department)
    return page


async def join_in(page: Page, url: str, name: str, language: str, department: int = 1) -> None:
    await page.goto(f"{url}?lang={language}")
    await page.fill("#name", name)
    if await page.locator("#department").count():
        await page.select_option("#department", index=department)
    await page.click("form button.primary")
    await page.wait_for_url("**/me")


async def at(page: Page, marker: str) -> None:
    """Wait until the phone shows the phase ``marker`` (phase-N, lobby, ended) and the
    personal part of its view has arrived."""
    await expect(page.locator("#phase")).to_have_attribute("data-phase", marker)
    await page.wait_for_timeout(150)  # the `mine` message follows the fragments


# Controls smaller than a thumb (44 px high), as shown now: buttons, selects, disclosure
# summaries, fields, links that stand alone, and the labels of radio buttons and checkboxes
# (the label is the target). Links inside running text are exempt.
SMALL_TARGETS = """() => {
  const targets = document.querySelectorAll(
    "button, select, summary, textarea, a.button, .site-footer a, .languages a, a.back," +
    " input:not([type=hidden]):not([type=radio]):not([type=checkbox])," +
    " label.check, label.choice, label.point");
  return Array.from(targets).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.height < 43.5;
  }).map((el) => el.outerHTML.slice(0, 120));
}"""


@dataclass
class Findings:
    """Every problem of every page and state, reported together at the end."""

    axe: dict[str, list[dict[str, Any]]]
    words: dict[str, list[str]]
    footer: list[str]
    layout: dict[str, list[str]]

    @classmethod
    def empty(cls) -> Findings:
        return cls({}, {}, [], {})

    def assert_none(self) -> None:
        assert not self.axe, json.dumps(self.axe, indent=1)
        assert not self.words, json.dumps(self.words, indent=1, ensure_ascii=False)
        assert not self.footer, self.footer
        assert not self.layout, json.dumps(self.layout, indent=1, ensure_ascii=False)


async def check(
    page: Page,
    name: str,
    programme: Programme,
    findings: Findings,
    *,
    shots: tuple[str, ...] = ("phone-360", "phone-390"),
    axe_at: tuple[str, ...] = ("phone-360", "laptop"),
) -> None:
    """axe at each of ``axe_at``, the other language's words, the statement's link, and
    screenshots at ``shots``; the page ends at 390 px."""
    language = await page.evaluate("document.documentElement.lang")
    label = f"{name}-{language}"
    for size in axe_at:
        await page.set_viewport_size(SIZES[size])
        found = await violations(page)
        if found:
            findings.axe[f"{label}@{size}"] = found
    words = await foreign_words(page, programme)
    if words:
        findings.words[label] = words
    # Reflow: 320 CSS pixels (a 1280 screen at 400 %, or a small phone) scroll only downwards.
    await page.set_viewport_size({"width": 320, "height": 640})
    wide = await page.evaluate("document.documentElement.scrollWidth")
    small = await page.evaluate(SMALL_TARGETS)
    if wide > 320 or small or len(await page.locator("h1").all()) != 1:
        findings.layout[label] = [f"scrollWidth {wide}", *small]
    if not await page.locator("footer a[href='/accessibility']").count():
        findings.footer.append(label)
    for size in shots:
        await page.set_viewport_size(SIZES[size])
        await screenshot(page, f"phone-{label}-{size}")
    await page.set_viewport_size(SIZES["phone-390"])


async def both(
    pages: list[Page], name: str, programme: Programme, findings: Findings, **kw: Any
) -> None:
    for page in pages:
        await check(page, name, programme, findings, **kw)


# --- every phase of staff day 1 ----------------------------------------------------------------


async def test_every_phone_page_of_staff_day_one_in_both_languages(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    findings = Findings.empty()
    day1 = live_server.links[DAY1]
    da = await person(browser, day1.participant, "Anna", "da", 1)
    en = await person(browser, day1.participant, "Ben", "en", 2)
    pages = [da, en]
    await both(pages, "lobby", programme, findings)

    def phase(key: str) -> str:
        return f"phase-{index(programme, 'staff-day-1', key)}"

    await facilitate(live_server, DAY1, {"type": "start"})
    for page in pages:
        await at(page, phase("welcome"))
    await both(pages, "welcome", programme, findings)

    # The pulse: every item on the 1–5 scale, the recommend question, why.
    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "pulse-baseline")},
    )
    for page in pages:
        await at(page, phase("pulse-baseline"))
    await both(pages, "pulse", programme, findings)
    form = da.locator("#pulse-form")
    for item in await form.locator(".pulse-item").all():
        await item.locator("input[value='4']").check()
    await form.locator("input[name=recommend][value='8']").check()
    await form.locator("textarea[name=why]").fill("Korte svartider")
    await form.locator("button.primary").click()
    await expect(form.locator(".note.done")).to_be_visible()
    await expect(en.locator("#plenum")).to_contain_text("1 person has answered")
    await check(da, "pulse-answered", programme, findings)
    await da.reload()  # my answer comes back from the server
    await expect(
        da.locator("#pulse-form .pulse-item").first.locator("input[value='4']")
    ).to_be_checked()
    await expect(da.locator("#pulse-form input[name=recommend][value='8']")).to_be_checked()

    # A plenum with anonymous questions: ask without a name, others upvote, never one's own.
    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "business-structure")},
    )
    for page in pages:
        await at(page, phase("business-structure"))
    await expect(da.locator("#plenum .speakers")).to_contain_text("Erhvervschefen")
    await expect(en.locator("#plenum .speakers")).to_contain_text(
        "The head of business development"
    )
    await da.fill("#plenum-question", "Hvor mange virksomheder har vi?")
    await da.check("#plenum-anonymous")
    await da.click("#ask button.primary")
    await expect(da.locator("#ask .note.done")).to_have_text("Dit spørgsmål er sendt.")
    question = en.locator("#plenum li.question").first
    await expect(question).to_contain_text("Anonymous")
    own = da.locator("#plenum li.question").first
    await expect(own.locator(".own-label")).to_be_visible()
    await expect(own.locator("button.upvote-button")).to_be_hidden()  # not one's own
    await question.locator("button.upvote-button").click()
    await expect(question.locator("button.upvote-button")).to_have_attribute("aria-pressed", "true")
    await expect(da.locator("#plenum li.question").first).to_contain_text(
        "1 vil også gerne vide det"
    )
    await both(pages, "plenum", programme, findings)
    # A guest (a business leader who speaks) asks and upvotes like everyone else.
    guest = await person(browser, f"{live_server.base}/join/{day1.guest_code}", "Gæst", "da")
    await at(guest, phase("business-structure"))
    await expect(guest.locator("#ask")).to_be_visible()
    await check(guest, "plenum-guest", programme, findings)

    # A moderated plenum: my question waits, and says so, until it is approved.
    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "business-voices")},
    )
    for page in pages:
        await at(page, phase("business-voices"))
    await en.fill("#plenum-question", "What did the municipality do well?")
    await en.click("#ask button.primary")
    await expect(en.locator("#ask .note.done")).to_contain_text("once the facilitator approves")
    await expect(en.locator("#my-waiting")).to_be_visible()
    await expect(en.locator("#my-waiting")).to_contain_text("What did the municipality do well?")
    assert "What did the municipality" not in await da.locator("#plenum").inner_text()
    await both(pages, "plenum-moderated", programme, findings)

    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "morning-break")},
    )
    for page in pages:
        await at(page, phase("morning-break"))
    await both(pages, "break", programme, findings)

    # Group work: groups, ideas, my own marked and editable, posting without my name.
    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "form_groups", "seed": 1},
    )
    for page in pages:
        await at(page, phase("needs-and-offers"))
    for text in ("Én indgang for virksomheder", "Fast kontaktperson i byggesager"):
        await da.fill("#idea-text", text)
        await da.click("#compose button.primary")
    await en.fill("#idea-text", "Answer within two days")
    await en.check("#idea-anonymous")
    await en.click("#compose button.primary")
    await expect(en.locator("#board li.idea.own")).to_have_count(1)
    await expect(en.locator("#board li.idea.own")).to_contain_text("Anonymous")
    await expect(da.locator("#board li.idea.own .own-controls")).to_have_count(2)
    await both(pages, "group-work", programme, findings)

    # The vote: the budget, at most two on one idea, and the reason in words.
    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "proposals-vote")},
    )
    for page in pages:
        await at(page, phase("proposals-vote"))
    first = da.locator("#board li.idea").first
    for _ in range(2):
        await first.locator("button.vote").click()
        await da.wait_for_timeout(100)
    await expect(first.locator("button.vote")).to_have_attribute("aria-disabled", "true")
    await expect(first.locator("[data-reason=idea-full]")).to_be_visible()
    await expect(first.locator(".mine")).to_have_text("Dine stemmer her: 2")
    await expect(first.locator("button.vote")).to_be_focused()  # the pressed control keeps focus
    await both(pages, "vote", programme, findings)
    await facilitate(live_server, DAY1, {"type": "reveal_votes"})
    await expect(da.locator("#phase")).to_contain_text("Stemmerne er talt op")
    await both(pages, "vote-revealed", programme, findings)

    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "home-reflection")},
    )
    for page in pages:
        await at(page, phase("home-reflection"))
    await expect(da.locator("#phase a[href$='/reflection']")).to_be_visible()
    await both(pages, "home-reflection", programme, findings)
    await da.click("#phase a[href$='/reflection']")
    await da.wait_for_url("**/r/**")
    await expect(da.locator("h1")).to_have_text("Medarbejderdag 1 – virksomhedernes behov")
    await da.fill("#reflection-text", "Jeg ringer tilbage samme dag.")
    await expect(da.locator(".reflection .status")).to_contain_text("Gemt")
    await check(da, "reflection", programme, findings)
    await da.click("a.back")
    await da.wait_for_url("**/me")

    await facilitate(
        live_server, DAY1, {"type": "jump", "phase": index(programme, "staff-day-1", "wrap-up")}
    )
    for page in pages:
        await at(page, phase("wrap-up"))
    await expect(da.locator("#phase a[href$='/reflection']")).to_be_visible()  # still there
    await both(pages, "wrap-up", programme, findings)

    await facilitate(live_server, DAY1, {"type": "end"})
    for page in pages:
        await at(page, "ended")
    await expect(da.locator("#phase")).to_contain_text("Tak, fordi du var med")
    await expect(da.locator("#phase a[href$='/reflection']")).to_be_visible()
    await both(pages, "ended", programme, findings)
    findings.assert_none()


# --- the leaders' triage and panel, and staff day 2 --------------------------------------------


async def decide(server: LiveServer, link: int, decisions: list[dict[str, Any]]) -> None:
    """The facilitator triages the catalogue's entries in order (docs/api.md §6.3)."""
    entries = [e["id"] for e in (await view_of(server, link))["catalogue"]["entries"]]
    commands = [
        {"type": "triage", "entry": entries[n], "field": field, "value": value}
        for n, decision in enumerate(decisions)
        for field, value in decision.items()
    ]
    await facilitate(server, link, *commands)


async def test_the_leaders_phones_and_every_phone_page_of_staff_day_two(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    findings = Findings.empty()
    base = live_server.base
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang for virksomheder"},
        {"type": "post_idea", "text": "Fast kontaktperson i byggesager"},
        {"type": "post_idea", "text": "Svar inden for to dage"},
        {"type": "end"},
    )
    leaders = live_server.links[LEADERS]
    leader_da = await person(browser, f"{base}/join/{leaders.leader_code}", "Lise", "da", 1)
    leader_en = await person(browser, f"{base}/join/{leaders.leader_code}", "Lars", "en", 2)
    await facilitate(
        live_server,
        LEADERS,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    for page in (leader_da, leader_en):
        await expect(page.locator("#catalogue li.entry")).to_have_count(3)
    entry = leader_da.locator("#catalogue li.entry").first
    await entry.locator("summary").first.click()
    await entry.locator("select[name=verdict]").select_option("start_now")
    await entry.locator("select[name=owner]").select_option(index=1)
    await entry.locator("input[name=timeline]").fill("2027-Q1")
    await entry.locator("button.primary").click()
    await expect(entry.locator(".note.done")).to_have_text("Gemt")
    await expect(leader_da.locator(".decided-count")).to_have_text("1 af 3 vurderet")
    await entry.locator("details.history summary").click()
    await expect(entry.locator("details.history")).to_contain_text("Tidsplan → 1. kvartal 2027")
    await expect(entry.locator("details.history")).to_contain_text("Ansvarlig → Miljø")
    await expect(entry.locator("details.history")).to_contain_text(
        "Afgørelse → Sættes i gang straks"
    )
    # A malformed timeline: the server's own words beside the field, no browser bubble.
    other = leader_en.locator("#catalogue li.entry").nth(1)
    await other.locator("summary").first.click()
    await other.locator("input[name=timeline]").fill("next year")
    await other.locator("button.primary").click()
    timeline = other.locator("input[name=timeline]")
    await expect(timeline).to_have_attribute("aria-invalid", "true")
    await expect(other.locator(".refusal")).to_contain_text("A timeline is a month")
    message = await timeline.evaluate("el => el.validationMessage")
    assert message.startswith("A timeline is a month"), message
    await both([leader_da, leader_en], "leader-triage", programme, findings)
    for page in (leader_da, leader_en):
        await page.set_viewport_size(SIZES["laptop"])
        language = await page.evaluate("document.documentElement.lang")
        await screenshot(page, f"phone-leader-triage-{language}-laptop")
    await decide(
        live_server,
        LEADERS,
        [
            {"priority": 1, "timeline": "2027-03"},  # its verdict is the leader's, above
            {"verdict": "city_council", "priority": 2},
        ],
    )
    await facilitate(live_server, LEADERS, {"type": "end"})

    # Staff day 2, on the same phones as day 1 would be: a participant in each language.
    day2 = live_server.links[DAY2]
    da = await person(browser, day2.participant, "Anna", "da", 1)
    en = await person(browser, day2.participant, "Ben", "en", 2)
    leader = await person(browser, f"{base}/join/{day2.leader_code}", "Lise", "da", 1)
    pages = [da, en]

    def phase(key: str) -> str:
        return f"phase-{index(programme, 'staff-day-2', key)}"

    await facilitate(
        live_server,
        DAY2,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-2", "my-service")},
    )
    for page in pages:
        await at(page, phase("my-service"))
    # The individual phase speaks of commitments, and each sees only their own.
    await expect(da.locator("#compose .compose-label")).to_have_text("Dit tilsagn")
    await expect(da.locator("#compose .compose-button")).to_have_text("Tilføj tilsagn")
    await da.fill("#idea-text", "Jeg ringer tilbage samme dag")
    await da.click("#compose button.primary")
    await expect(da.locator("#my-commitments li")).to_have_count(1)
    await en.fill("#idea-text", "I will answer within a day")
    await en.click("#compose button.primary")
    await expect(en.locator("#my-commitments li")).to_have_count(1)
    assert "Jeg ringer" not in await en.content()
    await both(pages, "individual", programme, findings)

    await facilitate(
        live_server,
        DAY2,
        {"type": "jump", "phase": index(programme, "staff-day-2", "entry-points-poll")},
    )
    for page in pages:
        await at(page, phase("entry-points-poll"))
    await both(pages, "poll", programme, findings)
    await da.locator("#poll-form input[value=one-door]").check()
    await da.click("#poll-form button.primary")
    await expect(da.locator("#poll-form .note.done")).to_be_visible()
    await expect(da.locator("#poll-form .mine-answer")).to_contain_text("Én fælles indgang")
    await da.locator("#poll-form input[value=named-contact]").check()  # a change of mind
    await da.click("#poll-form button.primary")
    await expect(da.locator("#poll-form .mine-answer")).to_contain_text("En fast kontaktperson")
    await en.locator("#poll-form input[value=named-contact]").check()
    await en.click("#poll-form button.primary")
    await expect(en.locator("#poll-form .note.done")).to_be_visible()
    await check(da, "poll-answered", programme, findings)
    await facilitate(live_server, DAY2, {"type": "reveal_poll"})
    await expect(da.locator("#plenum .results")).to_contain_text("2 personer")
    await both(pages, "poll-revealed", programme, findings)

    await facilitate(
        live_server,
        DAY2,
        {"type": "jump", "phase": index(programme, "staff-day-2", "develop-catalogue")},
        {"type": "form_groups", "seed": 2},
    )
    for page in pages:
        await at(page, phase("develop-catalogue"))
    await both(pages, "develop-catalogue", programme, findings)

    await facilitate(
        live_server,
        DAY2,
        {"type": "jump", "phase": index(programme, "staff-day-2", "leader-panel")},
    )
    for page in [*pages, leader]:
        await at(page, phase("leader-panel"))
    await expect(leader.locator("#catalogue")).to_contain_text("Endnu ikke vurderet")
    await check(leader, "leader-panel", programme, findings)
    await both(pages, "panel-waiting", programme, findings)
    present = leader.locator("#catalogue button[value=reveal_decision]").first
    await present.click()
    decision = da.locator("#catalogue li.entry.revealed")
    await expect(decision).to_have_count(1)
    await expect(decision).to_contain_text("Marts 2027")
    assert await leader.evaluate("document.activeElement !== document.body")
    support = decision.locator("button[data-reaction=support]")
    await support.click()
    await expect(support).to_have_attribute("aria-pressed", "true")
    await expect(support).to_be_focused()
    await da.fill("#question-text", "Hvornår hører vi mere?")
    await da.click("#panel-ask button")
    await expect(da.locator("#panel-ask .note.done")).to_have_text(
        "Dit spørgsmål er sendt til panelet."
    )
    await both(pages, "panel", programme, findings)
    await check(leader, "leader-panel-presented", programme, findings)

    await facilitate(
        live_server, DAY2, {"type": "jump", "phase": index(programme, "staff-day-2", "pulse-end")}
    )
    for page in pages:
        await at(page, phase("pulse-end"))
    await both(pages, "pulse-end", programme, findings)
    form = en.locator("#pulse-form")
    for item in await form.locator(".pulse-item").all():
        await item.locator("input[value='3']").check()
    await form.locator("button.primary").click()
    await expect(form.locator(".note.done")).to_be_visible()
    await facilitate(live_server, DAY2, {"type": "close_pulse"})
    await expect(da.locator("#plenum")).to_contain_text("Målingen er lukket")
    await both(pages, "pulse-closed", programme, findings)

    await facilitate(live_server, DAY2, {"type": "end"})
    for page in pages:
        await at(page, "ended")
    await both(pages, "day2-ended", programme, findings)
    findings.assert_none()


# --- forty proposals on one phone --------------------------------------------------------------


async def test_forty_proposals_are_judged_on_a_390_pixel_phone_with_the_filter_and_expand(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        *({"type": "post_idea", "text": f"Forslag nummer {n + 1}"} for n in range(40)),
        {"type": "end"},
    )
    base = live_server.base
    page = await person(
        browser, f"{base}/join/{live_server.links[LEADERS].leader_code}", "Lise", "da"
    )
    await facilitate(
        live_server,
        LEADERS,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    entries = page.locator("#catalogue li.entry")
    await expect(entries).to_have_count(40)
    height = await page.evaluate("document.documentElement.scrollHeight")
    assert height < 40 * 220, f"the triage is {height} px tall for 40 entries"
    await page.select_option("#triage-filter", "none")
    await expect(page.locator(".shown-count")).to_have_text("Viser 40 af 40")
    verdicts = ("start_now", "city_council", "await")
    for n in range(40):
        entry = page.locator("#catalogue li.entry:not([hidden])").first
        await entry.locator("summary").first.click()
        await entry.locator("select[name=verdict]").select_option(verdicts[n % 3])
        await entry.locator("input[name=priority]").fill(str(n + 1))
        await entry.locator("button.primary").click()
        await expect(entry.locator(".note.done")).to_have_text("Gemt")
        await expect(page.locator(".decided-count")).to_have_text(f"{n + 1} af 40 vurderet")
        await entry.locator("summary").first.click()  # closed, it leaves the filter
        await expect(page.locator(".shown-count")).to_have_text(f"Viser {39 - n} af 40")
    await page.select_option("#triage-filter", "await")
    await expect(page.locator(".shown-count")).to_have_text("Viser 13 af 40")
    await page.select_option("#triage-sort", "leaders")
    await page.select_option("#triage-filter", "")
    first = await page.locator("#catalogue li.entry").first.locator(".text").inner_text()
    assert first == "Forslag nummer 1"
    stored = (await view_of(live_server, LEADERS))["catalogue"]["entries"]
    assert all(e["verdict"] for e in stored) and len(stored) == 40
    assert await violations(page) == []
    await screenshot(page, "phone-leader-triage-40-done-phone-390")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await screenshot(page, "phone-leader-triage-40-done-laptop")


# --- the keyboard, the live region, focus ------------------------------------------------------


async def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focus is on ``selector``: reachable by the keyboard alone."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def focused_is_not_body(page: Page) -> bool:
    result: bool = await page.evaluate(
        "document.activeElement !== null && document.activeElement !== document.body"
    )
    return result


ANNOUNCED = """() => {
  window.announced = [];
  new MutationObserver(() => {
    const text = document.getElementById("announcer").textContent;
    if (text) window.announced.push(text);
  }).observe(document.getElementById("announcer"),
             {childList: true, characterData: true, subtree: true});
}"""


async def test_a_keyboard_only_participant_joins_posts_votes_reacts_and_reflects(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[DAY1]
    context: BrowserContext = await phone(browser)
    page = await context.new_page()
    await page.goto(day1.participant)
    await tab_to(page, "#name")
    await page.keyboard.type("Tastatur-Tina")
    await tab_to(page, "#department")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await tab_to(page, "form button.primary")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/me")
    # Started first, and heard: a phone that sees the start and the jump apart (a loaded
    # machine) rightly announces both phases.
    await facilitate(live_server, DAY1, {"type": "start"})
    await at(page, f"phase-{index(programme, 'staff-day-1', 'welcome')}")
    await page.evaluate(ANNOUNCED)

    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
    )
    await at(page, f"phase-{index(programme, 'staff-day-1', 'needs-and-offers')}")
    await until(lambda: page.evaluate("window.announced.length > 0"), "nothing announced")
    announced: list[str] = await page.evaluate("window.announced")
    phase_title = "Passer vores service til behovene?"
    assert [a for a in announced if a.startswith("Ny fase")] == [f"Ny fase: {phase_title}"]
    assert await page.title() == f"{phase_title} · Medarbejderdag 1 – virksomhedernes behov"

    await tab_to(page, "#idea-text")
    await page.keyboard.type("Ét telefonnummer til alle")
    await tab_to(page, "#compose button.primary")
    await page.keyboard.press("Enter")
    await expect(page.locator("#board li.idea")).to_have_count(1)
    assert await page.evaluate("document.activeElement.matches('#compose button.primary')")
    await expect(page.locator("#announcer")).to_have_text("Gemt")

    # Edit my own idea in its dialog, from the keyboard; focus comes back to where it was.
    await tab_to(page, "#board button.edit-idea")
    await page.keyboard.press("Enter")
    await expect(page.locator("#edit-dialog")).to_be_visible()
    assert await page.evaluate("document.activeElement.id") == "edit-text"
    await page.keyboard.press("End")
    await page.keyboard.type(" – og en mail")
    await tab_to(page, "#edit-form button.primary")
    await page.keyboard.press("Enter")
    await expect(page.locator("#edit-dialog")).to_be_hidden()
    await expect(page.locator("#board li.idea .text")).to_have_text(
        "Ét telefonnummer til alle – og en mail"
    )
    assert await page.evaluate("document.activeElement.matches('#board button.edit-idea')")

    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "proposals-vote")},
    )
    await at(page, f"phase-{index(programme, 'staff-day-1', 'proposals-vote')}")
    await tab_to(page, "#board button.vote")
    for left in ("4", "3"):
        await page.keyboard.press("Enter")
        await expect(page.locator(".left-count")).to_have_text(left)
        assert await page.evaluate("document.activeElement.matches('#board button.vote')")
    await page.keyboard.press("Enter")  # a third on one idea: the rule says no, in words
    await expect(page.locator("#board [data-reason=idea-full]")).to_be_visible()
    await expect(page.locator(".left-count")).to_have_text("3")
    assert await focused_is_not_body(page)
    await tab_to(page, "#board button.unvote")
    await page.keyboard.press("Enter")
    await expect(page.locator(".left-count")).to_have_text("4")
    assert await focused_is_not_body(page)
    await page.keyboard.press("Enter")
    await expect(page.locator(".left-count")).to_have_text("5")
    await expect(page.locator("#board button.unvote")).to_have_attribute("aria-disabled", "true")
    assert await page.evaluate("document.activeElement.matches('#board button.unvote')")
    announced = await page.evaluate("window.announced")
    assert len([a for a in announced if a.startswith("Ny fase")]) == 2

    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": index(programme, "staff-day-1", "home-reflection")},
    )
    await at(page, f"phase-{index(programme, 'staff-day-1', 'home-reflection')}")
    await tab_to(page, "#phase a[href$='/reflection']")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/r/**")
    await tab_to(page, "#reflection-text")
    await page.keyboard.type("Jeg svarer samme dag.")
    await expect(page.locator(".reflection .status")).to_contain_text("Gemt")
    await tab_to(page, "a.back")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/me")

    # Staff day 2's panel: react from the keyboard (the leaders decided before).
    await facilitate(live_server, DAY1, {"type": "end"})
    await facilitate(
        live_server,
        LEADERS,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    await decide(live_server, LEADERS, [{"verdict": "start_now"}])
    await facilitate(live_server, LEADERS, {"type": "end"})
    await join_in(page, live_server.links[DAY2].participant, "Tastatur-Tina", "da", 2)
    await facilitate(
        live_server,
        DAY2,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-2", "leader-panel")},
    )
    entry = (await view_of(live_server, DAY2))["catalogue"]["entries"][0]["id"]
    await facilitate(live_server, DAY2, {"type": "reveal_decision", "entry": entry})
    await expect(page.locator("#catalogue li.entry.revealed")).to_have_count(1)
    await tab_to(page, "#catalogue button[data-reaction=question]")
    await page.keyboard.press("Enter")
    button = page.locator("#catalogue button[data-reaction=question]")
    await expect(button).to_have_attribute("aria-pressed", "true")
    await expect(button).to_be_focused()
    await expect(page.locator("#catalogue .reaction-count").nth(1)).to_have_text(
        "1 har et spørgsmål"
    )


async def test_a_phase_change_far_down_the_page_shows_a_notice_and_the_tab_title(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    page = await person(browser, live_server.links[DAY1].participant, "Rulle-Rikke", "da")
    work = index(programme, "staff-day-1", "needs-and-offers")
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": work},
        *({"type": "post_idea", "text": f"Idé {n}"} for n in range(30)),
    )
    await at(page, f"phase-{work}")
    await expect(page.locator("#board li.idea")).to_have_count(30)
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    await facilitate(live_server, DAY1, {"type": "next"})
    notice = page.locator("#phase-notice")
    await expect(notice).to_be_visible()
    await expect(notice).to_contain_text("Ny fase: Hvilke forslag skal vi arbejde videre med?")
    assert (await page.title()).startswith("Ny fase: Hvilke forslag")
    await page.screenshot(path=str(SCREENSHOTS / "phone-phase-notice-da-phone-390.png"))
    await notice.locator("a").click()
    await expect(notice).to_be_hidden()
    await expect(page.locator("#phase-title")).to_be_focused()
    assert not (await page.title()).startswith("Ny fase")


async def test_an_idea_posted_offline_is_shown_as_waiting_until_it_is_sent(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    context = await phone(browser)
    page = await context.new_page()
    await join(page, live_server.links[DAY1].participant, "Kælder-Karl")
    work = index(programme, "staff-day-1", "needs-and-offers")
    await facilitate(live_server, DAY1, {"type": "start"}, {"type": "jump", "phase": work})
    await at(page, f"phase-{work}")
    await context.set_offline(True)
    await expect(page.locator("body.offline")).to_be_attached()
    await page.fill("#idea-text", "Skrevet uden net")
    await page.click("#compose button.primary")
    pending = page.locator("#pending")
    await expect(pending).to_be_visible()
    await expect(pending).to_contain_text("Skrevet uden net")
    await expect(pending).to_contain_text("Ingen forbindelse")
    await screenshot(page, "phone-pending-da-phone-390")
    await context.set_offline(False)
    await expect(pending).to_be_hidden()
    await expect(page.locator("#board li.idea")).to_have_count(1)


async def test_an_author_deletes_their_idea_and_a_refusal_clears_on_the_next_phase(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    page = await person(browser, live_server.links[DAY1].participant, "Slette-Sara", "da")
    other = await person(browser, live_server.links[DAY1].participant, "Ole", "da", 2)
    work = index(programme, "staff-day-1", "needs-and-offers")
    await facilitate(live_server, DAY1, {"type": "start"}, {"type": "jump", "phase": work})
    await at(page, f"phase-{work}")
    await page.fill("#idea-text", "Skal slettes")
    await page.click("#compose button.primary")
    await expect(other.locator("#board li.idea")).to_have_count(1)
    await expect(other.locator("#board .own-controls:visible")).to_have_count(0)  # not Ole's
    await page.click("#board button.edit-idea")
    await page.click("#delete-form .delete-ask")
    await page.click("#delete-form .delete-yes")
    await expect(page.locator("#edit-dialog")).to_be_hidden()
    await expect(other.locator("#board li.idea")).to_have_count(0)
    assert await focused_is_not_body(page)
    # A refusal beside its control (nothing is posted while paused) goes with the phase.
    await facilitate(live_server, DAY1, {"type": "pause"})
    await expect(page.locator("#phase .paused-note")).to_be_visible()
    await page.fill("#idea-text", "Under pausen")
    await page.click("#compose button.primary")
    await expect(page.locator("#compose .refusal")).to_have_text("Fasen er sat på pause.")
    await expect(page.locator("#idea-text")).to_have_value("Under pausen")  # given back
    await facilitate(live_server, DAY1, {"type": "previous"})
    await expect(page.locator("#compose .refusal")).to_have_count(0)


# --- the accessibility statement ---------------------------------------------------------------


async def test_the_accessibility_statement_in_both_languages_is_linked_from_every_page(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    base = live_server.base
    day1 = live_server.links[DAY1]
    context = await phone(browser)
    page = await context.new_page()
    pages = {
        "home": f"{base}/",
        "join": day1.participant,
        "not-found": f"{base}/nowhere",
        "projector": day1.projector,
        "facilitator": day1.facilitator,
    }
    for name, url in pages.items():
        await page.goto(url)
        link = page.locator("footer a[href='/accessibility']")
        await expect(link, f"the footer of {name}").to_have_count(1)
    for language, heading in (
        ("da", "Tilgængelighedserklæring"),
        ("en", "Accessibility statement"),
    ):
        await page.goto(f"{base}/accessibility?lang={language}")
        await expect(page.locator("h1")).to_have_text(heading)
        await expect(page.locator("main")).to_contain_text("WCAG 2.1")
        assert await page.locator("h1").count() == 1
        for size in ("phone-360", "laptop"):
            await page.set_viewport_size(SIZES[size])
            assert await violations(page) == [], (language, size)
        assert await foreign_words(page, programme) == [], language
        await screenshot(page, f"accessibility-{language}-phone-390")
    await page.goto(f"{base}/tilgaengelighed")
    await expect(page.locator("h1")).to_have_text("Accessibility statement")  # English stays


async def test_a_poll_answer_chosen_before_the_pages_script_has_loaded_is_kept(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    context = await slow_phone(browser)
    page = await context.new_page()
    await join_in(page, live_server.links[DAY2].participant, "Hurtige Hans", "da")
    await facilitate(
        live_server,
        DAY2,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-2", "entry-points-poll")},
    )
    await expect(page.locator("#poll-form")).to_be_visible()
    # A slow phone: the page is there, its script is not; the person chooses meanwhile.
    release = await hold_script(page, "phone.js")
    frames: list[str | bytes] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda f: frames.append(f)))
    await page.reload(wait_until="commit")
    await page.locator("#poll-form input[value=one-door]").check()
    await release()
    # The person's own answers arrive (none yet): the choice on the screen is theirs still.
    await until(lambda: any('"poll"' in str(frame) for frame in frames), "no answers arrived")
    await page.evaluate("new Promise((done) => requestAnimationFrame(() => done()))")
    await expect(page.locator("#poll-form input[value=one-door]")).to_be_checked()
    await page.click("#poll-form button.primary")
    await expect(page.locator("#poll-form .mine-answer")).to_contain_text("Én fælles indgang")
    await context.close()


# Every figure the phone's countdown shows, as the page paints it (a mutation observer runs
# after the task that changed the page, before the next paint), with the moment and the
# figure the deadline gives then.
WATCH_COUNTDOWN = """addEventListener("DOMContentLoaded", () => {
  window.countdown = [];
  const seen = () => document.querySelectorAll("#phase .timer[data-deadline]").forEach((el) => {
    const [m, s] = el.querySelector(".left").textContent.split(":").map(Number);
    const truth = Math.round((Date.parse(el.dataset.deadline) - facilitator.serverNow()) / 1000);
    window.countdown.push({shown: m * 60 + s, truth: Math.max(0, truth)});
  });
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true,
    characterData: true, attributes: true});
});"""


async def test_a_phone_opened_after_the_last_render_counts_down_from_the_deadline_at_once(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    """While a countdown runs, the server keeps a phase fragment whose only change is its
    figure (the page counts it), so a phone that joins seconds later is sent a figure some
    seconds old: what it paints is the time left now, from the first paint on."""
    day1 = live_server.links[DAY1]
    await facilitate(live_server, DAY1, {"type": "start"})
    first = await person(browser, day1.participant, "Anna", "da", 1)
    await at(first, "phase-0")
    await first.wait_for_timeout(3_000)  # the phase fragment the server has is 3 s old
    context = await phone(browser)
    await context.add_init_script(WATCH_COUNTDOWN)
    late = await context.new_page()
    await late.goto(f"{day1.participant}?lang=da")
    await late.fill("#name", "Bo")
    await late.select_option("#department", index=1)
    await late.click("form button.primary")
    await late.wait_for_url("**/me")
    await at(late, "phase-0")
    await late.wait_for_timeout(1_500)
    shown = await late.evaluate("window.countdown")
    assert shown, "the countdown never changed on the page"
    assert all(abs(s["shown"] - s["truth"]) <= 1 for s in shown), shown
