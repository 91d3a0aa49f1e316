"""Text the system can always store and show, the same on SQLite and PostgreSQL.

A Python ``str`` can hold what neither database nor a browser will take: a lone surrogate
(from a JSON escape such as ``"\\ud800"``; it cannot be encoded as UTF-8, so a page or a
socket carrying it fails), NUL (PostgreSQL's text type refuses it), the other C0 and C1
control characters (invisible, and not allowed in XML or many exports) and the Unicode
non-characters (U+FFFE, U+FFFF and their kin, "never to be interchanged"). Tabs, line
breaks and everything else are fine, emoji and right-to-left text included.
"""

from __future__ import annotations

import re
from typing import Any

# Lone surrogates, C0 controls but tab/line feed/carriage return, DEL and C1 controls, and
# the non-characters U+FDD0–U+FDEF and U+xFFFE/U+xFFFF of every plane.
_UNSTORABLE = re.compile(
    "[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)


def storable(text: str) -> bool:
    """Whether every character of ``text`` can be stored and shown as it is."""
    return _UNSTORABLE.search(text) is None


def scrubbed(text: str) -> str:
    """``text`` with every character that cannot be stored replaced by U+FFFD.

    For text that was stored before the edge refused such characters: it is shown, marked,
    instead of breaking the page it is on."""
    return _UNSTORABLE.sub("\ufffd", text)


def storable_value(value: Any) -> bool:
    """Whether every string in a decoded JSON value (keys of objects included) is storable."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(storable_value(key) and storable_value(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(storable_value(item) for item in value)
    return True


def scrubbed_value(value: Any) -> Any:
    """A decoded JSON value, copied, with every string in it (keys included) ``scrubbed``."""
    if isinstance(value, str):
        return scrubbed(value)
    if isinstance(value, dict):
        return {scrubbed_value(key): scrubbed_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrubbed_value(item) for item in value]
    return value
