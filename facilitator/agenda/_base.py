"""What every part of the agenda schema is built from: frozen models, short names, bilingual
texts and the one set of roles."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Frozen):
    """A text in Danish and English."""

    da: NonEmpty
    en: NonEmpty

    def get(self, language: str) -> str:
        """The text in `language` ("en", "en-GB", …); Danish for any other language."""
        primary = language.lower().replace("_", "-").partition("-")[0]
        return self.en if primary == "en" else self.da


class Role(StrEnum):
    """Who someone is in a workshop: the one set of roles, for agendas and for the core."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    LEADER = "leader"
    GUEST = "guest"  # from outside the organisation (a business leader who speaks): no department
    PROJECTOR = "projector"  # the wall: shows, never acts
