"""Who sends a command. The web edge authenticates; the core only reads the role."""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.agenda import Role


@dataclass(frozen=True)
class Actor:
    role: Role
    participant_id: str | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.role is Role.FACILITATOR


FACILITATOR = Actor(Role.FACILITATOR)
