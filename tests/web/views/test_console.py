"""The console's context (web/views/console.py), built from states the core decided: the board by
theme, counts kept back until revealed, the plenum's questions by upvotes, a poll's and a
pulse's answers so far, the links and codes, and the card cache (the people table:
test_people.py)."""

from __future__ import annotations

from dataclasses import replace

from facilitator import i18n
from facilitator.agenda import Role
from facilitator.core.actors import FACILITATOR
from facilitator.core.board_messages import (
    AssignTheme,
    CreateTheme,
    FormGroups,
    HideIdea,
    MergeIdeas,
    PostIdea,
    RevealVotes,
    Vote,
)
from facilitator.core.commands import End, Next
from facilitator.rendering import Renderer
from facilitator.store.tables import Workshop
from facilitator.web.views import cards
from facilitator.web.views.agenda import console_context
from facilitator.web.views.console import (
    Card,
    board_view,
    console_view,
    links_of,
    preview_context,
    stage_mode,
)
from facilitator.web.views.screens import screen_context
from tests.web.views.driven import PEOPLE, ROW, T0, Day


def test_the_board_is_by_theme_unthemed_first_and_hidden_ideas_last(day: Day) -> None:
    day.go("needs-and-offers")
    ideas = [day.do(PostIdea(text=f"Idé {n}"), who) for n, who in enumerate(PEOPLE)]
    access = day.do(CreateTheme(name="Adgang"))
    day.do(CreateTheme(name="Svartider"))
    day.do(AssignTheme(idea=ideas[1], theme=access))
    day.do(HideIdea(idea=ideas[2]))
    view = board_view(day.state, day.agenda, day.board(), "da")
    assert view is not None
    assert [(s.name, [c.id for c in s.cards], s.hidden) for s in view.sections] == [
        ("", [ideas[0], ideas[3]], False),
        ("Adgang", [ideas[1]], False),
        ("Svartider", [], False),
        ("", [ideas[2]], True),
    ]
    assert [(chip.name, chip.count) for chip in view.chips] == [
        ("", 2),
        ("Adgang", 1),
        ("Svartider", 0),
    ]
    themed = view.sections[1].cards[0]
    assert (themed.theme, themed.theme_name, themed.author) == (access, "Adgang", "Bo")
    assert view.vote is None and not view.readonly and view.total == 4


def test_a_merged_idea_shows_inside_its_target_and_not_on_its_own(day: Day) -> None:
    day.go("needs-and-offers")
    one = day.do(PostIdea(text="Én indgang"), "anna")
    two = day.do(PostIdea(text="En fælles indgang"), "bo")
    day.do(MergeIdeas(source=two, target=one))
    view = board_view(day.state, day.agenda, day.board(), "da")
    assert view is not None
    [card] = view.sections[0].cards
    assert card.id == one and card.merged == ("En fælles indgang",)


def test_votes_keep_the_posted_order_and_stay_private_until_revealed(day: Day) -> None:
    day.go("needs-and-offers")
    first, second = (day.do(PostIdea(text=t), "anna") for t in ("Første", "Anden"))
    day.go("proposals-vote")
    day.do(Vote(idea=second), "bo")
    day.do(Vote(idea=second), "cai")
    view = board_view(day.state, day.agenda, day.board(), "da")
    assert view is not None and view.vote is not None
    # The order would tell the room what the hidden counts say.
    assert [c.id for c in view.sections[0].cards] == [first, second]
    assert [(c.votes, c.votes_public) for c in view.sections[0].cards] == [(0, False), (2, False)]
    assert (view.vote.voters, view.vote.cast, view.vote.revealed) == (2, 2, False)
    assert view.vote.eligible == len(PEOPLE)
    day.do(RevealVotes())
    view = board_view(day.state, day.agenda, day.board(), "da")
    assert view is not None
    assert [(c.id, c.votes_public) for c in view.sections[0].cards] == [
        (second, True),
        (first, True),
    ]


def test_after_the_end_the_last_board_stays_read_only(day: Day) -> None:
    day.go("needs-and-offers")
    day.do(PostIdea(text="Én indgang"), "anna")
    day.do(End())
    view = board_view(day.state, day.agenda, day.board(), "da")
    assert view is not None and view.readonly
    assert all(card.readonly for s in view.sections for card in s.cards)
    assert stage_mode(day.state, day.agenda) == "ended"


def test_a_post_makes_one_new_card_and_the_others_are_the_very_cards_of_before(day: Day) -> None:
    day.go("needs-and-offers")
    for n, who in enumerate(PEOPLE):
        day.do(PostIdea(text=f"Idé {n}"), who)
    access = day.do(CreateTheme(name="Adgang"))
    themed = day.do(PostIdea(text="Én indgang"), "anna")
    day.do(AssignTheme(idea=themed, theme=access))
    before = board_view(day.state, day.agenda, day.board(), "da")
    day.do(PostIdea(text="Ring tilbage"), "bo")
    after = board_view(day.state, day.agenda, day.board(), "da")
    assert before is not None and after is not None
    old = {card.id: card for section in before.sections for card in section.cards}
    new = {card.id: card for section in after.sections for card in section.cards}
    assert [i for i in new if i not in old] != [] and len(new) == len(old) + 1
    assert all(new[i] is old[i] for i in old)  # kept by identity: their HTML is found by it
    assert after.sections[1] is before.sections[1]  # the themed section did not change
    assert after.sections[0] is not before.sections[0]  # the post landed in "no theme"


def test_the_links_are_every_code_and_download(day: Day) -> None:
    links = links_of(ROW, "http://laptop:8000")
    assert (links.join_code, links.leader_code, links.guest_code) == ("JOIN42", "LEAD42", "GUEST4")
    assert links.join_url == "http://laptop:8000/join/JOIN42"
    assert links.leader_url == "http://laptop:8000/join/LEAD42"
    assert links.projector_url.endswith(f"/w/{ROW.id}/projector?token={'p' * 24}")
    hrefs = [href for _, formats in links.exports for _, href in formats]
    base = f"/w/{ROW.id}"
    for path in ("export.md", "export.csv", "export.xlsx", "export.html", "board.csv"):
        assert f"{base}/{path}" in hrefs
    assert f"{base}/questions.xlsx" in hrefs and f"{base}/pulse.csv" in hrefs
    alone = Workshop(**{**ROW.model_dump(), "programme_id": None})
    assert all("pulse" not in href for _, f in links_of(alone, "").exports for _, href in f)


def test_the_stage_follows_the_phase(day: Day, day2: Day) -> None:
    assert stage_mode(day.state, day.agenda) == "lobby"
    for key, mode in (
        ("welcome", "plain"),
        ("pulse-baseline", "pulse"),
        ("business-voices", "plenum"),
        ("needs-and-offers", "board"),
        ("proposals-vote", "board"),
        ("home-reflection", "reflection"),
    ):
        day.go(key)
        assert stage_mode(day.state, day.agenda) == mode, key
    for key, mode in (("entry-points-poll", "poll"), ("leader-panel", "panel")):
        day2.go(key)
        assert stage_mode(day2.state, day2.agenda) == mode, key


def test_the_preview_of_a_group_shows_that_groups_ideas_only(day: Day) -> None:
    day.go("needs-and-offers")
    day.do(FormGroups(seed=1))
    posted = {who: day.do(PostIdea(text=f"Fra {who}"), who) for who in PEOPLE}
    groups = day.state.board.groups["needs-and-offers"]
    group = groups["anna"]
    context = preview_context(day.scene(), Role.PARTICIPANT, group)
    assert {row.id for row in context["ideas"]} == {
        posted[who] for who in PEOPLE if groups[who] == group
    }
    assert context["my_group"] == group
    assert preview_context(day.scene(), Role.PARTICIPANT, "no-such-group") == {}
    assert preview_context(day.scene(), Role.PROJECTOR, group) == {}


def test_the_console_context_has_the_board_people_and_links(day: Day) -> None:
    day.go("needs-and-offers")
    day.do(PostIdea(text="Én indgang"), "anna")
    context = console_view(day.scene(), ROW, day.board(), "da", "http://laptop")
    assert context["stage"] == "board" and context["desk"].total == 1
    assert context["links"].leader_code == "LEAD42"
    assert context["next_phase"]["minutes"] > 0


def test_only_the_end_counts_the_ideas_so_a_post_leaves_the_stage_as_it_was(day: Day) -> None:
    day.go("needs-and-offers")
    day.do(PostIdea(text="Én indgang"), "anna")
    running = console_view(day.scene(), ROW, day.board(), "da", "http://laptop")
    assert running["ideas_total"] is None  # the kept stage's fingerprint reads it
    day.do(PostIdea(text="Ring tilbage"), "bo")
    day.do(End())
    ended = console_view(day.scene(), ROW, day.board(), "da", "http://laptop")
    assert ended["stage"] == "ended" and ended["ideas_total"] == 2


def test_a_post_renders_the_section_it_lands_in_and_keeps_the_other_sections(day: Day) -> None:
    cards.clear()
    renderer = Renderer()
    day.go("needs-and-offers")
    access = day.do(CreateTheme(name="Adgang"))
    day.do(AssignTheme(idea=day.do(PostIdea(text="Én dør ind"), "anna"), theme=access))

    def moderation() -> str:
        context = screen_context(
            day.scene(), ROW, FACILITATOR, "da", base_url="http://laptop", now=T0
        )
        return renderer.render("fragments/moderation.html", context, "da")

    before = moderation()
    assert len(cards._sections) == 2  # no theme (empty), and Adgang
    day.do(PostIdea(text="Ring tilbage"), "bo")
    after = moderation()
    assert len(cards._sections) == 3  # only the section without a theme was rendered again
    assert "Ring tilbage" in after and after.count("Én dør ind") == before.count("Én dør ind")
    assert 'id="section-none"' in after and f'id="section-{access}"' in after


def test_a_card_is_rendered_once_per_row_and_again_when_it_changes() -> None:
    cards.clear()
    renderer = Renderer()
    template = renderer.env.from_string("{{ cards_html(rows) }}")
    card = Card(
        id="i1",
        text="Én <indgang>",
        author="Anna",
        group="g1",
        theme="",
        theme_name="",
        votes=None,
        votes_public=False,
        hidden=False,
        merged=(),
        earlier="",
        readonly=False,
    )

    def render(*rows: Card) -> str:
        context = {**i18n.render_context("da"), "rows": rows, "cards_html": cards.cards_html}
        return template.render(context | {"workshop": ROW})

    first = render(card)
    assert "Én &lt;indgang&gt;" in first and 'draggable="true"' in first
    assert f'action="/w/{ROW.id}/commands"' in first
    assert render(card) == first
    assert len(cards._cards) == 1  # the same row: kept, not rendered again
    themed = replace(card, theme="t1", theme_name="Adgang")
    assert "Adgang" in render(themed) and len(cards._cards) == 2
    assert render(themed, card) == render(themed) + first  # in their order, each kept
    assert 'draggable="true"' not in render(replace(card, readonly=True))


def test_a_post_leaves_the_agendas_rows_as_they_were_and_a_new_phase_makes_them_anew(
    day: Day,
) -> None:
    day.go("needs-and-offers")
    before = console_context(day.agenda, day.state, ROW, T0, "da", "http://laptop")["phases"]
    day.do(PostIdea(text="Én indgang"), "anna")
    after = console_context(day.agenda, day.state, ROW, T0, "da", "http://laptop")["phases"]
    assert after is before  # kept by the machine's identity: the same rows, their repr once
    day.do(Next())
    moved = console_context(day.agenda, day.state, ROW, T0, "da", "http://laptop")["phases"]
    current = [row.index for row in moved if row.state == "current"]
    assert moved is not before and current == [day.state.machine.phase]
