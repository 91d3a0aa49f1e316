"""The wall in a real browser, as the back of the room sees it (1920×1080 and 1280×720, in
Danish and in English): the lobby's QR code, the phase header, a plenum's question, a break,
a phase over time, forty ideas in four groups that fit, the ranked result, a poll's chart, the
pulse and the leader panel's timeline. axe finds nothing in any state; every state is saved as
a screenshot at both sizes and in both languages (test-output/screenshots/wall-*.png)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest
from playwright.async_api import Browser, Page, expect
from websockets.asyncio.client import connect

from facilitator.agenda import Programme
from facilitator.store.programmes import WorkshopLinks
from tests.browser.support import (
    SCREENSHOTS,
    SIZES,
    join,
    laptop,
    phone,
    screenshot,
    screenshots,
    violations,
)
from tests.support import LiveServer, record_figures

pytestmark = pytest.mark.browser

DEPARTMENTS = ("miljo", "beskaeftigelse", "plan-og-byg", "social", "borgerservice")
# Forty proposals as people write them on a phone: from a few words to two sentences.
IDEAS = (
    "Én fælles indgang for alle virksomheder",
    "Fast kontaktperson i byggesager",
    "Ring virksomheden op, før vi sender et afslag",
    "Svar på mails inden for to hverdage",
    "Fælles tjekliste for opstart af ny virksomhed",
    "Virksomhedsbesøg sammen med erhvervskontoret en gang om måneden",
    "Kortere svartider på miljøgodkendelser",
    "En side på hjemmesiden med status på min sag",
    "Tværgående sagsmøde, når en sag berører flere afdelinger",
    "Brug almindeligt dansk i breve",
    "Lad jobcentret og erhvervskontoret dele kontaktlister",
    "Sig hvad vi kan, ikke kun hvad vi ikke kan",
    "Morgenmøde for nye virksomheder i kommunen hvert kvartal",
    "Én sagsbehandler følger sagen hele vejen",
    "Fælles kalender for virksomhedsbesøg på tværs af afdelingerne",
    "Forventningsafstemning ved sagens start: hvornår hører du fra os?",
    "Tilbyd et kort møde i stedet for lange mails",
    "Følg op tre måneder efter en afgørelse",
    "Lær hinandens fagområder at kende: en dag i en anden afdeling",
    "Digital booking af møder med byggesag",
    "Kvikguide til virksomheder om affald og miljø",
    "Spørg virksomheden, hvordan den vil kontaktes",
    "Fælles skabelon for svar på henvendelser",
    "Erhvervsvenlig sagsbehandling som fast punkt på personalemøder",
    "Mål tilfredsheden lige efter hver afgørelse",
    "Hurtig afklaring: hvem ejer sagen?",
    "Færre overdragelser mellem kolleger",
    "Telefontid om eftermiddagen også",
    "Del gode eksempler på service i nyhedsbrevet",
    "Tjek om virksomheden har andre sager hos os, før vi svarer",
    "Lokale virksomheder fortæller om deres hverdag på et temamøde",
    "Sparring mellem afdelingerne om svære sager, en gang om ugen",
    "Kortere breve med det vigtigste først",
    "Vejledning før ansøgning, så færre ansøgninger sendes retur",
    "Ét nummer, der altid bliver taget",
    "Fælles overblik over virksomhedens sager i alle afdelinger",
    "Ros, når det lykkes: fortæl om de gode sager",
    "Et fast team for de store virksomheder, med én tovholder og faste møder",
    "Introduktion for nye medarbejdere om erhvervsservice",
    "Gør det nemt at klage og lær af klagerne",
)
# The ranking after the vote: these five, in this order (the first was posted last but three).
TOP = {37: 20, 4: 14, 21: 10, 12: 8, 30: 6}
# Words of the wall's own that only one language may show (the ideas are Danish in both).
DANISH_ONLY = ("Fase ", "Deltagerkode", "over tid", "Tilbage kl.", "Gruppe ", "Uden gruppe",
               "Oplægsholder", "Flest stemmer", "stemmer i alt", "Spørgsmålet nu", "har svaret",
               "Tidsplan", "Ledernes beslutning", "Opbakning", "Side ")  # fmt: skip
ENGLISH_ONLY = ("Phase ", "Join code", "over time", "Back at", "Group ", "Without a group",
                "Speaker", "Most votes", "votes in all", "The question now", "answered",
                "Timeline", "The leaders' decision", "Backing", "Page ")  # fmt: skip


class Room:
    """The people in the room, through the server's JSON commands: the facilitator's token
    and one per phone."""

    def __init__(self, server: LiveServer, link: WorkshopLinks) -> None:
        self.server, self.link = server, link
        self.http = httpx.AsyncClient(base_url=server.base)
        self.token = link.facilitator.split("token=")[1]
        self.phones: list[tuple[str, str]] = []  # (participant id, token)

    async def facilitate(self, *commands: dict[str, Any]) -> None:
        for command in commands:
            await self.send(self.token, command)

    async def send(self, token: str, command: dict[str, Any]) -> None:
        answer = await self.http.post(
            f"/w/{self.link.workshop_id}/commands?token={token}", json=command
        )
        assert answer.status_code == 200, (command, answer.text)

    async def join(self, count: int, prefix: str = "Medarbejder", code: str = "") -> list[str]:
        joined = []
        for n in range(count):
            person = {"name": f"{prefix} {len(self.phones) + 1}", "department": DEPARTMENTS[n % 5]}
            async with httpx.AsyncClient(base_url=self.server.base) as device:  # a phone each
                answer = await device.post(f"/join/{code or self.link.join_code}", json=person)
            assert answer.status_code == 200, answer.text
            found = answer.json()
            self.phones.append((found["participant"], found["token"]))
            joined.append(found["participant"])
        return joined

    async def state(self) -> dict[str, Any]:
        """The facilitator's snapshot of the workshop (docs/api.md §4)."""
        url = f"{self.server.ws}/w/{self.link.workshop_id}/ws?protocol=json&token={self.token}"
        async with connect(url, compression=None) as socket:
            await socket.send(json.dumps({"type": "hello", "last_seq": None}))
            while True:
                message = json.loads(await socket.recv())
                if message["type"] == "snapshot":
                    view: dict[str, Any] = message["view"]
                    return view

    async def jump(self, programme: Programme, key: str) -> None:
        phases = [p.key for p in programme.workshop(self.link.key).agenda.phases]
        await self.facilitate({"type": "jump", "phase": phases.index(key)})


async def walls(browser: Browser, link: WorkshopLinks) -> dict[str, Page]:
    """The projector in Danish and in English, each in its own browser at 1920×1080."""
    pages = {}
    for language in ("da", "en"):
        page = await (await laptop(browser, 1920, 1080)).new_page()
        await page.goto(link.projector)  # the token moves into a cookie: a clean address
        await page.goto(page.url.split("?")[0] + f"?lang={language}")
        await expect(page.locator("html")).to_have_attribute("lang", language)
        pages[language] = page
    return pages


async def check(pages: dict[str, Page], state: str) -> None:
    """axe at every impact, one language's words only, and the screenshots at both sizes."""
    for language, page in pages.items():
        await page.wait_for_timeout(150)  # the swap's frame, the clock's next second
        found = await violations(page)
        assert found == [], (state, language, found)
        text = await page.locator("#projector").inner_text()
        for word in ENGLISH_ONLY if language == "da" else DANISH_ONLY:
            assert word not in text, (state, language, word)
        await screenshots(page, f"wall-{state}-{language}", ("wall", "wall-720"))
        await page.set_viewport_size(SIZES["wall"])


# Every idea either inside the viewport, or on a page of the wall's paging while its
# indicator shows; and the document no taller or wider than the screen.
FITS = """() => {
  const w = innerWidth, h = innerHeight;
  const paging = !!document.querySelector("#projector .pages.on");
  const outside = [];
  let hidden = 0;
  for (const el of document.querySelectorAll("#projector .wall .idea")) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) { hidden += 1; continue; }
    if (box.left < 0 || box.top < 0 || box.right > w + 0.5 || box.bottom > h + 0.5) {
      outside.push(el.textContent.trim());
    }
  }
  const idea = document.querySelector("#projector .wall .idea");
  const title = document.querySelector("#projector-title");
  return {
    outside, hidden, paging,
    pages: document.querySelector("#projector .pages").textContent.trim(),
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
    viewport: [w, h],
    idea_px: idea ? parseFloat(getComputedStyle(idea).fontSize) : null,
    title_px: parseFloat(getComputedStyle(title).fontSize),
    rem_px: parseFloat(getComputedStyle(document.documentElement).fontSize),
    density: (document.querySelector("#projector .wall[data-fit]") || {}).className,
  };
}"""


VISIBLE_ROWS = """() => [...document.querySelectorAll("#projector .result li")].filter((li) => {
  const b = li.getBoundingClientRect();
  return b.height && b.bottom <= innerHeight;
}).length"""


def ballots(targets: dict[int, int], phones: int, budget: int, per_idea: int) -> list[list[int]]:
    """Each phone's votes (idea indexes) so that idea i gets targets[i] votes in all."""
    left = [budget] * phones
    out: list[list[int]] = [[] for _ in range(phones)]
    turn = 0
    for idea, count in targets.items():
        given = [0] * phones
        while count:
            if left[turn] and given[turn] < per_idea:
                out[turn].append(idea)
                left[turn] -= 1
                given[turn] += 1
                count -= 1
            turn = (turn + 1) % phones
    return out


def vote_targets() -> dict[int, int]:
    targets = dict(TOP)
    spare = 20 * 5 - sum(TOP.values())  # every phone spends its five votes
    others = [i for i in range(len(IDEAS)) if i not in TOP]
    n = 0
    while spare:
        idea = others[n % len(others)]
        targets[idea] = targets.get(idea, 0) + 1
        spare -= 1
        n += 3  # spread them, few per idea (3 and 35 share no factor)
    assert max(v for i, v in targets.items() if i not in TOP) < min(TOP.values())
    return targets


def record(name: str, figures: dict[str, Any]) -> None:
    """The measurements, for the report (test-output/screenshots/wall-figures.json)."""
    record_figures(SCREENSHOTS / "wall-figures.json", name, figures)


async def test_staff_day_one_on_the_wall(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    room = Room(live_server, live_server.links[1])
    pages = await walls(browser, room.link)
    da, en = pages["da"], pages["en"]

    # The lobby: a QR code for the back row, the code, the title, how many are in.
    await room.join(20)
    await expect(da.locator(".lobby .joined")).to_have_text("20 personer er med")
    await expect(en.locator(".lobby .joined")).to_have_text("20 people have joined")
    for page in pages.values():
        qr = await page.locator(".lobby .qr svg path").bounding_box()  # the code as drawn
        assert qr is not None and qr["height"] >= 0.4 * 1080, qr
        await expect(page.locator(".lobby .code.big")).to_have_text(room.link.join_code)
    await check(pages, "lobby")
    await da.set_viewport_size(SIZES["wall-720"])
    qr = await da.locator(".lobby .qr svg path").bounding_box()  # the code as drawn
    assert qr is not None and qr["height"] >= 0.4 * 720, qr
    await da.set_viewport_size(SIZES["wall"])

    # The welcome: phase 1 of 13 in letters for the back of the room.
    await room.facilitate({"type": "start"})
    total = len(programme.workshop("staff-day-1").agenda.phases)
    await expect(da.locator(".phase-count")).to_have_text(f"Fase 1 af {total}")
    await expect(en.locator(".phase-count")).to_have_text(f"Phase 1 of {total}")
    title = await da.evaluate(FITS)
    assert title["title_px"] >= 4 * title["rem_px"] and title["title_px"] >= 64, title
    await check(pages, "welcome")

    # The service pulse: how many answered, then each item's distribution.
    await room.jump(programme, "pulse-baseline")
    pulse = programme.workshop("staff-day-1").agenda.pulse
    assert pulse is not None
    for n, (_, token) in enumerate(room.phones):
        scores = {item.key: 1 + (n + i) % 5 if n % 3 else 4 for i, item in enumerate(pulse.items)}
        await room.send(token, {"type": "answer_pulse", "scores": scores, "recommend": n % 11})
    await expect(da.locator(".pulse .answered")).to_contain_text("20")
    await check(pages, "pulse-open")
    await room.facilitate({"type": "close_pulse"})
    await expect(da.locator(".pulse .item")).to_have_count(len(pulse.items))
    await expect(da.locator(".pulse .item").first).to_contain_text("n = 20")
    await check(pages, "pulse-results")

    # A plenum: the speakers by name, and the question the facilitator put on the wall.
    guests = await room.join(2, "Gæst", code=room.link.guest_code or "")
    await room.jump(programme, "business-voices")
    await room.facilitate({"type": "name_speakers", "participants": guests})
    await expect(da.locator(".speakers")).to_contain_text("Gæst 21 og Gæst 22")
    await expect(en.locator(".speakers")).to_contain_text("Gæst 21 and Gæst 22")
    questions = (
        "Hvordan får I fat i den rigtige sagsbehandler i dag?",
        "Hvad betyder hurtige svar for jeres forretning?",
        "Hvornår har kommunen senest overrasket jer positivt?",
        "Hvad skal vi holde op med?",
    )
    for n, text in enumerate(questions):
        await room.send(room.phones[n][1], {"type": "post_question", "text": text})
    asked = [q["id"] for q in (await room.state())["plenum"]["questions"]]
    for key in asked:
        await room.facilitate({"type": "approve_question", "question": key})
    for n, (_, token) in enumerate(room.phones[4:16]):
        await room.send(token, {"type": "upvote_question", "question": asked[n % 3]})
    await room.facilitate({"type": "show_question", "question": asked[1]})
    for page in pages.values():
        await expect(page.locator(".on-wall .question")).to_have_text(questions[1])
        await expect(page.locator(".top-questions li")).to_have_count(3)
    await check(pages, "plenum")

    # A break says when we are back; past its end the clock counts on: "+m:ss over time".
    await room.jump(programme, "morning-break")
    await expect(da.locator(".back-at")).to_contain_text("Tilbage kl.")
    await expect(en.locator(".back-at")).to_contain_text("Back at")
    await check(pages, "break")
    for page in pages.values():
        await page.clock.set_system_time(datetime.now() + timedelta(minutes=18, seconds=20))
        await expect(page.locator(".wall-clock .left")).to_have_text(re.compile(r"^\+3:[12]\d$"))
        await expect(page.locator(".wall-clock.over")).to_be_visible()
    await expect(da.locator(".over-note")).to_have_text("over tid")
    await expect(en.locator(".over-note")).to_have_text("over time")
    await expect(da.locator(".wall-clock")).to_contain_text("over tid")  # said, not only shown
    await check(pages, "over-time")
    for page in pages.values():
        await page.clock.set_system_time(datetime.now())

    # Group work: forty ideas in four groups, every one on the wall.
    await room.jump(programme, "needs-and-offers")
    await room.facilitate({"type": "form_groups", "seed": 7})
    for n, text in enumerate(IDEAS):
        await room.send(room.phones[n % 20][1], {"type": "post_idea", "text": text})
    await room.join(1, "Sen")  # joined after the groups: in none
    await room.send(room.phones[-1][1], {"type": "post_idea", "text": "Skrevet uden gruppe"})
    # The facilitator sorts some ideas into themes: their labels are on the wall too.
    for name in ("Kontakt", "Svartider", "Klart sprog"):
        await room.facilitate({"type": "create_theme", "name": name})
    view = await room.state()
    themes = [t["id"] for t in view["themes"]]
    ideas = {i["text"]: i["id"] for i in view["ideas"]}
    for n, text in enumerate(IDEAS[:12]):
        await room.facilitate({"type": "assign_theme", "idea": ideas[text], "theme": themes[n % 3]})
    await expect(da.locator("#projector .wall .theme")).to_have_count(12)
    for page in pages.values():
        await expect(page.locator("#projector .wall .idea")).to_have_count(len(IDEAS) + 1)
        await expect(page.locator("#projector .wall .column")).to_have_count(5)
        await expect(page.locator("#projector .wall .members").first).to_contain_text("Medarbejder")
    await expect(da.locator(".column.loose h3")).to_contain_text("Uden gruppe")
    for size in ("wall", "wall-720"):
        await da.set_viewport_size(SIZES[size])
        await da.wait_for_timeout(100)
        fits = await da.evaluate(FITS)
        record(f"board-41-ideas-{size}", fits)
        await screenshots(da, f"wall-board-measured-{size}", (size,))
        assert fits["outside"] == [], fits
        assert fits["hidden"] == 0 or fits["paging"], fits
        assert fits["scroll"] == fits["viewport"], fits
    await da.set_viewport_size(SIZES["wall"])
    await check(pages, "board")

    # The vote, then the ranked result: the top five in order.
    await room.jump(programme, "proposals-vote")
    ideas = {i["text"]: i["id"] for i in (await room.state())["ideas"]}
    order = [ideas[text] for text in IDEAS]
    for (_, token), given in zip(room.phones, ballots(vote_targets(), 20, 5, 2), strict=False):
        for index in given:
            await room.send(token, {"type": "vote", "idea": order[index]})
    await check(pages, "vote")
    await room.facilitate({"type": "reveal_votes"})
    expected = [re.compile("^" + re.escape(IDEAS[i])) for i in TOP]  # and a theme, if any
    for page in pages.values():
        await expect(page.locator(".result .ranking .rank .text")).to_have_text(expected)
    await expect(da.locator(".result .ranking .rank").first).to_contain_text("20 stemmer")
    await expect(en.locator(".result .ranking .rank").first).to_contain_text("20 votes")
    figures = await da.evaluate(VISIBLE_ROWS)
    record("result-visible-rows-1080", {"rows": figures, "ideas": len(IDEAS) + 1})
    await check(pages, "result")

    # After the end the result stays, under "the workshop has ended".
    await room.facilitate({"type": "end"})
    await expect(da.locator("#projector-title")).to_have_text("Workshoppen er slut")
    await expect(da.locator(".result .ranking .rank .text")).to_have_text(expected)
    await check(pages, "ended")


async def test_staff_day_two_poll_and_leader_panel_on_the_wall(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    day1 = Room(live_server, live_server.links[1])
    await day1.facilitate({"type": "start"})
    await day1.jump(programme, "needs-and-offers")
    for text in IDEAS[:6]:
        await day1.facilitate({"type": "post_idea", "text": text})
    await day1.facilitate({"type": "end"})

    leaders = Room(live_server, live_server.links[2])
    await leaders.facilitate({"type": "start"})
    await leaders.jump(programme, "one-by-one")
    entries = {e["text"]: e["id"] for e in (await leaders.state())["catalogue"]["entries"]}
    plan = (
        (IDEAS[0], "start_now", "2027-Q1", "borgerservice", "Kan gøres med de folk, vi har."),
        (IDEAS[1], "start_now", "2027-03", "plan-og-byg", "Byggesager først."),
        (IDEAS[2], "start_now", "2027-Q2", "miljo", ""),
        (IDEAS[3], "city_council", None, None, "Kræver en bevilling."),
        (IDEAS[4], "await", None, None, "Vi venter på den nye hjemmeside."),
    )
    for text, verdict, timeline, owner, rationale in plan:
        fields = {"verdict": verdict, "timeline": timeline, "owner": owner, "rationale": rationale}
        for field, value in fields.items():
            if value:
                await leaders.facilitate(
                    {"type": "triage", "entry": entries[text], "field": field, "value": value}
                )
    await leaders.facilitate({"type": "end"})

    room = Room(live_server, live_server.links[3])
    pages = await walls(browser, room.link)
    da, en = pages["da"], pages["en"]
    await room.join(20)
    await room.facilitate({"type": "start"})

    # A poll: how many answered, and after the reveal the chart.
    await room.jump(programme, "entry-points-poll")
    answers = ["one-door"] * 9 + ["named-contact"] * 6 + ["per-case"] * 4 + ["as-today"]
    for (_, token), answer in zip(room.phones, answers, strict=True):
        await room.send(token, {"type": "answer_poll", "answer": answer})
    await expect(da.locator(".poll .answered")).to_contain_text("20")
    await check(pages, "poll-open")
    await room.facilitate({"type": "reveal_poll"})
    for page in pages.values():
        await expect(page.locator(".poll .chart li")).to_have_count(4)
    await expect(da.locator(".poll .chart li").first).to_contain_text("9")
    await expect(da.locator(".poll .chart li").first).to_contain_text("45\u00a0%")
    await expect(en.locator(".poll .chart li").first).to_contain_text("One front door")
    await check(pages, "poll-result")

    # The leader panel: the latest decision big, the timeline in months and quarters.
    await room.jump(programme, "leader-panel")
    await expect(da.locator(".panel-wall .waiting")).to_be_visible()
    await check(pages, "panel-empty")
    shown = {e["text"]: e["id"] for e in (await room.state())["catalogue"]["entries"]}
    for text in (IDEAS[1], IDEAS[3], IDEAS[0]):
        await room.facilitate({"type": "reveal_decision", "entry": shown[text]})
    for n, (_, token) in enumerate(room.phones[:14]):
        reaction = "support" if n < 11 else "question"
        await room.send(token, {"type": "react", "entry": shown[IDEAS[0]], "reaction": reaction})
    await room.send(
        room.phones[15][1],
        {"type": "ask_question", "text": "Hvem tager telefonen?", "entry": shown[IDEAS[0]]},
    )
    await expect(da.locator(".panel-wall .latest .text")).to_have_text(IDEAS[0])
    await expect(da.locator(".panel-wall .latest .reactions")).to_contain_text("11")
    await expect(da.locator(".timeline-wall h3")).to_have_text(["1. kvartal 2027", "Marts 2027"])
    await expect(en.locator(".timeline-wall h3")).to_have_text(["Q1 2027", "March 2027"])
    await expect(da.locator(".timeline-wall h2")).to_be_visible()
    await check(pages, "panel")


PAGE = re.compile(r"(\d+)\D+(\d+)")
# How the wall split its lists into pages (for a failure's message): per list, its height,
# pages and the page of each item; the region's density and the moment the page took.
LAYOUT = """() => ({now: facilitator.serverNow(), lists: [...document.querySelectorAll(
  "#projector [data-page-list]")].map((l) => ({h: l.clientHeight, pages: l.dataset.pages,
  items: [...l.children].map((i) => i.dataset.page + ":"
    + (i.textContent.match(/\\((\\d+)\\)/) || [])[1]
    + (i.classList.contains("off-page") ? "" : "*")).join(" ")})),
  density: [...document.querySelectorAll("#projector [data-fit]")].map((r) => r.className),
  boxes: [...document.querySelectorAll("body, main, #projector, #projector > *, .wall-head,"
    + " .wall-head *, .wall-body, .wall-body > *, .column > *")]
    .map((e) => e.tagName + "." + e.className + "=" + Math.round(e.getBoundingClientRect().width)
      + "x" + Math.round(e.getBoundingClientRect().height)
      + (/^(H1|TIME)$/.test(e.tagName) ? " " + JSON.stringify(e.textContent) : "")).join(" | ")})"""
SHOWN = """() => [...document.querySelectorAll("#projector .wall .idea")]
    .filter((el) => { const b = el.getBoundingClientRect(); return b.width && b.height; })
    .map((el) => {
      const b = el.getBoundingClientRect();
      return {text: el.textContent.trim(), inside: b.top >= 0 && b.bottom <= innerHeight + 0.5
        && b.left >= 0 && b.right <= innerWidth + 0.5};
    })"""


async def test_beyond_what_fits_the_wall_pages_calmly_and_a_morph_keeps_the_page(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    room = Room(live_server, live_server.links[3])
    pages = await walls(browser, room.link)
    da = pages["da"]
    await room.facilitate({"type": "start"})
    await room.jump(programme, "sparring-partner")  # no groups formed: plain columns
    await room.join(10)
    texts = [f"{IDEAS[n % len(IDEAS)]} ({n + 1})" for n in range(110)]
    for n, text in enumerate(texts):
        await room.send(room.phones[n % 10][1], {"type": "post_idea", "text": text})
    await expect(da.locator("#projector .wall .idea")).to_have_count(len(texts))
    indicator = da.locator("#projector .pages.on")
    await expect(indicator).to_have_text(re.compile(r"^Side \d+ af \d+$"))
    await expect(pages["en"].locator("#projector .pages.on")).to_have_text(
        re.compile(r"^Page \d+ of \d+$")
    )
    found = PAGE.search(await indicator.inner_text())
    assert found is not None
    count = int(found[2])
    assert count >= 2
    # Each page in turn (12 s each, from the server's clock): every idea on one of them,
    # every one shown inside the screen.
    cycle = 12_000 * count
    start = (int(datetime.now().timestamp() * 1000) // cycle + 2) * cycle + 6_000
    first: set[str] = set()  # what the first page shows
    log: list[dict[str, Any]] = []  # how each page was laid out, for a failure's message

    async def visit(page: int, at: int) -> set[str]:
        """The wall at page ``page`` of the cycle that starts at ``at``: what it shows."""
        await da.clock.set_system_time(datetime.fromtimestamp((at + page * 12_000) / 1000))
        await expect(indicator).to_have_text(f"Side {page + 1} af {count}")
        shown = await da.evaluate(SHOWN)
        assert shown and all(item["inside"] for item in shown), shown
        log.append({"page": page, "shown": len(shown), "layout": await da.evaluate(LAYOUT)})
        return {item["text"] for item in shown}

    seen: set[str] = set()
    for page in range(count):
        shown = await visit(page, start)
        seen |= shown
        first = first or shown
        if page == 1:
            await da.wait_for_timeout(800)  # the turned page's 0.6 s fade-in, not its middle
            await screenshots(da, "wall-paging-da", ("wall", "wall-720"))
            await da.set_viewport_size(SIZES["wall"])
            # The start of the same page's 12 s: time enough for a morph within them.
            moment = datetime.fromtimestamp((start + page * 12_000) / 1000)
            await da.clock.set_system_time(moment - timedelta(seconds=5))
            await expect(indicator).to_have_text(f"Side {page + 1} af {count}")
            # A new idea arrives (a morph): the wall stays on the page it shows.
            before = {item["text"] for item in await da.evaluate(SHOWN)}
            await room.facilitate({"type": "post_idea", "text": "Kom lige med en til"})
            await expect(da.locator("#projector .wall .idea")).to_have_count(len(texts) + 1)
            await expect(indicator).to_have_text(f"Side {page + 1} af {count}")
            after = {item["text"] for item in await da.evaluate(SHOWN)}
            # Not back on the first page; what was shown is shown still (an item at the foot
            # of a column may move to the next page if the column's room changed by a pixel).
            assert not after & first and len(before - after) <= 2, (before - after, after & first)
    # A wall whose room changed during the cycle (the lists' height: seen under a loaded
    # machine, 719 px on the first page, 806 on the next) paged that cycle by two layouts;
    # the next cycle, in one layout, shows every idea. The heights are in the message.
    heights = {tuple(lst["h"] for lst in entry["layout"]["lists"]) for entry in log}
    if len(heights) > 1:
        again = start + 2 * cycle
        seen = set().union(*[await visit(page, again) for page in range(count)])
    missing = sorted(set(texts) - seen)
    assert seen >= set(texts[:-1]) and len(seen) >= len(texts) - 1, json.dumps([missing, log])
    # A cycle paged by two layouts is kept with its layouts, for whoever looks for the cause.
    relaid = {"heights": sorted(heights), "log": log} if len(heights) > 1 else None
    record("paging-110-ideas", {"pages": count, "seen": len(seen), "relaid": relaid})
    await da.wait_for_timeout(800)  # a page that has just turned fades in for 0.6 s
    assert await violations(da) == []


async def test_the_wall_opened_from_the_facilitators_own_browser_shows_what_the_room_sees(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    """The console opens the wall in a new window of the same browser, where the
    facilitator's cookie would make it the console's view: it is the wall's, and live."""
    room = Room(live_server, live_server.links[1])
    context = await laptop(browser, 1920, 1080)
    console = await context.new_page()
    await console.goto(room.link.facilitator)
    await expect(console.locator("#live")).to_be_visible()
    wall = await context.new_page()
    await wall.goto(room.link.projector)
    await expect(wall.locator(".lobby .code.big")).to_have_text(room.link.join_code)
    await room.facilitate({"type": "start"})
    await room.jump(programme, "needs-and-offers")
    await room.facilitate(
        {"type": "post_idea", "text": "Synlig for alle"},
        {"type": "post_idea", "text": "Skjult af facilitatoren"},
    )
    hidden = next(i["id"] for i in (await room.state())["ideas"] if i["text"].startswith("Skjult"))
    await room.facilitate({"type": "hide_idea", "idea": hidden})
    await expect(wall.locator("#projector .wall .idea")).to_have_text(["Synlig for alle"])
    await wall.reload()
    await expect(wall.locator("#projector .wall .idea")).to_have_text(["Synlig for alle"])


async def test_the_programmes_pulse_shows_every_measurement_and_the_change_on_one_screen(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    pulse = programme.pulse
    assert pulse is not None
    # The baseline on staff day 1 and the end of staff day 2: the overall item from 2,5 to 4,0.
    for link, key, overall in ((1, "pulse-baseline", (2, 3)), (3, "pulse-end", (4, 4))):
        room = Room(live_server, live_server.links[link])
        await room.join(12)
        await room.facilitate({"type": "start"})
        await room.jump(programme, key)
        for n, (_, token) in enumerate(room.phones):
            scores = {item.key: 3 for item in pulse.items} | {"overall": overall[n % 2]}
            await room.send(token, {"type": "answer_pulse", "scores": scores, "recommend": 7})
        await room.facilitate({"type": "close_pulse"}, {"type": "end"})

    day2 = live_server.links[3]
    for language in ("da", "en"):
        page = await (await laptop(browser, 1920, 1080)).new_page()
        await page.goto(f"{day2.projector.replace('/projector?', '/pulse?')}&lang={language}")
        table = page.locator(".pulse-programme-table")
        # Only what anyone answered: the baseline, the end, and the change between them.
        await expect(table.locator("thead th")).to_have_count(1 + 2 + 1)
        first = table.locator("tbody tr").first
        await expect(first.locator("td").first).to_contain_text(
            "2,5" if language == "da" else "2.5"
        )
        await expect(first.locator("td.change")).to_contain_text(
            "+1,5" if language == "da" else "+1.5"
        )
        assert await violations(page) == [], language
        await screenshots(page, f"wall-programme-pulse-{language}", ("wall", "wall-720", "laptop"))
        assert await page.evaluate("document.documentElement.scrollWidth") <= 1280


WALL_IDEAS = """() => [...document.querySelectorAll("#projector .wall .idea .text")]
    .map((e) => e.firstChild.textContent.trim())"""


async def test_ideas_posted_before_the_groups_stay_with_their_authors_and_once_on_the_wall(
    browser: Browser, live_server: LiveServer, programme: Programme
) -> None:
    room = Room(live_server, live_server.links[1])
    wall = (await walls(browser, room.link))["da"]
    console = await (await laptop(browser, 1280, 800)).new_page()
    await console.goto(room.link.facilitator)
    await room.join(8)
    await room.facilitate({"type": "start"})
    await room.jump(programme, "needs-and-offers")
    phones: dict[str, Page] = {}
    for name in ("Anna Tidlig", "Bo Tidlig"):
        page = await (await phone(browser)).new_page()
        await join(page, room.link.participant, name)
        phones[name] = page
    # Everyone posts before there are groups: two through their phones, eight by command.
    for name, page in phones.items():
        await page.fill("#idea-text", f"{name} skrev før grupperne")
        await page.click("#compose button")
        await expect(page.locator("#board .idea", has_text=f"{name} skrev")).to_have_count(1)
    for n, (_, token) in enumerate(room.phones):
        await room.send(token, {"type": "post_idea", "text": f"Idé {n + 1} før grupperne"})
    texts = sorted(
        [f"{name} skrev før grupperne" for name in phones]
        + [f"Idé {n + 1} før grupperne" for n in range(len(room.phones))]
    )

    async def everyone_sees_everything(state: str) -> None:
        for name, page in phones.items():  # one's own idea, in one's own group
            await expect(page.locator("#board .idea", has_text=f"{name} skrev")).to_have_count(1)
        await expect(wall.locator("#projector .wall .idea")).to_have_count(len(texts))
        assert sorted(await wall.evaluate(WALL_IDEAS)) == texts, state  # each exactly once
        for text in texts:
            await expect(console.locator("#moderation li.card", has_text=text)).to_have_count(1)
        await screenshot(wall, f"wall-groups-{state}")
        await screenshot(phones["Anna Tidlig"], f"phone-groups-{state}")

    await room.facilitate({"type": "form_groups", "seed": 7})
    await everyone_sees_everything("formed")

    # A second group-work phase on the same board: new groups, and Anna moved by hand.
    await room.jump(programme, "sharpen-proposals")
    await room.facilitate({"type": "form_groups", "seed": 8})
    view = await room.state()
    groups = view["groups"]["sharpen-proposals"]
    anna = next(m["id"] for m in view["members"] if m["name"] == "Anna Tidlig")
    other = next(g for g in sorted(set(groups.values())) if g != groups[anna])
    await room.facilitate({"type": "move_participant", "participant": anna, "group": other})
    await everyone_sees_everything("second-phase")
