"""One Jinja2 environment for pages, websocket pushes and printable exports.

Autoescaped (Jinja2's own default is not), and rendering in any language per call: the
language travels in each render's context (``i18n.render_context``), never in globals.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Collection, Hashable
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemLoader, Template, meta, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator import __version__, i18n
from facilitator.paths import STATIC, TEMPLATES


@functools.cache
def static_url(name: str) -> str:
    """A static file's address with its content's hash: cached for a year by browsers and
    asked for again the moment the file changes (nothing to revalidate over bad wifi)."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code and are read again on a restart, like the code: no
        # file's time is asked for on every render (a thousand renders per change).
        auto_reload=False,
    )
    i18n.install(env)
    env.globals["version"] = __version__
    env.globals["static"] = static_url
    env.filters["part"] = part
    return env


# --- parts: what of a fragment a page may be sent alone ---------------------------------------
#
# A fragment of 800 ideas changes in one theme's section when an idea is posted; a table of
# 1,000 people in one row when someone comes online. The page swaps every element it is sent
# by its id (static/app.js), so it can be sent just those. A template marks such elements as
# parts (``{% filter part %}``, or a kept piece that registers itself: ``views.pieces``); the
# render is then an ``Assembled`` string that knows them, and ``changes`` says what of it a
# page that holds an earlier render needs: nothing, the parts that changed, or all of it.

PARTS = "\x00parts"  # the render context's key of the parts a render registers (no name)
_FIRST_TAG = re.compile(r'\s*<([a-zA-Z][\w-]*)(?:\s[^>]*?)?\sid="([^"]+)"')


def register(context: Context, html: str) -> None:
    """Count ``html`` (one element, with an id) as a part of the fragment being rendered,
    if what is rendered is a fragment (a kept piece's own render registers nothing)."""
    parts = context.get(PARTS)
    if parts is not None:
        parts.append(html)


@jinja2.pass_context
def part(context: Context, html: str) -> Markup:
    """``{% filter part %}<div id="…">…</div>{% endfilter %}``: a part of the fragment (its
    whitespace around trimmed: a page message starts with its first element)."""
    markup = Markup(html.strip())
    register(context, markup)
    return markup


class Assembled(str):
    """A rendered fragment that knows its parts (elements with their own ids, in order) and
    so its frame: the text around them, with their ids. Two renders with the same frame
    differ only inside parts."""

    parts: tuple[str, ...]

    def __new__(cls, html: str, parts: Collection[str]) -> Assembled:
        made = super().__new__(cls, html)
        made.parts = tuple(parts)
        return made

    @functools.cached_property
    def frame(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The text between the parts and their ids, or None where a part is not one element
        with an id, in order, outside the others (then the fragment is sent whole)."""
        between, ids = [], []
        position = 0
        for piece in self.parts:
            start = self.find(piece, position)
            first = _FIRST_TAG.match(piece)
            if start < 0 or first is None or not piece.rstrip().endswith(f"</{first[1]}>"):
                return None
            between.append(self[position:start])
            ids.append(first[2])
            position = start + len(piece)
        between.append(self[position:])
        return tuple(between), tuple(ids)

    @functools.cached_property
    def alone(self) -> tuple[str, ...]:
        """Each part as it is sent alone: in a ``<template>`` of its own, so that the page
        parses it as it would in place whatever it is (a table row among headings is dropped
        by an HTML parser otherwise); the page takes it out (static/app.js)."""
        return tuple(f"<template>{piece}</template>" for piece in self.parts)


def changes(new: str, old: str | None) -> tuple[str, ...]:
    """What of the fragment ``new`` a page that holds ``old`` (None: nothing yet) is sent:
    nothing if they are the same; only the parts that changed if their frames are the same
    (the page swaps each by its id; each as ``Assembled.alone``) and no element moved from
    one part to another; else ``new`` whole."""
    if old is not None and (new is old or new == old):
        return ()
    if isinstance(new, Assembled) and isinstance(old, Assembled):
        frame = new.frame
        if frame is not None and frame == old.frame:
            changed = [
                (p, q, alone)
                for p, q, alone in zip(new.parts, old.parts, new.alone, strict=True)
                if p is not q and p != q
            ]
            if not _moved([(p, q) for p, q, _ in changed]):
                return tuple(alone for _, _, alone in changed)
    return (new,)


_ID = re.compile(r'\sid="([^"]+)"')


def _moved(pairs: list[tuple[str, str]]) -> bool:
    """Whether an element with an id left one of these parts (old, new) for another: a card
    moved between two themes' sections. A page morphs each part it is sent on its own, so
    it would make the element anew in one and drop it from the other, losing what the
    person had done to it (a ticked box, focus) and the morph's knowledge of it; the whole
    fragment is one morph, which moves the element as it is."""
    if len(pairs) < 2:
        return False
    came, went = [], []
    for new, old in pairs:
        now, before = set(_ID.findall(new)), set(_ID.findall(old))
        came.append(now - before)
        went.append(before - now)
    return any(came[i] & went[j] for i in range(len(pairs)) for j in range(len(pairs)) if i != j)


# A fingerprint: the language, then per name the value's repr (None: left out; ``_ABSENT``:
# not in the context), a tuple rather than one joined string so that no repr is copied.
# A layered one (``layered_fingerprint``) starts with the shared layer's fingerprint instead.
Fingerprint = tuple[object, ...]
_ABSENT = "\x00absent"  # no repr is this: a repr never holds a NUL unescaped


class Renderer:
    def __init__(self, env: Environment | None = None) -> None:
        self.env = env or make_environment()
        self._templates: dict[str, Template] = {}  # by name, found once (the env's cache locks)

    def render(self, name: str, context: dict[str, Any], language: str) -> str:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        parts: list[str] = []
        html = template.render({**i18n.render_context(language), **context, PARTS: parts})
        return Assembled(html, parts) if parts else html

    def fingerprint(
        self,
        name: str,
        context: dict[str, Any],
        language: str,
        reprs: dict[int, tuple[object, str]] | None = None,
        leave_out: Collection[str] = (),
    ) -> Fingerprint | None:
        """What a render of ``name`` depends on: the language and the ``repr`` of every
        context value it (or a template it includes or imports) names, in the order of
        ``names(name)``. Equal fingerprints give equal output, so a caller may keep one
        render for as long as its fingerprint holds (a value whose ``repr`` is not its
        content only makes the fingerprint differ). None: the template reaches one named at
        run time, so nobody can say.

        ``reprs`` remembers each value's repr by identity, for fingerprints of contexts that
        share values no one changes meanwhile (it holds the values, so no id is reused); the
        fingerprint holds those very strings, so twenty groups' fingerprints of one state
        share their memory and compare by identity where they agree. ``leave_out``: names
        whose values the page works out for itself (a running countdown's figure), so that a
        change in them alone keeps the render."""
        names = self.names(name)
        if names is None:
            return None
        parts: list[str | None] = [language]
        for key in names:
            if key in leave_out:
                parts.append(None)
                continue
            value = context.get(key, _ABSENT)
            if value is _ABSENT:
                parts.append(_ABSENT)
            else:
                parts.append(repr(value) if reprs is None else _repr_of(value, reprs))
        return tuple(parts)

    def layered_fingerprint(
        self,
        name: str,
        shared: dict[str, Any],
        own: dict[str, Any],
        language: str,
        reprs: dict[int, tuple[object, str]],
        memo: dict[Hashable, tuple[object, Fingerprint | None]],
        leave_out: Collection[str] = (),
    ) -> Fingerprint | None:
        """``fingerprint`` of ``shared | own`` for many contexts that share one ``shared``
        object (twenty groups' views of one state): the shared layer's part is computed once
        per set of ``own``'s names and kept in ``memo`` (with ``shared`` itself, so that its
        identity names it), and then each context costs the look-up of its own names."""
        names = self.names(name)
        if names is None:
            return None
        key = (name, id(shared), frozenset(own), frozenset(leave_out))
        found = memo.get(key)
        if found is None:
            base = self.fingerprint(name, shared, language, reprs, {*leave_out, *own})
            found = memo[key] = (shared, base)
        parts: list[object] = [found[1]]
        for key_name in names:
            if key_name in own and key_name not in leave_out:
                parts.append(_repr_of(own[key_name], reprs))
        return tuple(parts)

    @functools.cache  # noqa: B019 - one renderer per app, templates read once
    def names(self, name: str) -> tuple[str, ...] | None:
        """The context names ``name`` uses, with those of the templates it reaches (None if
        one of those is named at run time)."""
        found: set[str] = set()
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0]  # type: ignore[union-attr]
            tree = self.env.parse(source)
            found |= meta.find_undeclared_variables(tree)
            reached = list(meta.find_referenced_templates(tree))
            if None in reached:
                return None
            todo += [t for t in reached if t]
        return tuple(sorted(found))


def _repr_of(value: object, reprs: dict[int, tuple[object, str]]) -> str:
    """``repr(value)``, once per value that ``reprs`` holds."""
    known = reprs.get(id(value))
    if known is None:
        known = reprs[id(value)] = (value, repr(value))
    return known[1]
