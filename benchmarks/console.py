"""The facilitator's console at 100, 400 and 800 ideas: its bytes and its render time,
beside a baseline measured in the same run (the same number of bare ``<li>`` cards rendered
by the same Jinja2 environment).

    .venv/bin/python benchmarks/console.py                 # 100, 400, 800 ideas; 15 renders each
    .venv/bin/python benchmarks/console.py --ideas 40 --renders 5

What is timed is what the room does on the event loop after a change: build the screen's
context (``screen_context``) and render the console's live fragments (``FRAGMENTS``), the
HTML every facilitator socket is sent. "first" renders with every cache emptied (a room
just loaded); "change" renders after one idea was edited, the way a live workshop moves.
The page is the whole console as first loaded (``facilitator/console.html``). Each figure
is the median of ``--renders`` renders. No server, no database: the state is folded from
events, as a room restores it.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from facilitator.agenda import GroupWorkPhase, Role
from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
from facilitator.core.actors import FACILITATOR
from facilitator.core.board_messages import (
    GroupsFormed,
    IdeaEdited,
    IdeaPosted,
    IdeaThemed,
    ParticipantJoined,
    ThemeCreated,
)
from facilitator.core.events import PhaseChanged, WorkshopStarted
from facilitator.core.workshop import Event, WorkshopState, fold
from facilitator.rendering import Renderer
from facilitator.store.tables import Workshop
from facilitator.web.views.screens import FRAGMENTS, Scene, screen_context

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
PEOPLE = 20
THEMES = ("Én indgang", "Svartider", "Kontaktperson", "Digitale løsninger", "Samarbejde")
WORDS = (
    "virksomheder", "byggesager", "svartid", "kontakt", "sagsbehandler", "vejledning",
    "indgang", "miljøgodkendelse", "erhvervsservice", "dialog", "tilladelse", "opfølgning",
)  # fmt: skip


def _text(n: int) -> str:
    """A plausible idea of 60 to 120 characters, different for every n."""
    words = [WORDS[(n * 7 + k * 5) % len(WORDS)] for k in range(6 + n % 6)]
    return f"Forslag {n}: " + " ".join(words)


def scene_with(ideas: int) -> tuple[Scene, Workshop]:
    programme = load_programme(DEFAULT_PROGRAMME)
    agenda = programme.workshop("staff-day-1").agenda
    index, phase = next(
        (i, p) for i, p in enumerate(agenda.phases) if isinstance(p, GroupWorkPhase)
    )
    departments = [d.key for d in programme.departments]
    people = [f"{n:032x}" for n in range(1, PEOPLE + 1)]
    groups = {f"g{g + 1}": tuple(people[g::5]) for g in range(5)}
    group_of = {pid: g for g, members in groups.items() for pid in members}
    events: list[Event] = [
        ParticipantJoined(
            at=T0,
            participant=pid,
            name=f"Deltager {n}",
            department=departments[n % len(departments)],
            role="participant",
        )
        for n, pid in enumerate(people)
    ]
    events += [
        WorkshopStarted(at=T0),
        PhaseChanged(at=T0, left=None, entered=0),
        PhaseChanged(at=T0, left=0, entered=index),
        GroupsFormed(at=T0, phase=phase.key, groups=groups),
    ]
    events += [
        ThemeCreated(at=T0, theme=f"t{k}", board=phase.board, name=name)
        for k, name in enumerate(THEMES)
    ]
    for n in range(ideas):
        author = people[n % PEOPLE]
        at = T0 + timedelta(seconds=n)
        events.append(
            IdeaPosted(
                at=at,
                idea=f"i{n:05d}",
                board=phase.board,
                group=group_of[author],
                author=author,
                text=_text(n),
                anonymous=False,
                phase=phase.key,
            )
        )
        if n % 2:  # half of them sorted into themes already
            events.append(IdeaThemed(at=at, idea=f"i{n:05d}", theme=f"t{n % len(THEMES)}"))
    state = fold(WorkshopState.initial([p.minutes for p in agenda.phases]), events)
    names = {d.key: {"da": d.name.da, "en": d.name.en or d.name.da} for d in programme.departments}
    scene = Scene(state, agenda, frozenset(people), names, {})
    row = Workshop(
        id="0" * 31 + "1",
        key="staff-day-1",
        agenda={},
        join_code="ABC123",
        leader_code="LED456",
        guest_code="GST789",
        facilitator_token="f" * 24,
        projector_token="p" * 24,
    )
    return scene, row


def _clear_caches() -> None:
    """Empty the card cache, where there is one (a room just loaded renders every card)."""
    try:
        cards = importlib.import_module("facilitator.web.views.cards")
    except ImportError:
        return
    cards.clear()


def _edited(scene: Scene, n: int) -> Scene:
    """The scene after one more change: an idea's text edited."""
    ideas = list(scene.state.board.ideas)
    idea = ideas[n % len(ideas)]
    event = IdeaEdited(at=T0, idea=idea, text=f"{_text(n)} (rettet {n})", by="facilitator")
    return Scene(
        fold(scene.state, [event]),
        scene.agenda,
        scene.online,
        scene.departments,
        scene.shared_reflections,
    )


def _fragments(renderer: Renderer, scene: Scene, row: Workshop) -> str:
    context = screen_context(scene, row, FACILITATOR, "da", base_url="http://laptop", now=T0)
    return "".join(renderer.render(name, context, "da") for name in FRAGMENTS[Role.FACILITATOR])


def _page(renderer: Renderer, scene: Scene, row: Workshop) -> str:
    context = screen_context(scene, row, FACILITATOR, "da", base_url="http://laptop", now=T0)
    return renderer.render("facilitator/console.html", context | {"server_now": ""}, "da")


def _median_ms(run: Callable[[], Any], renders: int, before: Callable[[], Any]) -> float:
    times = []
    for _ in range(renders):
        before()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


BASELINE = "<ul>{% for idea in ideas %}<li>{{ idea }}</li>{% endfor %}</ul>"


def measure(ideas: int, renders: int) -> dict[str, float]:
    renderer = Renderer()
    scene, row = scene_with(ideas)
    page = _page(renderer, scene, row)
    fragments = _fragments(renderer, scene, row)
    first = _median_ms(lambda: _fragments(renderer, scene, row), renders, _clear_caches)
    scenes = iter([_edited(scene, n) for n in range(renders + 1)])
    current = next(scenes)
    _fragments(renderer, current, row)  # warm: the cards of the state before the change

    def change() -> None:
        nonlocal current
        current = next(scenes)

    changed = _median_ms(lambda: _fragments(renderer, current, row), renders, change)
    bare = renderer.env.from_string(BASELINE)
    texts = [_text(n) for n in range(ideas)]
    baseline_html = bare.render(ideas=texts)
    baseline = _median_ms(lambda: bare.render(ideas=texts), renders, lambda: None)
    return {
        "ideas": ideas,
        "page_bytes": len(page.encode()),
        "fragment_bytes": len(fragments.encode()),
        "first_ms": first,
        "change_ms": changed,
        "baseline_bytes": len(baseline_html.encode()),
        "baseline_ms": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, nargs="+", default=[100, 400, 800])
    parser.add_argument("--renders", type=int, default=15)
    args = parser.parse_args()
    print(
        "| ideas | console page | live fragments | render, first (ms) | render, after a change"
        " (ms) | baseline bytes | baseline (ms) | bytes / baseline | change / baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.ideas:
        r = measure(n, args.renders)
        print(
            f"| {n} | {r['page_bytes'] / 1024:,.1f} KiB | {r['fragment_bytes'] / 1024:,.1f} KiB"
            f" | {r['first_ms']:.1f} | {r['change_ms']:.1f} | {r['baseline_bytes'] / 1024:,.1f} KiB"
            f" | {r['baseline_ms']:.2f} | {r['fragment_bytes'] / r['baseline_bytes']:.1f}"
            f" | {r['change_ms'] / r['baseline_ms']:.1f} |"
        )


if __name__ == "__main__":
    main()
