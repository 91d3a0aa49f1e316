"""The leaders' triage screen and the panel's reveal reaching a phone, in a real browser."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from facilitator.agenda import Programme
from tests.browser.support import (
    facilitate,
    join,
    laptop,
    phone,
    screenshot,
    violations,
)
from tests.support import LiveServer

pytestmark = pytest.mark.browser


def index(programme: Programme, workshop: str, key: str) -> int:
    phases = programme.workshop(workshop).agenda.phases
    return next(i for i, p in enumerate(phases) if p.key == key)


async def test_leaders_triage_together_and_the_panel_reveal_appears_on_a_phone(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1, leaders_day, day2 = live_server.links[1], live_server.links[2], live_server.links[3]
    await facilitate(
        live_server,
        1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang for virksomheder"},
        {"type": "post_idea", "text": "Fast kontaktperson i byggesager"},
        {"type": "end"},
    )
    del day1

    # Two leaders triage at the same time, each on their own screen.
    first = await (await laptop(browser)).new_page()
    second = await (await phone(browser)).new_page()
    await join(first, f"{live_server.base}/join/{leaders_day.leader_code}", "Leder A")
    await join(second, f"{live_server.base}/join/{leaders_day.leader_code}", "Leder B", 2)
    await facilitate(
        live_server,
        2,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    entries = first.locator("#catalogue li.entry")
    await expect(entries).to_have_count(2)
    one = entries.nth(0)
    await one.locator("summary").first.click()  # an entry opens to be judged
    await second.locator("#catalogue li.entry").nth(0).locator("summary").first.click()
    await one.locator("select[name=verdict]").select_option("start_now")
    await one.locator("input[name=timeline]").fill("2027-03")
    await one.locator("textarea[name=rationale]").fill("Kan gøres med de folk vi har")
    # Leader B is typing in another field of the same entry while A saves.
    other = second.locator("#catalogue li.entry").nth(0).locator("input[name=priority]")
    await other.fill("1")
    await one.locator("button.primary").click()
    await expect(
        second.locator("#catalogue li.entry").nth(0).locator("select[name=verdict]")
    ).to_have_value("start_now")
    await expect(other).to_have_value("1")  # B's unsaved edit survived A's update
    await second.locator("#catalogue li.entry").nth(0).locator("button.primary").click()
    await expect(one.locator("details.history summary")).to_contain_text("4")
    await entries.nth(1).locator("summary").first.click()
    await entries.nth(1).locator("select[name=verdict]").select_option("await")
    await entries.nth(1).locator("button.primary").click()
    await expect(
        second.locator("#catalogue li.entry").nth(1).locator("select[name=verdict]")
    ).to_have_value("await")
    assert await violations(first) == [], "triage"
    await screenshot(first, "leader-triage")
    await facilitate(live_server, 2, {"type": "end"})

    # Staff day 2: a phone follows the panel; the leader reveals one decision.
    staff = await (await phone(browser)).new_page()
    await join(staff, day2.participant, "Medarbejder")
    leader = await (await laptop(browser)).new_page()
    await join(leader, f"{live_server.base}/join/{day2.leader_code}", "Leder A")
    await facilitate(
        live_server,
        3,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-2", "leader-panel")},
    )
    await expect(staff.locator("#catalogue .empty")).to_be_visible()
    assert "Kan gøres med de folk vi har" not in await staff.content()
    await leader.locator("#catalogue button[value=reveal_decision]").first.click()
    decision = staff.locator("#catalogue li.entry.revealed")
    await expect(decision).to_have_count(1)
    await expect(decision).to_contain_text("Kan gøres med de folk vi har")
    await expect(decision).to_contain_text("Marts 2027")  # the period as the exports say it
    assert "Fast kontaktperson" not in await staff.locator("#catalogue").inner_text()
    await decision.locator("button[value=react]").first.click()
    await expect(leader.locator("#catalogue li.entry.revealed")).to_contain_text("1")
    assert await violations(staff) == [], "panel on a phone"
    await screenshot(staff, "phone-panel")
    await screenshot(leader, "leader-panel")
