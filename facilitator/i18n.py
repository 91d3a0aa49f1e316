"""Translations: English msgids, gettext catalogs read from ``.po`` files at start-up.

Danish is the default language; English needs no catalog entries, the msgid is the English text.
There is no compile step: each ``facilitator/locale/<lang>/LC_MESSAGES/messages.po`` is parsed
with Babel the first time its language is asked for (``install`` loads them all) and cached.

Adding a string:

1. Mark it: ``_("...")`` or ``{% trans %}...{% endtrans %}`` in a template; ``gettext(lang, "...")``
   in Python; ``N_("...")`` for a msgid defined at import time; ``Refusal("...")`` in the core.
   Python code formats ``{name}`` placeholders with ``str.format``; in templates ``_()`` and
   ``{% trans %}`` are jinja2's "newstyle" gettext, so placeholders are ``%(name)s`` and a literal
   percent sign is written ``%%``; a template reuses a ``{name}`` msgid as
   ``_("Phase {number} of {total}").format(number=n, total=t)``.
2. Extract and merge (``babel.cfg`` holds the keywords, ``Refusal`` among them)::

       pybabel extract -F babel.cfg -o /tmp/messages.pot .
       pybabel update -i /tmp/messages.pot -d facilitator/locale

3. Translate the new entries in ``facilitator/locale/da/LC_MESSAGES/messages.po`` and remove any
   ``#, fuzzy`` flag you have checked. Restart the server; nothing to compile.

Templates get the language through their render context (``render_context``), never through
environment globals, so one ``Environment`` renders for many languages at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel import dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2.nodes import EvalContext
from markupsafe import Markup

LANGUAGES: tuple[str, ...] = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_COOKIE = "lang"
TIMEZONE = ZoneInfo("Europe/Copenhagen")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# The Babel (CLDR) locale used for dates and times: English readers get day-first dates and a
# 24-hour clock, as they would see anywhere in Europe.
_BABEL_LOCALES = {"da": "da_DK", "en": "en_GB"}


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it (translate where it is shown)."""
    return message


# Strings the web edge shares (error answers, buttons, states), marked here so that
# `pybabel update` keeps their translations even while no template or handler marks them yet.
_SHARED = (
    N_("Workshop not found."),
    N_("Page not found."),
    N_("Something went wrong on our side. Please try again."),
    N_("The request was malformed."),
    N_("You are not allowed to do that."),
    N_("Too many requests; wait a moment and try again."),
    N_("The database cannot be written to right now; nothing was changed."),
    N_("Start"),
    N_("Next"),
    N_("Back"),
    N_("Pause"),
    N_("Resume"),
    N_("+5 min"),
    N_("End workshop"),
    N_("Lobby"),
    N_("Running"),
    N_("Paused"),
    N_("Ended"),
    N_("Time left"),
    N_("Agenda"),
    N_("Facilitator"),
    N_("Participant"),
    N_("Projector"),
    N_("Leader"),
    N_("minutes"),
    N_("Dansk"),
    N_("English"),
    N_("Language"),
    N_("Saved"),
    N_("Reconnecting…"),
    N_("Join code"),
    N_("Phase {number} of {total}"),
)


def _known(value: str | None) -> str | None:
    """``"EN"``, ``"en-GB"`` or ``"en_US"`` → ``"en"``; None for anything we do not offer."""
    if value in LANGUAGES:
        return value  # the usual case, asked on every render: no parsing
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def translations(language: str) -> Translations:
    """The catalog of ``language``; an unknown language gets the default's."""
    return _load(_known(language) or DEFAULT_LANGUAGE)


@cache
def _load(language: str) -> Translations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain="messages")
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: show the English instead
    mo.seek(0)
    return Translations(mo, domain="messages")


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)


def ngettext(language: str, singular: str, plural: str, n: int) -> str:
    return translations(language).ngettext(singular, plural, n)


def negotiate(cookie: str | None, accept_language: str | None, query: str | None = None) -> str:
    """The language to answer in: ``?lang=`` > cookie > Accept-Language > Danish.

    A value we do not offer is skipped, not obeyed. Accept-Language only chooses English when
    it ranks English above Danish (a higher q, or the same q and listed first).
    """
    chosen = _known(query) or _known(cookie)
    if chosen:
        return chosen
    if accept_language and _prefers_english(accept_language):
        return "en"
    return DEFAULT_LANGUAGE


def _prefers_english(header: str) -> bool:
    ranks: dict[str, tuple[float, int]] = {}  # language or "*" → (q, -position)
    for position, item in enumerate(header.split(",")[:32]):
        tag, _, params = item.partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0  # a weight we cannot read is no preference
        key = "*" if tag == "*" else _known(tag)
        if key and q > 0 and (key not in ranks or (q, -position) > ranks[key]):
            ranks[key] = (q, -position)
    wildcard = ranks.get("*")
    english = ranks.get("en", wildcard)
    danish = ranks.get("da", wildcard)
    return english is not None and (danish is None or english > danish)


def install(env: jinja2.Environment) -> None:
    """Enable ``{% trans %}`` and ``_()`` in ``env``; the language comes from each render.

    Call before the first template is compiled (newstyle gettext changes the compiled code).
    Rendering without ``render_context`` fails loudly: ``'gettext' is undefined``.
    """
    env.add_extension("jinja2.ext.i18n")
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them: `trimmed = true`
    for language in LANGUAGES:
        translations(language)  # parse the catalogs now, so a broken .po stops start-up


def render_context(language: str) -> dict[str, object]:
    """Context entries that make a template render in ``language``.

    jinja2's i18n extension compiles ``{% trans %}`` into a call of ``gettext``/``ngettext``
    looked up in the render context (falling back to globals), and its global ``_`` resolves
    ``gettext`` from the context too; so these callables win, per render, without shared state.
    """
    language = _known(language) or DEFAULT_LANGUAGE
    template_gettext, template_ngettext = _template_callables(language)
    return {
        "_": template_gettext,
        "gettext": template_gettext,
        "ngettext": template_ngettext,
        "lang": language,
    }


PLAIN_MESSAGES = 2048  # per language: the templates' own messages, with room to spare


@cache
def _template_callables(language: str) -> tuple[Callable[..., str], Callable[..., str]]:
    catalog = translations(language)

    # Jinja2's newstyle semantics: the translation is always %-formatted with the keyword
    # arguments, and is Markup under autoescape, so the arguments are escaped and it is not.
    # A message without variables is the same Markup every time: a console's render asks
    # for some forty of them, and making and formatting each again cost more than finding it.
    plain: dict[str, Markup] = {}

    @jinja2.pass_eval_context
    def template_gettext(eval_ctx: EvalContext, message: str, /, **variables: Any) -> str:
        if not variables and eval_ctx.autoescape:
            found = plain.get(message)
            if found is None:
                found = Markup(catalog.gettext(message)) % variables
                if len(plain) < PLAIN_MESSAGES:
                    plain[message] = found
            return found
        text = catalog.gettext(message)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @jinja2.pass_eval_context
    def template_ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = catalog.ngettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return template_gettext, template_ngettext


def format_datetime(value: datetime, language: str, fmt: str = "short") -> str:
    """``value`` in Copenhagen time, e.g. ``23.11.2026 14.05`` in Danish; naive means UTC."""
    return dates.format_datetime(
        _aware(value), fmt, tzinfo=TIMEZONE, locale=_babel_locale(language)
    )


def format_time(value: datetime, language: str) -> str:
    """The Copenhagen clock time of ``value``: ``14.05`` in Danish, ``14:05`` in English."""
    # Shown to the minute, so remembered by the minute: a schedule on the console and the
    # wall formats a dozen times on every change, and babel takes ~20 µs for each.
    return _short_time(_aware(value).replace(second=0, microsecond=0), _babel_locale(language))


@lru_cache(maxsize=4096)
def _short_time(minute: datetime, locale: str) -> str:
    return dates.format_time(minute, "short", tzinfo=TIMEZONE, locale=locale)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _babel_locale(language: str) -> str:
    return _BABEL_LOCALES[_known(language) or DEFAULT_LANGUAGE]
