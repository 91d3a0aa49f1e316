"""The facilitator's console in a real browser: one laptop screen runs the day.

Theming by dragging cards onto themes (and by ticking cards and choosing a theme), merging by
dragging a card onto another (and by finding it by text), ending with a confirmation and
reopening, the links and codes, vote counts kept off the screen until opened, the preview of
the other screens, an unreachable server; then axe (every impact, WCAG 2.1 A/AA) and
screenshots of every state at 1280×800 and 1920×1080, in Danish and English.
"""

from __future__ import annotations

import re
from typing import Any

import httpx2 as httpx
import pytest
from playwright.async_api import Browser, Page, expect

from facilitator.agenda import Programme
from tests.browser.support import (
    SIZES,
    facilitate,
    screenshots,
    send,
    token_of,
    view_of,
    violations,
)
from tests.support import JsonClient, LiveServer

pytestmark = pytest.mark.browser

DAY1, LEADERS, DAY2 = 1, 2, 3  # the programme's workshops, as server.links has them
DEPARTMENTS = ("miljo", "beskaeftigelse", "plan-og-byg", "social", "borgerservice")
UNSENT = """Object.keys(localStorage)
    .filter((key) => key.startsWith("outbox:"))
    .reduce((sum, key) => sum + JSON.parse(localStorage.getItem(key)).length, 0)"""


# --- helpers ----------------------------------------------------------------------------------


def phase(programme: Programme, workshop: int, key: str) -> int:
    name = ("leaders-kickoff", "staff-day-1", "leaders-catalogue", "staff-day-2")[workshop]
    phases = programme.workshop(name).agenda.phases
    return next(i for i, p in enumerate(phases) if p.key == key)


async def join_people(server: LiveServer, workshop: int, count: int) -> list[str]:
    """``count`` people join by the participant code; their tokens."""
    tokens = []
    for n in range(count):
        async with httpx.AsyncClient(base_url=server.base) as http:
            answer = await http.post(
                f"/join/{server.links[workshop].join_code}",
                json={"name": f"Deltager {n + 1}", "department": DEPARTMENTS[n % 5]},
            )
        assert answer.status_code == 200, answer.text
        tokens.append(answer.json()["token"])
    return tokens


async def in_groups(server: LiveServer, programme: Programme) -> None:
    """Day 1 under way in its first group work, the people who joined placed in groups."""
    await facilitate(
        server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY1, "needs-and-offers")},
        {"type": "form_groups", "seed": 7},
    )


async def status_of(server: LiveServer, workshop: int) -> dict[str, Any]:
    link = server.links[workshop]
    async with httpx.AsyncClient(base_url=server.base) as http:
        answer = await http.get(
            f"/w/{link.workshop_id}/state",
            headers={"authorization": f"Bearer {token_of(server, workshop)}"},
        )
    state: dict[str, Any] = answer.json()
    return state


async def console(
    browser: Browser, server: LiveServer, workshop: int = DAY1, lang: str = "da"
) -> Page:
    locale = "da-DK" if lang == "da" else "en-GB"
    context = await browser.new_context(viewport=SIZES["laptop"], locale=locale)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    setattr(page, "script_errors", errors)  # noqa: B010 - read by the tests below
    await page.goto(server.links[workshop].facilitator + f"&lang={lang}")
    await expect(page.locator("#live")).to_be_visible()
    return page


async def drained(page: Page) -> None:
    await page.wait_for_function(f"() => ({UNSENT}) === 0", timeout=60_000)


def script_errors(page: Page) -> list[str]:
    errors: list[str] = getattr(page, "script_errors")  # noqa: B009
    return [e for e in errors if "favicon" not in e]


async def ideas_on_board(page: Page) -> list[str]:
    ids: list[str] = await page.eval_on_selector_all(
        "#moderation li.card", "cards => cards.map(c => c.dataset.idea)"
    )
    return ids


# --- theming ------------------------------------------------------------------------------------


async def test_forty_ideas_cluster_into_five_themes_with_at_most_one_drag_each(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    names = ("Adgang", "Svartider", "Kontakt", "Digitalt", "Samarbejde")
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY1, "needs-and-offers")},
        *({"type": "post_idea", "text": f"Forslag nummer {n}"} for n in range(40)),
        *({"type": "create_theme", "name": name} for name in names),
    )
    page = await console(browser, live_server)
    await expect(page.locator("#moderation li.card")).to_have_count(40)
    view = await view_of(live_server, DAY1)
    themes = {t["name"]: t["id"] for t in view["themes"]}
    ideas = {i["text"]: i["id"] for i in view["ideas"]}
    wanted = {ideas[f"Forslag nummer {n}"]: themes[names[n % 5]] for n in range(40)}

    # Thirty by dragging, one drag each, onto the theme's chip at the top of the board.
    drags = 0
    for n in range(30):
        idea = ideas[f"Forslag nummer {n}"]
        chip = page.locator(f"#moderation .chip[data-drop-theme='{wanted[idea]}']")
        await page.locator(f"#mod-{idea}").drag_to(chip)
        drags += 1
        # As a person does, the next drag starts once this card has landed: the board
        # reflows as it moves, and a drag begun meanwhile (a loaded machine) aims at a
        # place that is no longer there.
        await expect(page.locator(f"#section-{wanted[idea]} #mod-{idea}")).to_be_visible()
    for n in range(30):  # each is shown in its theme's section, the theme on its card
        idea = ideas[f"Forslag nummer {n}"]
        card = page.locator(f"#section-{wanted[idea]} #mod-{idea}")
        await expect(card).to_be_visible()
        await expect(card.locator(".theme-name")).to_have_text(names[n % 5])

    # Ten by keyboard: tick the cards of a theme, choose the theme, press Move.
    for k, name in enumerate(names):
        for n in (30 + k, 35 + k):
            await page.focus(f"#pick-{ideas[f'Forslag nummer {n}']}")
            await page.keyboard.press("Space")
        await expect(page.locator("#bulk .picked")).to_have_text("2 valgt")
        await page.focus("#bulk-theme")
        await page.select_option("#bulk-theme", label=name)
        await page.focus("#bulk button")
        await page.keyboard.press("Enter")
        await expect(page.locator("#bulk .picked")).to_have_text("0 valgt")
    await drained(page)
    await expect(page.locator("#section-none li.card")).to_have_count(0)
    stored = {i["id"]: i["theme"] for i in (await view_of(live_server, DAY1))["ideas"]}
    assert stored == wanted
    assert drags <= 40

    # "No theme" is a choice too: by dragging onto its chip, and by keyboard.
    back = [ideas["Forslag nummer 0"], ideas["Forslag nummer 1"]]
    await page.locator(f"#mod-{back[0]}").drag_to(page.locator("#moderation .chip.none"))
    await page.check(f"#pick-{back[1]}")
    await page.select_option("#bulk-theme", value="")
    await page.click("#bulk button")
    await expect(page.locator("#section-none li.card")).to_have_count(2)
    await drained(page)
    stored = {i["id"]: i["theme"] for i in (await view_of(live_server, DAY1))["ideas"]}
    assert stored[back[0]] is None and stored[back[1]] is None

    # New themes and renames in place.
    await page.fill("#theme-name", "Opfølgning")
    await page.click("#moderation .new-theme button")
    await expect(page.locator("#moderation .chip", has_text="Opfølgning")).to_be_visible()
    section = page.locator(f"#section-{themes['Kontakt']}")
    await section.locator(".rename summary").click()
    await section.locator(".rename input[name=name]").fill("Fast kontakt")
    await section.locator(".rename button").click()
    await expect(section.locator("h3")).to_contain_text("Fast kontakt")
    await expect(page.locator(f"#section-{themes['Kontakt']} .theme-name").first).to_have_text(
        "Fast kontakt"
    )
    assert script_errors(page) == []


# --- merging and editing --------------------------------------------------------------------


async def test_ideas_merge_by_a_drag_or_by_finding_the_other_by_its_text(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY1, "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang"},
        {"type": "post_idea", "text": "En fælles indgang til kommunen"},
        {"type": "post_idea", "text": "Kortere svartider"},
        {"type": "post_idea", "text": "Svar på miljøsager inden for en uge"},
    )
    page = await console(browser, live_server)
    view = await view_of(live_server, DAY1)
    ideas = {i["text"]: i["id"] for i in view["ideas"]}
    one, common = ideas["Én indgang"], ideas["En fælles indgang til kommunen"]

    # A card dropped on another asks first; cancelling changes nothing.
    await page.locator(f"#mod-{common}").drag_to(page.locator(f"#mod-{one}"))
    dialog = page.locator("#merge-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator(".merge-source")).to_have_text("En fælles indgang til kommunen")
    await expect(dialog.locator(".merge-target")).to_have_text("Én indgang")
    await dialog.locator("[data-close]").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#moderation li.card")).to_have_count(4)
    await page.locator(f"#mod-{common}").drag_to(page.locator(f"#mod-{one}"))
    await dialog.locator("button[type=submit]").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#moderation li.card")).to_have_count(3)
    await expect(page.locator(f"#mod-{one} .merged")).to_contain_text("En fælles indgang")

    # By keyboard: the shared dialog finds the other idea by a word of its text.
    short = ideas["Kortere svartider"]
    await page.focus(f"#e-{ideas['Svar på miljøsager inden for en uge']}")
    await page.keyboard.press("Enter")
    edit = page.locator("#idea-dialog")
    await expect(edit).to_be_visible()
    await page.fill("#merge-search", "svartider")
    result = edit.locator(f"[data-merge-into='{short}']")
    await expect(result).to_have_count(1)
    await result.click()
    await expect(edit).to_be_hidden()
    await expect(page.locator("#moderation li.card")).to_have_count(2)

    # Edited in the same dialog; a refusal stays beside the button, the dialog open.
    await page.click(f"#e-{one}")
    await expect(page.locator("#edit-text")).to_have_value("Én indgang")
    await page.fill("#edit-text", "   ")
    await page.click("#edit-form button")
    await expect(page.locator("#edit-form .refusal")).to_be_visible()
    await expect(edit).to_be_visible()
    await page.fill("#edit-text", "Én indgang for alle virksomheder")
    await page.click("#edit-form button")
    await expect(edit).to_be_hidden()
    await expect(page.locator(f"#text-{one}")).to_have_text("Én indgang for alle virksomheder")
    await drained(page)
    stored = {i["id"]: i for i in (await view_of(live_server, DAY1))["ideas"]}
    assert stored[common]["merged_into"] == one
    assert stored[ideas["Svar på miljøsager inden for en uge"]]["merged_into"] == short
    assert stored[one]["text"] == "Én indgang for alle virksomheder"
    assert script_errors(page) == []


# --- ending, reopening --------------------------------------------------------------------------


async def test_ending_asks_first_stands_apart_from_next_and_can_be_undone(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    await facilitate(live_server, DAY1, {"type": "start"})
    page = await console(browser, live_server)
    end = page.locator("#live .finish button")
    await expect(end).to_have_text("Afslut workshoppen…")
    near = await page.locator("#live button.next").bounding_box()
    far = await end.bounding_box()
    assert near is not None and far is not None
    assert far["y"] - (near["y"] + near["height"]) > 150  # nowhere near "Næste"

    await end.click()
    dialog = page.locator("#end-dialog")
    await expect(dialog).to_be_visible()
    await dialog.locator("button", has_text="Nej, fortsæt").click()
    await expect(dialog).to_be_hidden()
    assert (await status_of(live_server, DAY1))["status"] == "running"

    await end.click()
    await dialog.locator("button[value=end]").click()
    await expect(page.locator("#live")).to_have_attribute("data-status", "ended")
    await expect(dialog).to_be_hidden()
    assert (await status_of(live_server, DAY1))["status"] == "ended"
    await expect(page.locator("#stage h2")).to_have_text("Workshoppen er slut")

    await page.locator("#live .finish button", has_text="Genåbn").click()
    reopen = page.locator("#reopen-dialog")
    await expect(reopen).to_be_visible()
    await reopen.locator("button[value=reopen]").click()
    await expect(page.locator("#live")).to_have_attribute("data-status", "paused")
    state = await status_of(live_server, DAY1)
    assert state["status"] == "paused" and state["phase"] == 0
    assert script_errors(page) == []


async def test_without_javascript_ending_still_asks_first(
    browser: Browser, live_server: LiveServer
) -> None:
    await facilitate(live_server, DAY1, {"type": "start"})
    context = await browser.new_context(viewport=SIZES["laptop"], java_script_enabled=False)
    page = await context.new_page()
    await page.goto(live_server.links[DAY1].facilitator)
    await page.click("#live .finish button")  # a plain GET: the page with the question open
    await expect(page.locator("#end-dialog")).to_be_visible()
    assert (await status_of(live_server, DAY1))["status"] == "running"
    await page.click("#end-dialog button[value=end]")
    await page.wait_for_url("**/facilitator")
    assert (await status_of(live_server, DAY1))["status"] == "ended"


# --- links and codes --------------------------------------------------------------------------


async def test_the_links_panel_has_every_code_and_a_page_of_them_to_print(
    browser: Browser, live_server: LiveServer
) -> None:
    link = live_server.links[DAY1]
    page = await console(browser, live_server)
    await expect(page.locator("#links")).to_be_hidden()
    await page.click("#console-tabs a[data-tab=links]")
    panel = page.locator("#links")
    await expect(panel).to_be_visible()
    await expect(panel.locator(".leader-code")).to_have_text(link.leader_code)
    await expect(panel.locator(".guest-code")).to_have_text(link.guest_code or "")
    await expect(panel).to_contain_text(link.join_code)
    await expect(panel.locator(f"a[href='{link.participant}']")).to_be_visible()
    projector = panel.locator("a[href*='/projector?token=']")
    assert await projector.get_attribute("target") == "_blank"
    for href in await panel.locator(".exports a").evaluate_all("as => as.map(a => a.href)"):
        answer = await page.request.get(href)
        assert answer.status == 200, href
    await page.reload()  # the chosen view is remembered for this tab
    await expect(page.locator("#links")).to_be_visible()

    printed = await (await page.context.new_page()).goto(
        f"{live_server.base}/w/{link.workshop_id}/links"
    )
    assert printed is not None and printed.status == 200
    text = await printed.text()
    assert link.join_code in text and link.leader_code in text and (link.guest_code or "") in text
    assert token_of(live_server, DAY1) not in text and "projector?token" not in text


# --- counts kept off the screen until opened ----------------------------------------------------


async def test_vote_counts_are_off_the_screen_until_the_facilitator_opens_them(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    tokens = await join_people(live_server, DAY1, 3)
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY1, "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang"},
        {"type": "post_idea", "text": "Kortere svartider"},
        {"type": "jump", "phase": phase(programme, DAY1, "proposals-vote")},
    )
    ideas = [i["id"] for i in (await view_of(live_server, DAY1))["ideas"]]
    for token in tokens:
        await send(live_server, DAY1, token, {"type": "vote", "idea": ideas[1]})
    page = await console(browser, live_server)
    tally = page.locator(f"#mod-{ideas[1]} .tally")
    await expect(tally).to_have_count(1)
    await expect(tally).to_be_hidden()
    await expect(page.locator("#moderation .voters")).to_contain_text("3 af")
    # Before the reveal the order is the posted one: a ranking would give the counts away.
    assert await ideas_on_board(page) == ideas
    await expect(page.locator("#moderation button.reveal")).to_be_visible()

    await page.check("#moderation .show-private")
    await expect(tally).to_be_visible()
    await expect(tally).to_have_text("· 3 stemmer (kun dig)")
    await page.reload()  # remembered for this tab
    await expect(tally).to_be_visible()
    other = await page.context.new_page()  # another tab (the one on the projector) does not
    await other.goto(f"{live_server.base}/w/{live_server.links[DAY1].workshop_id}/facilitator")
    await expect(other.locator(f"#mod-{ideas[1]} .tally")).to_be_hidden()

    await page.uncheck("#moderation .show-private")
    await expect(tally).to_be_hidden()
    await page.click("#moderation button.reveal")
    await expect(tally).to_have_text("· 3 stemmer")
    await expect(tally).to_be_visible()
    assert await ideas_on_board(page) == [ideas[1], ideas[0]]  # revealed: the most first
    assert script_errors(page) == []


# --- the preview of the other screens ------------------------------------------------------------


async def test_the_preview_shows_what_a_participant_of_a_group_sees(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    tokens = await join_people(live_server, DAY1, 8)
    await in_groups(live_server, programme)
    for n, token in enumerate(tokens):
        await send(live_server, DAY1, token, {"type": "post_idea", "text": f"Idé fra nummer {n}"})
    view = await view_of(live_server, DAY1)
    groups = sorted({i["group"] for i in view["ideas"]})
    first = [i["text"] for i in view["ideas"] if i["group"] == groups[0]]
    page = await console(browser, live_server)
    await page.click("#console-tabs a[data-tab=preview]")
    await page.select_option("#preview-group", groups[0])
    frame = page.frame_locator("#preview-frame")
    await expect(frame.locator(".preview-banner")).to_contain_text(
        f"Gruppe {groups[0][1:]}"
    )  # as the wall and phones say
    await expect(frame.locator("#board .idea")).to_have_count(len(first))
    for text in first:
        await expect(frame.locator("#board")).to_contain_text(text)
    # Nothing in it can be pressed, and it has no script.
    assert await frame.locator("main").get_attribute("inert") is not None
    assert await frame.locator("script").count() == 0

    await page.select_option("#preview-role", "projector")
    await expect(frame.locator("#projector")).to_be_visible()
    await expect(frame.locator(".wall .idea")).to_have_count(len(tokens))
    # A new idea reaches the preview by itself while it is shown.
    await send(live_server, DAY1, tokens[0], {"type": "post_idea", "text": "Endnu en idé"})
    await expect(frame.locator(".wall .idea")).to_have_count(len(tokens) + 1)

    answer = await page.request.get(
        f"{live_server.base}/w/{live_server.links[DAY1].workshop_id}/preview/participant"
    )
    assert "frame-ancestors 'self'" in answer.headers["content-security-policy"]
    anyone = await browser.new_context()
    refused = await anyone.request.get(
        f"{live_server.base}/w/{live_server.links[DAY1].workshop_id}/preview/participant"
    )
    assert refused.status == 403
    assert script_errors(page) == []


async def test_among_many_groups_a_person_is_moved_by_typing_their_new_group(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    await join_people(live_server, DAY1, 70)
    await in_groups(live_server, programme)
    for lang in ("da", "en"):
        page = await console(browser, live_server, lang=lang)
        await page.click("#console-tabs a[data-tab=people]")
        first = page.locator("#people tr.person").first
        field = first.locator("input[list=group-choices]")
        groups = await page.eval_on_selector_all(
            "#group-choices option", "options => options.map(o => o.value)"
        )
        assert len(groups) > 12 and await page.locator("#people select").count() == 0
        assert all(g == g.upper() for g in groups)  # as the selects name them
        if lang == "da":
            before = await field.input_value()
            after = next(g for g in groups if g != before)
            await field.fill(after)
            await first.locator("button", has_text="Flyt").click()
            await expect(first.locator("input[list=group-choices]")).to_have_value(after)
            moved = await view_of(live_server, DAY1)
            name = (await first.locator(".name").inner_text()).strip()
            person = next(m["id"] for m in moved["members"] if m["name"] == name)
            assert moved["groups"]["needs-and-offers"][person] == after.lower()  # shown as "G3"
        assert await violations(page) == []
        await screenshots(page, f"console-people-many-groups-{lang}", ("laptop", "wall"))
        assert script_errors(page) == []


# --- plenum, poll and pulse from the console ---------------------------------------------------


async def test_the_plenum_poll_and_pulse_are_run_from_the_console(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    tokens = await join_people(live_server, DAY1, 5)
    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY1, "business-voices")},  # moderated
    )
    for n, token in enumerate(tokens[:2]):
        await send(live_server, DAY1, token, {"type": "post_question", "text": f"Spørgsmål {n}"})
    page = await console(browser, live_server)
    questions = page.locator("#stage .question")
    await expect(questions).to_have_count(2)
    first = (await view_of(live_server, DAY1))["plenum"]["questions"][0]["id"]
    item = page.locator(f"#question-{first}")
    await item.locator("button[value=approve_question]").click()
    await expect(item.locator("button[value=show_question]")).to_be_visible()
    await item.locator("button[value=show_question]").click()
    await expect(item).to_have_class(re.compile(r"\bon-wall\b"))
    await item.locator("button[data-send]").click()  # off the wall again: {"question": null}
    await expect(item).not_to_have_class(re.compile(r"\bon-wall\b"))
    await item.locator("button[value=mark_answered]").click()
    await expect(item).to_have_class(re.compile(r"\banswered\b"))
    # Upvotes reorder the questions: the most upvoted first.
    second = next(
        q for q in (await view_of(live_server, DAY1))["plenum"]["questions"] if q["id"] != first
    )
    await facilitate(live_server, DAY1, {"type": "approve_question", "question": second["id"]})
    for token in tokens[2:]:
        await send(live_server, DAY1, token, {"type": "upvote_question", "question": second["id"]})
    await expect(questions.first).to_have_id(f"question-{second['id']}")
    await item.locator("button[value=hide_question]").click()
    await expect(item.locator("button[value=unhide_question]")).to_be_visible()

    # Speakers and guests, in the people's view.
    await page.click("#console-tabs a[data-tab=people]")
    people = page.locator("#people tbody tr")
    await people.nth(0).locator("button[data-speaker]").click()
    await people.nth(1).locator("button[data-speaker]").click()
    await expect(page.locator("#people .speakers-now")).to_contain_text("Deltager 1, Deltager 2")
    await people.nth(4).locator("button[value=set_guest]").click()
    await expect(people.nth(4)).to_contain_text("Gæst")
    await drained(page)
    view = await view_of(live_server, DAY1)
    questions_now = {q["id"]: q for q in view["plenum"]["questions"]}
    assert questions_now[first]["answered"] and questions_now[first]["hidden"]
    assert view["plenum"]["wall"] is None
    assert len(next(iter(view["plenum"]["speakers"].values()))) == 2
    assert sorted(m["role"] for m in view["members"]).count("guest") == 1

    # The pulse: answers so far, then closed from the console.
    await page.click("#console-tabs a[data-tab=phase]")
    await facilitate(
        live_server, DAY1, {"type": "jump", "phase": phase(programme, DAY1, "pulse-baseline")}
    )
    for token in tokens[:4]:
        scores = {"overall": 4, "case-handling": 3, "information": 5}
        await send(live_server, DAY1, token, {"type": "answer_pulse", "scores": scores})
    await expect(page.locator("#stage .so-far strong")).to_have_text("4")
    await page.click("#stage button[value=close_pulse]")
    await expect(page.locator("#stage .pulse")).to_contain_text("For få svarede")
    assert script_errors(page) == []


async def test_a_poll_is_revealed_from_the_console(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    tokens = await join_people(live_server, DAY2, 3)
    await facilitate(
        live_server,
        DAY2,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY2, "entry-points-poll")},
    )
    page = await console(browser, live_server, DAY2)
    await expect(page.locator("#stage button[value=reveal_poll]")).to_be_disabled()
    for token in tokens:
        await send(live_server, DAY2, token, {"type": "answer_poll", "answer": "one-door"})
    await expect(page.locator("#stage .so-far strong")).to_have_text("3")
    await expect(page.locator("#stage .poll-table")).to_be_hidden()  # only on purpose
    await page.click("#stage button[value=reveal_poll]")
    await expect(page.locator("#stage .poll-table")).to_be_visible()
    assert (await view_of(live_server, DAY2))["polls"]["entry-points-poll"]["revealed"]


# --- an unreachable server -------------------------------------------------------------------


async def test_a_command_sent_while_the_server_is_unreachable_says_so(
    browser: Browser, live_server: LiveServer
) -> None:
    await facilitate(live_server, DAY1, {"type": "start"})
    page = await console(browser, live_server)
    await page.context.set_offline(True)
    await expect(page.locator("body.offline .connection")).to_be_visible()
    await page.click("#live button[value=pause]")
    pause = page.locator("#live form:has(button[value=pause])")
    await expect(pause).to_have_class("command waiting unsent")
    await expect(page.locator("#live .pending-note")).to_contain_text("Ikke sendt")
    await screenshots(page, "console-offline-da", ("laptop",))
    assert (await status_of(live_server, DAY1))["status"] == "running"
    await page.context.set_offline(False)
    await expect(page.locator("#live button[value=resume]")).to_be_visible()
    await expect(page.locator("body.offline")).to_have_count(0)
    assert (await status_of(live_server, DAY1))["status"] == "paused"
    await expect(page.locator("#live [data-waiting]")).to_have_count(0)
    await expect(page.locator("#live .pending-note")).to_be_empty()


# --- every state: axe and screenshots --------------------------------------------------------


async def look(pages: dict[str, Page], state: str, wait: str) -> None:
    """Each language's console in ``state`` once ``wait`` is on it: axe finds nothing, and
    screenshots at 1280×800 and 1920×1080."""
    for lang, page in pages.items():
        await expect(page.locator(wait).first).to_be_visible()
        await page.wait_for_timeout(150)  # the last morph of a burst
        assert await violations(page) == [], f"{state} ({lang})"
        await screenshots(page, f"console-{state}-{lang}", ("laptop", "wall"))
        await page.set_viewport_size(SIZES["laptop"])


async def test_every_console_state_passes_axe_in_both_languages(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    tokens = await join_people(live_server, DAY1, 8)
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        guest = await http.post(
            f"/join/{live_server.links[DAY1].guest_code}", json={"name": "Lise Lokal"}
        )
    assert guest.status_code == 200
    pages = {lang: await console(browser, live_server, DAY1, lang) for lang in ("da", "en")}
    await look(pages, "lobby", "#stage .joined")

    await facilitate(
        live_server,
        DAY1,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY1, "business-voices")},
    )
    await send(
        live_server,
        DAY1,
        tokens[0],
        {"type": "post_question", "text": "Hvad betyder svartid for jer?"},
    )
    await send(
        live_server,
        DAY1,
        tokens[1],
        {"type": "post_question", "text": "Hvem ringer I til først?", "anonymous": True},
    )
    questions = [q["id"] for q in (await view_of(live_server, DAY1))["plenum"]["questions"]]
    await facilitate(
        live_server,
        DAY1,
        {"type": "approve_question", "question": questions[0]},
        {"type": "show_question", "question": questions[0]},
    )
    await send(live_server, DAY1, tokens[2], {"type": "upvote_question", "question": questions[0]})
    await look(pages, "plenum", "#stage .question.on-wall")
    for page in pages.values():
        await page.click("#console-tabs a[data-tab=people]")
    await look(pages, "people", "#people .people-table")

    await facilitate(
        live_server,
        DAY1,
        {"type": "jump", "phase": phase(programme, DAY1, "needs-and-offers")},
        {"type": "form_groups", "seed": 3},
    )
    for n, token in enumerate(tokens):
        text = (
            "Én indgang for virksomheder",
            "Fast kontaktperson i byggesager",
            "Kortere svartider på miljøgodkendelser",
            "Tjekliste før ansøgning",
        )[n % 4]
        await send(live_server, DAY1, token, {"type": "post_idea", "text": f"{text} ({n + 1})"})
    await facilitate(
        live_server,
        DAY1,
        {"type": "create_theme", "name": "Adgang"},
        {"type": "create_theme", "name": "Svartider"},
    )
    view = await view_of(live_server, DAY1)
    await facilitate(
        live_server,
        DAY1,
        {"type": "assign_theme", "idea": view["ideas"][0]["id"], "theme": view["themes"][0]["id"]},
        {"type": "hide_idea", "idea": view["ideas"][1]["id"]},
    )
    for page in pages.values():
        await page.click("#console-tabs a[data-tab=phase]")
    await look(pages, "group-work", "#moderation li.card")
    for page in pages.values():
        await page.click("#console-tabs a[data-tab=links]")
    await look(pages, "links", "#links .leader-code")
    for page in pages.values():
        await page.click("#console-tabs a[data-tab=preview]")
    await look(pages, "preview", "#preview-frame")
    for page in pages.values():
        await page.click("#console-tabs a[data-tab=phase]")
        await page.click(f"#e-{view['ideas'][2]['id']}")
    await look(pages, "edit-dialog", "#idea-dialog")
    for page in pages.values():
        await page.keyboard.press("Escape")

    await facilitate(
        live_server, DAY1, {"type": "jump", "phase": phase(programme, DAY1, "proposals-vote")}
    )
    for token in tokens[:5]:
        await send(live_server, DAY1, token, {"type": "vote", "idea": view["ideas"][2]["id"]})
    await look(pages, "vote", "#moderation button.reveal")
    for page in pages.values():
        await page.check("#moderation .show-private")
    await look(pages, "vote-counts-open", "#moderation .tally")
    await facilitate(live_server, DAY1, {"type": "reveal_votes"})
    await look(pages, "vote-revealed", "#moderation .tally:not(.private)")

    await facilitate(
        live_server, DAY1, {"type": "jump", "phase": phase(programme, DAY1, "pulse-baseline")}
    )
    for token in tokens[:3]:
        scores = {"overall": 4, "case-handling": 3, "information": 4}
        await send(
            live_server, DAY1, token, {"type": "answer_pulse", "scores": scores, "recommend": 8}
        )
    await look(pages, "pulse", "#stage .pulse button[value=close_pulse]")

    for page in pages.values():
        await page.click("#live .finish button")
    await look(pages, "end-dialog", "#end-dialog")
    for page in pages.values():
        await page.keyboard.press("Escape")
    await facilitate(live_server, DAY1, {"type": "end"})
    await look(pages, "ended", "#live .finish button.primary")

    # The leaders' triage and staff day 2's poll and panel, on those workshops' consoles.
    await facilitate(
        live_server,
        LEADERS,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, LEADERS, "one-by-one")},
    )
    entries = [e["id"] for e in (await view_of(live_server, LEADERS))["catalogue"]["entries"]]
    verdicts = ("start_now", "city_council", "await")
    await facilitate(
        live_server,
        LEADERS,
        *(
            {"type": "triage", "entry": entry, "field": "verdict", "value": verdicts[n % 3]}
            for n, entry in enumerate(entries)
        ),
    )
    pages = {lang: await console(browser, live_server, LEADERS, lang) for lang in ("da", "en")}
    await look(pages, "triage", "#catalogue li.entry")
    await facilitate(live_server, LEADERS, {"type": "end"})

    day2 = await join_people(live_server, DAY2, 4)
    await facilitate(
        live_server,
        DAY2,
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, DAY2, "entry-points-poll")},
    )
    for n, token in enumerate(day2):
        answer = ("one-door", "named-contact", "one-door", "per-case")[n]
        await send(live_server, DAY2, token, {"type": "answer_poll", "answer": answer})
    pages = {lang: await console(browser, live_server, DAY2, lang) for lang in ("da", "en")}
    await look(pages, "poll", "#stage .poll")
    for page in pages.values():
        await page.check("#stage .show-private")
    await look(pages, "poll-answers-open", "#stage .poll-table")
    await facilitate(
        live_server, DAY2, {"type": "jump", "phase": phase(programme, DAY2, "leader-panel")}
    )
    panel = [e["id"] for e in (await view_of(live_server, DAY2))["catalogue"]["entries"]]
    await facilitate(live_server, DAY2, {"type": "reveal_decision", "entry": panel[0]})
    await look(pages, "panel", "#catalogue .entry")
    for page in pages.values():
        assert script_errors(page) == []


# --- parts of the board and of the people table -----------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
async def test_the_console_follows_posts_and_arrivals_sent_as_the_parts_that_changed(
    browser: Browser, live_server: LiveServer, programme: Programme, lang: str
) -> None:
    tokens = await join_people(live_server, DAY1, 2)
    await in_groups(live_server, programme)
    page = await console(browser, live_server, lang=lang)
    people = page.locator("#people-title .count")
    await expect(people).to_contain_text("0/2")
    for n in range(3):
        await send(
            live_server, DAY1, tokens[n % 2], {"type": "post_idea", "text": f"Idé nummer {n}"}
        )
    none = page.locator("#section-none li.card")
    await expect(none).to_have_count(3)
    await expect(page.locator("#moderation-title .count")).to_contain_text("3")
    # Hidden, a section of its own appears (the board comes whole); shown again, it goes.
    first = (await ideas_on_board(page))[0]
    await facilitate(live_server, DAY1, {"type": "hide_idea", "idea": first})
    await expect(page.locator("#section-hidden li.card")).to_have_count(1)
    await expect(none).to_have_count(2)
    await facilitate(live_server, DAY1, {"type": "unhide_idea", "idea": first})
    await expect(page.locator("#section-hidden")).to_have_count(0)
    await expect(none).to_have_count(3)
    # Someone comes online: the heading's count and their row change, nothing else.
    phone = JsonClient(live_server.base, live_server.links[DAY1].workshop_id, tokens[0])
    await phone.connect()
    try:
        await expect(people).to_contain_text("1/2")
        await expect(page.locator("#people tr.person.online")).to_have_count(1)
        await screenshots(page, f"console-parts-{lang}", ("laptop", "wall"))
        await page.click('[data-tab="people"]')
        await screenshots(page, f"console-parts-people-{lang}", ("laptop", "wall"))
    finally:
        await phone.drop()
    await expect(people).to_contain_text("0/2")
    await expect(page.locator("#people tr.person.online")).to_have_count(0)
    assert script_errors(page) == []
    await page.context.close()
