"""The checks the board's commands share, and every refusal the board can give.

The refusals sit together so that translators (and tests) find every msgid in one place.
"""

from __future__ import annotations

from facilitator.agenda import GroupWorkPhase, IndividualPhase, Phase, Role, VotePhase
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.board_state import BoardState, Idea
from facilitator.core.errors import CONFLICT, INVALID, NOT_ALLOWED, Refusal
from facilitator.core.text import storable

IDEA_LIMIT = 500
THEME_LIMIT = 80
NAME_LIMIT = 80
DEPARTMENT_LIMIT = 80

READ_ONLY = Refusal("The projector only shows the workshop.", code="read_only", kind=NOT_ALLOWED)
CANNOT_JOIN = Refusal(
    "Only participants and leaders join a workshop.", code="cannot_join", kind=NOT_ALLOWED
)
ALREADY_JOINED = Refusal("You have already joined.", code="already_joined", kind=CONFLICT)
NOT_JOINED = Refusal("Join the workshop first.", code="not_joined", kind=NOT_ALLOWED)
FORBIDDEN = Refusal("Only the facilitator can do that.", code="forbidden", kind=NOT_ALLOWED)
NOT_RUNNING = Refusal("No phase is under way.", code="not_running", kind=CONFLICT)
NO_BOARD = Refusal("This phase has no board.", code="no_board", kind=CONFLICT)
NOT_VOTING = Refusal("Voting is not open now.", code="not_voting", kind=CONFLICT)
NOT_GROUP_WORK = Refusal(
    "Groups belong to a group work phase.", code="not_group_work", kind=CONFLICT
)
PAUSED = Refusal("The phase is paused.", code="paused", kind=CONFLICT)
LEADERS_PHASE = Refusal(
    "Only the leaders take part in this phase.", code="leaders_phase", kind=NOT_ALLOWED
)
NOT_ACTOR = Refusal(
    "Your role does not take part in this phase.", code="not_an_actor", kind=NOT_ALLOWED
)
NO_IDEA = Refusal("That idea no longer exists.", code="no_idea", kind=CONFLICT)
NO_THEME = Refusal("That theme no longer exists.", code="no_theme", kind=CONFLICT)
NO_PARTICIPANT = Refusal("That participant has not joined.", code="no_participant", kind=CONFLICT)
NOT_AUTHOR = Refusal("You can only change your own ideas.", code="not_author", kind=NOT_ALLOWED)
BOARD_CLOSED = Refusal("This board is closed for changes now.", code="board_closed", kind=CONFLICT)
UNCHANGED = Refusal("That is already so.", code="unchanged", kind=CONFLICT)
DUPLICATE = Refusal("This was already done.", code="duplicate", kind=CONFLICT)
SAME_IDEA = Refusal("An idea cannot be merged into itself.", code="same_idea", kind=INVALID)
BOARDS_DIFFER = Refusal(
    "Only ideas on the same board can be merged.", code="boards_differ", kind=CONFLICT
)
THEME_ELSEWHERE = Refusal(
    "That theme belongs to another board.", code="theme_elsewhere", kind=CONFLICT
)
NOT_ON_BOARD = Refusal(
    "You can only vote on ideas on this board.", code="not_on_board", kind=CONFLICT
)
NOT_VOTED = Refusal("You have not voted for that idea.", code="not_voted", kind=CONFLICT)
VOTING_CLOSED = Refusal(
    "The votes are revealed; voting is closed.", code="voting_closed", kind=CONFLICT
)
VOTES_ALREADY_REVEALED = Refusal(
    "The votes are already revealed.", code="votes_already_revealed", kind=CONFLICT
)
NOBODY = Refusal("Nobody who takes part in this phase has joined.", code="nobody", kind=CONFLICT)
NO_GROUPS = Refusal("Form the groups first.", code="no_groups", kind=CONFLICT)
# Text that neither database, nor a page or a socket, could carry (core/text.py); the web
# edge refuses such a command with the same code before the core sees it.
BAD_CHARACTERS = Refusal(
    "The text contains characters that cannot be stored.", code="bad_characters", kind=INVALID
)


def no_group(group: str) -> Refusal:
    return Refusal("There is no group {group}.", {"group": group}, "no_group", kind=CONFLICT)


def no_votes_left(budget: int) -> Refusal:
    return Refusal(
        "You have used all your votes ({budget}).", {"budget": budget}, "no_votes", kind=CONFLICT
    )


def idea_limit(limit: int) -> Refusal:
    return Refusal(
        "One idea can have at most {limit} of your votes.",
        {"limit": limit},
        "idea_limit",
        kind=CONFLICT,
    )


def theme_exists(name: str) -> Refusal:
    return Refusal(
        "There is already a theme called {name}.", {"name": name}, "theme_exists", kind=CONFLICT
    )


def idea_text(text: str) -> Refusal | None:
    """Why an idea's (stripped) text will not do, if it will not."""
    if not text:
        return Refusal("Write something before you post.", code="empty_idea", kind=INVALID)
    if not storable(text):
        return BAD_CHARACTERS
    if len(text) > IDEA_LIMIT:
        limit = {"limit": IDEA_LIMIT}
        return Refusal(
            "An idea can be at most {limit} characters.", limit, "idea_too_long", kind=INVALID
        )
    return None


def theme_name(name: str) -> Refusal | None:
    if not name:
        return Refusal("Give the theme a name.", code="empty_theme_name", kind=INVALID)
    if not storable(name):
        return BAD_CHARACTERS
    if len(name) > THEME_LIMIT:
        limit = {"limit": THEME_LIMIT}
        return Refusal(
            "A theme name can be at most {limit} characters.", limit, "theme_too_long", kind=INVALID
        )
    return None


def person(name: str, department: str) -> Refusal | None:
    """Why a joining person's (stripped) name or department will not do, if they will not."""
    if not name:
        return Refusal("Write your name.", code="empty_name", kind=INVALID)
    if not storable(name) or not storable(department):
        return BAD_CHARACTERS
    if len(name) > NAME_LIMIT:
        limit = {"limit": NAME_LIMIT}
        return Refusal(
            "A name can be at most {limit} characters.", limit, "name_too_long", kind=INVALID
        )
    if not department:
        return Refusal("Choose your department.", code="no_department", kind=INVALID)
    if len(department) > DEPARTMENT_LIMIT:
        limit = {"limit": DEPARTMENT_LIMIT}
        return Refusal(
            "A department can be at most {limit} characters.",
            limit,
            "department_too_long",
            kind=INVALID,
        )
    return None


def actor_id(actor: Actor) -> str:
    """Who an author or voter is: a member's id, or "facilitator" for the facilitator."""
    return actor.participant_id or actor.role.value


def may_contribute(phase: Phase, actor: Actor, paused: bool) -> Refusal | None:
    """Whether the actor's role takes part in the phase (the agenda's ``actors``) right now."""
    if actor.role not in phase.actors:
        if actor.role is Role.PARTICIPANT and Role.LEADER in phase.actors:
            return LEADERS_PHASE
        return NOT_ACTOR
    return PAUSED if paused else None


def idea_for(state: BoardState, key: str, actor: Actor) -> Idea | None:
    """The idea as the actor may act on it: merged ideas are gone for everyone, hidden ones for
    everyone but the facilitator, who moderates them."""
    idea = state.ideas.get(key)
    if idea is None or idea.merged_into is not None or not visibility.of(actor).idea(idea):
        return None
    return idea


def own_idea(state: BoardState, phase: Phase | None, key: str, actor: Actor) -> Idea | Refusal:
    """The idea if the actor may edit or delete it: its author, or the facilitator."""
    idea = idea_for(state, key, actor)
    if idea is None:
        return NO_IDEA
    if actor.is_facilitator:
        return idea
    if idea.author != actor.participant_id:
        return NOT_AUTHOR
    # Authors change their ideas only while their board takes posts: once a vote has begun,
    # a changed text would carry votes cast for other words.
    if phase is None or writable_board(phase) != idea.board:
        return BOARD_CLOSED
    return idea


def writable_board(phase: Phase) -> str | None:
    """The board a phase posts to: group work's, and an individual phase's if it has one."""
    if isinstance(phase, GroupWorkPhase | IndividualPhase):
        return phase.board
    return None


def shown_board(phase: Phase | None) -> str | None:
    """The board a phase works on, posting or voting: where its themes go by default."""
    if isinstance(phase, VotePhase):
        return phase.board
    return None if phase is None else writable_board(phase)
