"""Turning a request body into a command, and an outcome into the answer the client wants.

What arrives is checked in this order, the same over HTTP and the websocket: its size
(``Limits.body_bytes``), its nesting (``Limits.json_depth``, counted before it is parsed, so
no depth can exhaust the parser), that it is JSON, that its client id is one, that every
string in it can be stored (``core/text.py``), and then the command's own schema.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from facilitator.core.board_rules import BAD_CHARACTERS
from facilitator.core.text import storable, storable_value
from facilitator.core.workshop import COMMANDS, Command
from facilitator.settings import Limits
from facilitator.web.errors import Malformed, TooLarge

MAX_CLIENT_ID = 64


class JsonDepth:
    """How deeply JSON text nests, read in pieces as they arrive (bytes of UTF-8).

    Only brackets outside strings count; whether the text is JSON at all is the parser's
    to say. ``deepest`` is the deepest nesting seen so far."""

    _SPECIAL = re.compile(rb'["\\\[\]{}]')

    def __init__(self) -> None:
        self.depth = self.deepest = 0
        self._in_string = False
        self._escaped = False  # the piece before ended with a backslash inside a string

    def feed(self, piece: bytes) -> int:
        skip_until = 0
        if self._escaped and piece:
            self._escaped, skip_until = False, 1
        for found in self._SPECIAL.finditer(piece, skip_until):
            at = found.start()
            if at < skip_until:
                continue
            char = piece[at]
            if self._in_string:
                if char == 0x5C:  # a backslash escapes the next byte, whatever it is
                    skip_until = at + 2
                    self._escaped = skip_until > len(piece)
                elif char == 0x22:
                    self._in_string = False
            elif char == 0x22:
                self._in_string = True
            elif char in (0x5B, 0x7B):
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)
            else:
                self.depth -= 1
        return self.deepest


def unstorable() -> Malformed:
    """The edge's refusal of a command with a string that cannot be stored (code
    ``bad_characters``, as the core's own)."""
    return Malformed(BAD_CHARACTERS.message, code=BAD_CHARACTERS.code)


def decode(raw: bytes | str, limits: Limits) -> Any:
    """A JSON message within the limits, decoded; TooLarge or Malformed if it is not."""
    if len(raw) > limits.body_bytes:
        raise TooLarge()
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    if JsonDepth().feed(data) > limits.json_depth:
        raise Malformed()
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise Malformed() from exc


def valid_client_id(client_id: object) -> str | None:
    """The client id if it is one (a storable string of 1–64 characters), else None: what
    an answer may echo."""
    if isinstance(client_id, str) and 0 < len(client_id) <= MAX_CLIENT_ID and storable(client_id):
        return client_id
    return None


def parse(fields: dict[str, Any]) -> tuple[Command, str | None]:
    """A command and its client-made id from already-decoded fields."""
    fields = dict(fields)
    client_id = fields.pop("client_id", None)
    if client_id is not None and (
        not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID
    ):
        raise Malformed()
    if not storable_value(fields) or (client_id is not None and not storable(client_id)):
        raise unstorable()
    try:
        return COMMANDS.validate_python(fields), client_id
    except ValidationError as exc:
        raise Malformed() from exc


def parse_json(raw: bytes | str, limits: Limits) -> tuple[Command, str | None]:
    fields = decode(raw, limits)
    if not isinstance(fields, dict):
        raise Malformed()
    return parse(fields)


TRIAGE_FIELDS = ("verdict", "priority", "owner", "timeline", "rationale")


def triage_form(fields: dict[str, str]) -> list[dict[str, Any]] | None:
    """A triage form posted without JavaScript (every field of one entry at once) as one
    triage command per field; None if ``fields`` are not such a form. The page sends one
    command per changed field itself; the core answers an unchanged one with ``unchanged``."""
    if fields.get("type") != "triage" or "field" in fields or "entry" not in fields:
        return None
    commands: list[dict[str, Any]] = []
    for name in TRIAGE_FIELDS:
        if name not in fields:
            continue
        raw = fields[name].strip()
        value: str | int | None = raw or None
        if name == "priority" and raw:
            value = int(raw) if raw.isdigit() else raw  # the core refuses what is no number
        commands.append({"type": "triage", "entry": fields["entry"], "field": name, "value": value})
    return commands
