"""Turning a request body into a command, and an outcome into the answer the client wants."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from facilitator.core.workshop import COMMANDS, Command
from facilitator.i18n import N_
from facilitator.web.errors import Malformed

MAX_BODY = 16 * 1024
MAX_CLIENT_ID = 64


def parse(fields: dict[str, Any]) -> tuple[Command, str | None]:
    """A command and its client-made id from already-decoded fields."""
    fields = dict(fields)
    client_id = fields.pop("client_id", None)
    if client_id is not None and (
        not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID
    ):
        raise Malformed()
    try:
        return COMMANDS.validate_python(fields), client_id
    except ValidationError as exc:
        raise Malformed() from exc


def parse_json(raw: bytes | str) -> tuple[Command, str | None]:
    if len(raw) > MAX_BODY:
        raise Malformed(N_("The message is too large."))
    try:
        fields = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed() from exc
    if not isinstance(fields, dict):
        raise Malformed()
    return parse(fields)
