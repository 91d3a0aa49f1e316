"""No English in the Danish UI and no Danish in the English UI, judged against the catalogs.

Every msgid whose Danish differs from it must not be seen on a Danish page (it would mean an
untranslated string), and no such Danish translation on an English page; likewise the
programme's own texts (titles, prompts, options, departments, the pulse) in the other
language. What people wrote (ideas, questions, names, rationales) is not the UI and is left
out: elements with class ``text``, ``texts``, ``rationale``, ``brand`` or ``value``, form
fields, and anything marked with another ``lang`` (the language switch)."""

from __future__ import annotations

import functools
import re
from typing import Any

from babel.messages.pofile import read_po
from playwright.async_api import Page
from pydantic import BaseModel

from facilitator import i18n
from facilitator.agenda import Programme, Text

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|%%")
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)

# The page's words as a person meets them, shown or about to be (hidden notes, data-* texts
# that the script puts in place), without what people wrote themselves.
UI_TEXT = """() => {
  const lang = document.documentElement.lang;
  const skip = (el) => !!el.closest(
    ".text, .texts, .rationale, .brand, .value, textarea, script, style, template");
  const foreign = (el) => { const l = el.closest("[lang]"); return l && l.lang !== lang; };
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (el && !skip(el) && !foreign(el)) out.push(node.nodeValue);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (skip(el) || foreign(el)) continue;
    for (const attr of el.attributes) {
      const named = ["aria-label", "title", "placeholder"].includes(attr.name);
      const said = /^data-.*(text|label|title|button|done|template|announce)/.test(attr.name);
      if (named || said) out.push(attr.value);
    }
  }
  return out.join("\\n");
}"""


def _pattern(text: str) -> re.Pattern[str] | None:
    """A text as a pattern (its placeholders match anything), or None if too short to judge."""
    pieces = PLACEHOLDER.split(text)
    literal = "".join(pieces)
    if len(LETTERS.findall(literal)) < 4:
        return None
    body = ".+?".join(re.escape(piece.strip()) for piece in pieces if piece.strip())
    start = r"\b" if re.match(r"\w", text, re.UNICODE) else ""
    end = r"\b" if re.search(r"\w$", text, re.UNICODE) else ""
    return re.compile(start + body + end)


@functools.cache
def _catalog_pairs() -> tuple[tuple[str, str], ...]:
    """(English, Danish) for every catalog entry whose Danish differs."""
    path = i18n.LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale="da")
    pairs: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english, danish in zip(ids, strings, strict=False):  # singular, plural
            if english.strip() != danish.strip():
                pairs.append((english.replace("%%", "%"), danish.replace("%%", "%")))
    return tuple(pairs)


def _texts(model: Any) -> list[Text]:
    found: list[Text] = []
    if isinstance(model, Text):
        return [model]
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            found += _texts(getattr(model, name))
    elif isinstance(model, tuple | list):
        for item in model:
            found += _texts(item)
    return found


@functools.cache
def _patterns(programme: Programme) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """Language → the patterns that must not be seen on a page in that language."""
    pairs = [*_catalog_pairs()]
    pairs += [(t.en, t.da) for t in _texts(programme) if t.da.strip() != t.en.strip()]
    # All of each language's own texts: a word of the other language that is also one of
    # these ("Download" is Danish too) tells nothing.
    own = {"da": "\n".join(d for _, d in pairs), "en": "\n".join(e for e, _ in pairs)}
    wrong: dict[str, list[tuple[str, re.Pattern[str]]]] = {"da": [], "en": []}
    for english, danish in pairs:
        for language, other in (("da", english), ("en", danish)):
            pattern = _pattern(other)
            if pattern is not None and not pattern.search(own[language]):
                wrong[language].append((other, pattern))
    return {language: tuple(found) for language, found in wrong.items()}


async def foreign_words(page: Page, programme: Programme) -> list[str]:
    """The other language's catalog or programme texts found on the page, as it is now."""
    language = await page.evaluate("document.documentElement.lang")
    seen = await page.evaluate(UI_TEXT)
    found = {text for text, pattern in _patterns(programme)[language] if pattern.search(seen)}
    return sorted(found)
