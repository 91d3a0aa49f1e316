"""The one Jinja2 environment: what a render depends on, so a fragment can be kept."""

from __future__ import annotations

from collections.abc import Hashable

from jinja2 import DictLoader, Environment

from facilitator.rendering import Assembled, Fingerprint, Renderer, changes, part

TEMPLATES = {
    "list.html": '{% import "macros.html" as m with context %}{{ m.item(first) }} {{ count }}',
    "macros.html": "{% macro item(x) %}<b>{{ x }}</b> {{ shared }}{% endmacro %}",
    "dynamic.html": "{% include which %}",
}


def renderer() -> Renderer:
    return Renderer(Environment(loader=DictLoader(TEMPLATES), autoescape=True))


def test_a_fingerprint_names_what_the_template_and_its_imports_use_and_nothing_else() -> None:
    r = renderer()
    assert r.names("list.html") == ("count", "first", "shared")
    one = r.fingerprint("list.html", {"first": "a", "count": 1, "shared": "s", "other": 1}, "da")
    same = r.fingerprint("list.html", {"first": "a", "count": 1, "shared": "s", "other": 2}, "da")
    assert one == same  # "other" is not used
    assert one != r.fingerprint("list.html", {"first": "a", "count": 2, "shared": "s"}, "da")
    assert one != r.fingerprint("list.html", {"first": "a", "count": 1, "shared": "t"}, "da")
    assert one != r.fingerprint("list.html", {"first": "a", "count": 1, "shared": "s"}, "en")
    assert one != r.fingerprint("list.html", {"first": "a", "count": 1}, "da")  # missing


def test_a_name_left_out_of_a_fingerprint_changes_it_no_more() -> None:
    r = renderer()
    one = r.fingerprint(
        "list.html", {"first": "a", "count": 1, "shared": "s"}, "da", leave_out={"count"}
    )
    two = r.fingerprint(
        "list.html", {"first": "a", "count": 2, "shared": "s"}, "da", leave_out={"count"}
    )
    assert one == two
    assert one != r.fingerprint(
        "list.html", {"first": "b", "count": 1, "shared": "s"}, "da", leave_out={"count"}
    )


def test_a_template_that_includes_one_named_at_run_time_has_no_fingerprint() -> None:
    assert renderer().fingerprint("dynamic.html", {"which": "list.html"}, "da") is None


def test_every_kept_fragment_has_a_fingerprint() -> None:
    from facilitator.web.views.screens import KEPT

    real = Renderer()
    for name in KEPT:
        assert real.names(name) is not None, name


class Counted:
    """A value that counts how often its repr is taken."""

    def __init__(self, text: str) -> None:
        self.text, self.asked = text, 0

    def __repr__(self) -> str:
        self.asked += 1
        return self.text


def test_fingerprints_that_share_values_take_each_shared_values_repr_once() -> None:
    r = renderer()
    shared = Counted("board")
    reprs: dict[int, tuple[object, str]] = {}
    fingerprints = [
        r.fingerprint("list.html", {"first": n, "count": 1, "shared": shared}, "da", reprs)
        for n in range(20)  # twenty groups' contexts around one shared value
    ]
    assert shared.asked == 1
    plain = [
        r.fingerprint("list.html", {"first": n, "count": 1, "shared": Counted("board")}, "da")
        for n in range(20)
    ]
    assert fingerprints == plain  # the same fingerprints as without the memo


def test_a_layered_fingerprint_looks_at_the_shared_layer_once_and_tells_what_changed() -> None:
    r = renderer()
    reprs: dict[int, tuple[object, str]] = {}
    memo: dict[Hashable, tuple[object, Fingerprint | None]] = {}
    shared = {"count": Counted("3"), "shared": Counted("board"), "first": "never shown"}

    def layered(own: dict[str, object], under: dict[str, object] = shared) -> object:
        return r.layered_fingerprint("list.html", under, own, "da", reprs, memo)

    groups = [layered({"first": f"g{n}", "unused": n}) for n in range(20)]
    assert shared["count"].asked == shared["shared"].asked == 1  # type: ignore[attr-defined]
    assert len(set(groups)) == 20  # each group's own value counts
    assert layered({"first": "g0", "unused": "other"}) == groups[0]  # a name no template uses
    assert layered({"first": "g0"}) == groups[0]
    changed = shared | {"shared": "another board"}  # the next state's shared layer
    assert layered({"first": "g0"}, changed) != groups[0]
    # The own layer's value is the one that counts, as in ``shared | own``.
    assert layered({"first": "g0"}, shared | {"first": "g1"}) == groups[0]


PARTS_TEMPLATES = {
    "board.html": (
        '<section id="board">{% filter part %}<h2 id="head">{{ total }} ideas</h2>{% endfilter %}'
        "<p>{{ note }}</p>"
        '{% for s in sections %}{% filter part %}<ul id="s-{{ s.id }}">'
        "{% for i in s.ideas %}<li>{{ i }}</li>{% endfor %}</ul>{% endfilter %}{% endfor %}"
        "</section>"
    ),
    "cards.html": (
        '<section id="board">{% for s in sections %}{% filter part %}<ul id="s-{{ s.id }}">'
        '{% for i in s.ideas %}<li id="{{ i }}">{{ i }}</li>{% endfor %}</ul>{% endfilter %}'
        "{% endfor %}</section>"
    ),
    "loose.html": "<div>{% filter part %}{{ html|safe }}{% endfilter %}</div>",
    "nested.html": (
        '{% filter part %}<div id="out">{% filter part %}<p id="in">{{ x }}</p>{% endfilter %}'
        "</div>{% endfilter %}"
    ),
}


def parts_renderer() -> Renderer:
    env = Environment(loader=DictLoader(PARTS_TEMPLATES), autoescape=True)
    env.filters["part"] = part
    return Renderer(env)


def board(**changes: object) -> str:
    context: dict[str, object] = {
        "total": 2,
        "note": "",
        "sections": [{"id": "a", "ideas": ["one"]}, {"id": "b", "ideas": ["two"]}],
    }
    return parts_renderer().render("board.html", context | changes, "da")


def test_a_fragment_made_of_parts_sends_a_page_that_has_it_only_the_parts_that_changed() -> None:
    before = board()
    after = board(
        total=3, sections=[{"id": "a", "ideas": ["one"]}, {"id": "b", "ideas": ["two", "3"]}]
    )
    assert isinstance(after, Assembled) and after.parts[0] == '<h2 id="head">3 ideas</h2>'
    # Each alone in a <template>, parsed by the page as in place (a table row would be too).
    assert changes(after, before) == (
        '<template><h2 id="head">3 ideas</h2></template>',
        '<template><ul id="s-b"><li>two</li><li>3</li></ul></template>',
    )
    assert changes(after, after) == () and changes(board(), before) == ()
    assert changes(after, None) == (after,)  # a page that has nothing yet gets all of it


def test_a_fragment_whose_text_around_its_parts_changed_is_sent_whole() -> None:
    before = board()
    assert changes(board(note="new"), before) == (board(note="new"),)


def test_a_fragment_whose_parts_came_or_went_or_changed_places_is_sent_whole() -> None:
    before = board()
    a, b = {"id": "a", "ideas": ["one"]}, {"id": "b", "ideas": ["two"]}
    for sections in ([b, a], [a], [a, b, {"id": "c", "ideas": []}]):
        after = board(sections=sections)
        assert changes(after, before) == (after,), sections


def test_an_element_that_moved_from_one_part_to_another_has_its_fragment_sent_whole() -> None:
    r = parts_renderer()

    def cards(a: list[str], b: list[str]) -> str:
        sections = [{"id": "a", "ideas": a}, {"id": "b", "ideas": b}]
        return r.render("cards.html", {"sections": sections}, "da")

    before = cards(["one", "two"], ["three"])
    moved = cards(["one"], ["three", "two"])  # one morph moves it, with what was done to it
    assert changes(moved, before) == (moved,)
    # Gone from one and new in another is no move: each part alone.
    swapped = cards(["one"], ["three", "four"])
    assert changes(swapped, before) == (
        '<template><ul id="s-a"><li id="one">one</li></ul></template>',
        '<template><ul id="s-b"><li id="three">three</li><li id="four">four</li></ul></template>',
    )


def test_a_part_that_is_not_one_element_with_an_id_has_its_fragment_sent_whole() -> None:
    r = parts_renderer()
    for html in ("<p>no id {}</p>", '<b id="x">{}</b><i>2</i>', 'text <b id="x">{}</b>'):
        one = r.render("loose.html", {"html": html.format(1)}, "da")
        two = r.render("loose.html", {"html": html.format(2)}, "da")
        assert isinstance(one, Assembled) and one.frame is None, html
        assert changes(two, one) == (two,), html
    one, two = (r.render("nested.html", {"x": x}, "da") for x in (1, 2))
    assert changes(two, one) == (two,)  # a part inside a part: no frame to keep


def test_a_render_without_parts_is_a_plain_string() -> None:
    html = renderer().render("list.html", {"first": "a", "count": 1, "shared": "s"}, "da")
    assert type(html) is str
