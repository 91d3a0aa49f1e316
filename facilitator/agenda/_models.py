"""The agenda schema: bilingual texts, phases (one model per kind), agendas and programmes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ._checks import BOARD_WRITERS, DAY_LIMITS, Issue, agenda_issues, programme_issues

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Minutes = Annotated[int, Field(strict=True, gt=0, le=240)]
Audience = Literal["leaders", "staff"]

# Passed as validation context by the loader, which runs the cross-field rules itself on the raw
# data (so it can report them with line numbers even when other fields are invalid).
DEFER_CHECKS = {"defer_checks": True}


def _deferred(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and info.context.get("defer_checks") is True


def _raise_issues(issues: list[Issue]) -> None:
    if issues:
        raise ValueError("; ".join(issue.message for issue in issues))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in Danish and English."""

    da: NonEmpty
    en: NonEmpty

    def get(self, language: str) -> str:
        """The text in `language` ("en", "en-GB", …); Danish for any other language."""
        primary = language.lower().replace("_", "-").partition("-")[0]
        return self.en if primary == "en" else self.da


class PhaseKind(StrEnum):
    WELCOME = "welcome"
    PLENUM = "plenum"
    GROUP_WORK = "group_work"
    VOTE = "vote"
    HOME_REFLECTION = "home_reflection"
    LEADER_TRIAGE = "leader_triage"
    LEADER_PANEL = "leader_panel"
    BREAK = "break"
    WRAP_UP = "wrap_up"
    INDIVIDUAL = "individual"


class Role(StrEnum):
    """Who someone is in a workshop: the one set of roles, for agendas and for the core."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    LEADER = "leader"
    PROJECTOR = "projector"  # the wall: shows, never acts


class _PhaseBase(_Frozen):
    """Shared by every phase. `actors` are the roles that may contribute during the phase (post,
    vote, ask, triage); the facilitator always controls the flow whatever `actors` says."""

    key: Slug
    title: Text
    minutes: Minutes
    prompt: Text | None = None
    actors: tuple[Role, ...] = (Role.PARTICIPANT, Role.LEADER)

    @field_validator("actors")
    @classmethod
    def _distinct_actors(cls, actors: tuple[Role, ...]) -> tuple[Role, ...]:
        if len(set(actors)) != len(actors):
            raise ValueError("actors lists the same role more than once")
        if Role.PROJECTOR in actors:
            raise ValueError("the projector only shows the workshop, so it is never an actor")
        return actors


class _LeadersOnly(_PhaseBase):
    actors: tuple[Role, ...] = (Role.LEADER,)

    @field_validator("actors")
    @classmethod
    def _no_participants(cls, actors: tuple[Role, ...]) -> tuple[Role, ...]:
        if Role.PARTICIPANT in actors:
            raise ValueError(
                "only leaders (and the facilitator) act in this phase, so actors "
                "may not include 'participant'"
            )
        return actors


class WelcomePhase(_PhaseBase):
    kind: Literal[PhaseKind.WELCOME] = PhaseKind.WELCOME


class PlenumPhase(_PhaseBase):
    kind: Literal[PhaseKind.PLENUM] = PhaseKind.PLENUM
    speaker: Text | None = None
    questions: bool = True


class GroupWorkPhase(_PhaseBase):
    kind: Literal[PhaseKind.GROUP_WORK] = PhaseKind.GROUP_WORK
    board: Slug
    group_size: Annotated[int, Field(strict=True, ge=2, le=10)] = 4
    mix_by: Literal["department", "random"] = "department"
    anonymous: bool = False
    opens_catalogue: Slug | None = None


class VotePhase(_PhaseBase):
    kind: Literal[PhaseKind.VOTE] = PhaseKind.VOTE
    board: Slug
    votes_per_person: Annotated[int, Field(strict=True, ge=1, le=20)] = 3
    max_per_idea: Annotated[int, Field(strict=True, ge=1, le=20)] = 1

    @field_validator("max_per_idea")
    @classmethod
    def _within_budget(cls, max_per_idea: int, info: ValidationInfo) -> int:
        budget = info.data.get("votes_per_person")
        if isinstance(budget, int) and max_per_idea > budget:
            raise ValueError(
                f"max_per_idea ({max_per_idea}) cannot be more than votes_per_person ({budget})"
            )
        return max_per_idea


class HomeReflectionPhase(_PhaseBase):
    kind: Literal[PhaseKind.HOME_REFLECTION] = PhaseKind.HOME_REFLECTION
    prompt: Text


class IndividualPhase(_PhaseBase):
    kind: Literal[PhaseKind.INDIVIDUAL] = PhaseKind.INDIVIDUAL
    uses_reflection: bool = False
    board: Slug | None = None


class LeaderTriagePhase(_LeadersOnly):
    kind: Literal[PhaseKind.LEADER_TRIAGE] = PhaseKind.LEADER_TRIAGE
    catalogue: Slug


class LeaderPanelPhase(_LeadersOnly):
    kind: Literal[PhaseKind.LEADER_PANEL] = PhaseKind.LEADER_PANEL
    catalogue: Slug


class BreakPhase(_PhaseBase):
    kind: Literal[PhaseKind.BREAK] = PhaseKind.BREAK
    actors: tuple[Role, ...] = ()


class WrapUpPhase(_PhaseBase):
    kind: Literal[PhaseKind.WRAP_UP] = PhaseKind.WRAP_UP


Phase = Annotated[
    WelcomePhase
    | PlenumPhase
    | GroupWorkPhase
    | VotePhase
    | HomeReflectionPhase
    | IndividualPhase
    | LeaderTriagePhase
    | LeaderPanelPhase
    | BreakPhase
    | WrapUpPhase,
    Field(discriminator="kind"),
]


class DayLength(StrEnum):
    HALF_DAY = "half_day"
    FULL_DAY = "full_day"

    @property
    def max_minutes(self) -> int:
        return DAY_LIMITS[self.value]


class Agenda(_Frozen):
    key: Slug
    title: Text
    length: DayLength
    audience: Audience
    phases: Annotated[tuple[Phase, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if not _deferred(info):
            _raise_issues(agenda_issues(self.model_dump(mode="json")))
        return self

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)

    @property
    def boards(self) -> tuple[str, ...]:
        """The boards phases write to, in the order they are created."""
        boards = (
            getattr(phase, "board", None) for phase in self.phases if phase.kind in BOARD_WRITERS
        )
        return tuple(dict.fromkeys(board for board in boards if isinstance(board, str)))

    def phase(self, key: str) -> Phase:
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise KeyError(f"agenda {self.key!r} has no phase {key!r}")


class Department(_Frozen):
    key: Slug
    name: Text


class WorkshopSpec(_Frozen):
    """A workshop of a programme; `title` and `audience` default to its agenda's."""

    key: Slug
    agenda: Agenda
    title: Text
    audience: Audience
    description: Text
    participants: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_agenda(cls, data: Any) -> Any:
        if isinstance(data, dict):
            agenda = data.get("agenda")
            if isinstance(agenda, Agenda):
                agenda = {"title": agenda.title, "audience": agenda.audience}
            if isinstance(agenda, dict):
                for field in ("title", "audience"):
                    if data.get(field) is None and field in agenda:
                        data = {**data, field: agenda[field]}
        return data


class Programme(_Frozen):
    key: Slug
    title: Text
    organisation: NonEmpty
    departments: tuple[Department, ...] = ()
    workshops: Annotated[tuple[WorkshopSpec, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if not _deferred(info):
            _raise_issues(programme_issues(self.model_dump(mode="json")))
        return self

    def workshop(self, key: str) -> WorkshopSpec:
        for workshop in self.workshops:
            if workshop.key == key:
                return workshop
        raise KeyError(f"programme {self.key!r} has no workshop {key!r}")


class WorkshopEntry(_Frozen):
    """A workshop as written in a programme file: `agenda` is a path relative to that file."""

    key: Slug
    agenda: NonEmpty
    title: Text | None = None
    audience: Audience | None = None
    description: Text
    participants: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None


class ProgrammeFile(_Frozen):
    key: Slug
    title: Text
    organisation: NonEmpty
    departments: tuple[Department, ...] = ()
    workshops: Annotated[tuple[WorkshopEntry, ...], Field(min_length=1)]


_PHASES: tuple[type[_PhaseBase], ...] = (
    WelcomePhase,
    PlenumPhase,
    GroupWorkPhase,
    VotePhase,
    HomeReflectionPhase,
    IndividualPhase,
    LeaderTriagePhase,
    LeaderPanelPhase,
    BreakPhase,
    WrapUpPhase,
)
# The settings an author may write at each place, for "did you mean …?" hints.
PHASE_SETTINGS = {
    str(model.model_fields["kind"].default): (
        "key",
        "kind",
        *(name for name in model.model_fields if name not in ("key", "kind")),
    )
    for model in _PHASES
}
