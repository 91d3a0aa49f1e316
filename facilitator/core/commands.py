"""Commands: what a user asks the workshop to do. Parsed from the wire, decided by the core."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Start(_Command):
    type: Literal["start"] = "start"


class Next(_Command):
    type: Literal["next"] = "next"


class Previous(_Command):
    type: Literal["previous"] = "previous"


class JumpTo(_Command):
    type: Literal["jump"] = "jump"
    phase: int = Field(ge=0, le=200)


class Pause(_Command):
    type: Literal["pause"] = "pause"


class Resume(_Command):
    type: Literal["resume"] = "resume"


class Extend(_Command):
    type: Literal["extend"] = "extend"
    minutes: int = Field(ge=1, le=120)


class End(_Command):
    type: Literal["end"] = "end"


class Reopen(_Command):
    """An ended workshop goes on: paused in the phase it ended in (the facilitator resumes)."""

    type: Literal["reopen"] = "reopen"


MachineCommand = Start | Next | Previous | JumpTo | Pause | Resume | Extend | End | Reopen
