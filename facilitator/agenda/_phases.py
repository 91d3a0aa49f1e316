"""The phases of an agenda: one model per kind, each with the settings its kind has."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from ._base import Frozen, Role, Slug, Text
from ._polls import AnswerKind, PollOption, Scale

Minutes = Annotated[int, Field(strict=True, gt=0, le=240)]


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
    POLL = "poll"
    PULSE = "pulse"


class _PhaseBase(Frozen):
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
        for role in (Role.PARTICIPANT, Role.GUEST):
            if role in actors:
                raise ValueError(
                    "only leaders (and the facilitator) act in this phase, so actors "
                    f"may not include '{role.value}'"
                )
        return actors


class WelcomePhase(_PhaseBase):
    kind: Literal[PhaseKind.WELCOME] = PhaseKind.WELCOME


class PlenumPhase(_PhaseBase):
    """One speaker (``speaker`` is the agenda's text; the facilitator can name members too),
    everyone listens and, with ``questions``, asks: guests as well, by default."""

    kind: Literal[PhaseKind.PLENUM] = PhaseKind.PLENUM
    actors: tuple[Role, ...] = (Role.PARTICIPANT, Role.LEADER, Role.GUEST)
    speaker: Text | None = None
    questions: bool = True
    anonymous_questions: bool = False  # a person may ask without their name
    moderated_questions: bool = False  # others see a question once the facilitator approves it


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
    """Each person works on their own: with a ``board``, they post personal commitments to it.
    The phones show each person only their own, unless ``shows_others`` lets everyone see
    everyone's (with names, unless posted anonymously)."""

    kind: Literal[PhaseKind.INDIVIDUAL] = PhaseKind.INDIVIDUAL
    uses_reflection: bool = False
    board: Slug | None = None
    shows_others: bool = False

    @field_validator("shows_others")
    @classmethod
    def _needs_board(cls, shows_others: bool, info: ValidationInfo) -> bool:
        if shows_others and info.data.get("board", "") is None:
            raise ValueError("shows_others needs a board: without one nobody posts anything")
        return shows_others


class LeaderTriagePhase(_LeadersOnly):
    kind: Literal[PhaseKind.LEADER_TRIAGE] = PhaseKind.LEADER_TRIAGE
    catalogue: Slug


class LeaderPanelPhase(_LeadersOnly):
    kind: Literal[PhaseKind.LEADER_PANEL] = PhaseKind.LEADER_PANEL
    catalogue: Slug


class PollPhase(_PhaseBase):
    """One question put to the room: a single or multiple choice among ``options`` (multiple:
    at most ``max_choices``), a point on a ``scale``, or a short free text. The results stay
    hidden until the facilitator reveals them, which closes the poll."""

    kind: Literal[PhaseKind.POLL] = PhaseKind.POLL
    question: Text
    answer: AnswerKind = "single"
    options: Annotated[tuple[PollOption, ...], Field(max_length=12)] = ()
    max_choices: Annotated[int, Field(strict=True, ge=1, le=12)] | None = None
    scale: Scale | None = None


class PulsePhase(_PhaseBase):
    """The programme's service pulse, taken for one of its measurements (``measurement``).
    What is asked is the programme's ``pulse:`` section, the same every time."""

    kind: Literal[PhaseKind.PULSE] = PhaseKind.PULSE
    measurement: Slug


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
    | PollPhase
    | PulsePhase
    | BreakPhase
    | WrapUpPhase,
    Field(discriminator="kind"),
]


_PHASES: tuple[type[_PhaseBase], ...] = (
    WelcomePhase,
    PlenumPhase,
    GroupWorkPhase,
    VotePhase,
    HomeReflectionPhase,
    IndividualPhase,
    LeaderTriagePhase,
    LeaderPanelPhase,
    PollPhase,
    PulsePhase,
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
