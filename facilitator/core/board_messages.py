"""Board commands and events: who joined, ideas, themes, votes and groups.

Texts are plain strings on the wire on purpose: the core judges their length and answers with a
translatable refusal, where a schema error would reach the user as a generic message. Ids of
new things (participants, ideas, themes) are not fields: they are the command's client-made id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

MemberRole = Literal["participant", "leader", "guest"]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Join(_Command):
    type: Literal["join"] = "join"
    name: str
    department: str


class PostIdea(_Command):
    """Posts to the current phase's board, in the author's group for that phase."""

    type: Literal["post_idea"] = "post_idea"
    text: str
    anonymous: bool = False


class EditIdea(_Command):
    type: Literal["edit_idea"] = "edit_idea"
    idea: str
    text: str


class DeleteIdea(_Command):
    type: Literal["delete_idea"] = "delete_idea"
    idea: str


class HideIdea(_Command):
    type: Literal["hide_idea"] = "hide_idea"
    idea: str


class UnhideIdea(_Command):
    type: Literal["unhide_idea"] = "unhide_idea"
    idea: str


class MergeIdeas(_Command):
    type: Literal["merge_ideas"] = "merge_ideas"
    source: str
    target: str


class CreateTheme(_Command):
    """``board`` None means the board of the current phase."""

    type: Literal["create_theme"] = "create_theme"
    name: str
    board: str | None = None


class RenameTheme(_Command):
    type: Literal["rename_theme"] = "rename_theme"
    theme: str
    name: str


class AssignTheme(_Command):
    """``theme`` None takes the idea out of its theme."""

    type: Literal["assign_theme"] = "assign_theme"
    idea: str
    theme: str | None


class Vote(_Command):
    type: Literal["vote"] = "vote"
    idea: str


class Unvote(_Command):
    type: Literal["unvote"] = "unvote"
    idea: str


class RevealVotes(_Command):
    type: Literal["reveal_votes"] = "reveal_votes"


class FormGroups(_Command):
    """Guests are placed too only with ``guests``: they are not staff, so by default not in
    the staff's groups."""

    type: Literal["form_groups"] = "form_groups"
    seed: int
    guests: bool = False


class MoveParticipant(_Command):
    type: Literal["move_participant"] = "move_participant"
    participant: str
    group: str


class AnonymiseParticipant(_Command):
    """The facilitator erases a person's name; their ideas stay, anonymous (GDPR)."""

    type: Literal["anonymise_participant"] = "anonymise_participant"
    participant: str


BoardCommand = (
    Join
    | PostIdea
    | EditIdea
    | DeleteIdea
    | HideIdea
    | UnhideIdea
    | MergeIdeas
    | CreateTheme
    | RenameTheme
    | AssignTheme
    | Vote
    | Unvote
    | RevealVotes
    | FormGroups
    | MoveParticipant
    | AnonymiseParticipant
)


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    at: datetime


class ParticipantJoined(_Event):
    type: Literal["participant_joined"] = "participant_joined"
    participant: str
    name: str
    department: str
    role: MemberRole


class IdeaPosted(_Event):
    """``author`` is kept even when ``anonymous``: it decides who may edit; views hide it."""

    type: Literal["idea_posted"] = "idea_posted"
    idea: str
    board: str
    group: str | None
    author: str
    text: str
    anonymous: bool
    phase: str


class IdeaEdited(_Event):
    type: Literal["idea_edited"] = "idea_edited"
    idea: str
    text: str
    by: str


class IdeaDeleted(_Event):
    """Takes the idea's votes, and the ideas merged into it, along."""

    type: Literal["idea_deleted"] = "idea_deleted"
    idea: str
    by: str


class IdeaHidden(_Event):
    type: Literal["idea_hidden"] = "idea_hidden"
    idea: str


class IdeaUnhidden(_Event):
    type: Literal["idea_unhidden"] = "idea_unhidden"
    idea: str


class IdeasMerged(_Event):
    """Every vote on ``source``, in every vote phase, moves to ``target``; ``votes_moved`` is
    their number, for the record (the move may take a voter past ``max_per_idea``)."""

    type: Literal["ideas_merged"] = "ideas_merged"
    source: str
    target: str
    votes_moved: int


class ThemeCreated(_Event):
    type: Literal["theme_created"] = "theme_created"
    theme: str
    board: str
    name: str


class ThemeRenamed(_Event):
    type: Literal["theme_renamed"] = "theme_renamed"
    theme: str
    name: str


class IdeaThemed(_Event):
    type: Literal["idea_themed"] = "idea_themed"
    idea: str
    theme: str | None


class VoteCast(_Event):
    type: Literal["vote_cast"] = "vote_cast"
    phase: str
    idea: str
    voter: str


class VoteWithdrawn(_Event):
    type: Literal["vote_withdrawn"] = "vote_withdrawn"
    phase: str
    idea: str
    voter: str


class VotesRevealed(_Event):
    type: Literal["votes_revealed"] = "votes_revealed"
    phase: str


class GroupsFormed(_Event):
    """Group id → member ids, for one group work phase; replaces any earlier grouping of it."""

    type: Literal["groups_formed"] = "groups_formed"
    phase: str
    groups: dict[str, tuple[str, ...]]


class ParticipantMoved(_Event):
    type: Literal["participant_moved"] = "participant_moved"
    participant: str
    group: str
    phase: str


class ParticipantAnonymised(_Event):
    type: Literal["participant_anonymised"] = "participant_anonymised"
    participant: str


BoardEvent = (
    ParticipantJoined
    | IdeaPosted
    | IdeaEdited
    | IdeaDeleted
    | IdeaHidden
    | IdeaUnhidden
    | IdeasMerged
    | ThemeCreated
    | ThemeRenamed
    | IdeaThemed
    | VoteCast
    | VoteWithdrawn
    | VotesRevealed
    | GroupsFormed
    | ParticipantMoved
    | ParticipantAnonymised
)
