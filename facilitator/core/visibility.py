"""Who may see what: the one policy that every transport asks (the JSON protocol, the HTML
views, the catalogue's import and the exports), so that no two copies can disagree.

``of(viewer)`` is a viewer's sight. The rules:

- Ideas: the facilitator sees every idea, hidden ones and ideas merged into others included
  (to moderate them); everyone else sees the ideas that are neither hidden nor merged.
- Authors: the facilitator sees every author; anyone else an idea's author unless the idea
  is anonymous, and always their own.
- Moderation (an idea's hidden flag and what it was merged into, who edited or deleted it,
  how many votes a merge moved): the facilitator only.
- Ballots: a person sees their own votes; the facilitator everyone's.
- Tallies: the facilitator at any time; anyone else once the phase's votes are revealed.
- Drafts (the leaders' triage before the panel reveals it, and every entry's history):
  leaders and the facilitator. An entry's decision is visible once revealed, to everyone.
- Askers and reactors in the panel: the facilitator only; the room sees the questions and
  the counts.
- Home reflections: private to their author; one shared with the group is seen on the board
  of its author's group during group work.
- Plenum questions: approved ones that are not hidden, everyone; one still waiting for the
  facilitator's approval (a moderated plenum), the facilitator and its asker; a hidden one,
  the facilitator. The asker, everyone, unless the question is anonymous: then nobody but the
  asker, the facilitator included (the text is what moderation needs). The number of upvotes,
  everyone who sees the question; who upvoted, the facilitator (and each person their own).
- Polls: a person sees their own answer; the facilitator everyone's. The results (counts,
  the scale's distribution, the free-text answers) the facilitator at any time, anyone else
  once the facilitator reveals them.
- The pulse: a person sees their own answer, nobody else anyone's, the facilitator included.
  Its results are shown once the measurement is closed and at least the pulse's minimum
  number of people have answered; to everyone alike, the facilitator included, and always
  with the number who answered (which everyone may see while it is taken).

Guests see what participants see: no rule here tells them apart.

What a screen narrows further for focus (a phone in group work shows its own group's column;
the console folds merged ideas into their target) is presentation, not permission: the
JSON protocol sends every idea the viewer may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from facilitator.agenda import Role
from facilitator.core.actors import Actor
from facilitator.core.board_state import BoardState, Idea
from facilitator.core.catalogue_state import Entry, Question
from facilitator.core.poll_state import PollsState
from facilitator.core.questions_state import PlenumQuestion, QuestionsState, ranked


@dataclass(frozen=True)
class Sight:
    """What one viewer may see."""

    viewer: Actor

    @property
    def everything(self) -> bool:
        return self.viewer.role is Role.FACILITATOR

    @property
    def drafts(self) -> bool:
        """The leaders' triage before its reveal, and every entry's history."""
        return self.viewer.role in (Role.FACILITATOR, Role.LEADER)

    @property
    def moderation(self) -> bool:
        """Hidden flags, merges, who edited or deleted, votes moved by a merge."""
        return self.everything

    # --- the board ----------------------------------------------------------------------

    def idea(self, idea: Idea) -> bool:
        return self.everything or (not idea.hidden and idea.merged_into is None)

    def ideas(self, board: BoardState, key: str | None = None) -> list[Idea]:
        """The ideas this viewer may see (of board ``key``, or of every board), as posted."""
        return [
            idea
            for idea in board.ideas.values()
            if (key is None or idea.board == key) and self.idea(idea)
        ]

    def mine(self, idea: Idea) -> bool:
        return self.viewer.participant_id is not None and idea.author == self.viewer.participant_id

    def author(self, idea: Idea) -> str | None:
        """The author's id, or None where this viewer may not know it."""
        return idea.author if self.knows_author(idea.author, idea.anonymous) else None

    def knows_author(self, author: str, anonymous: bool) -> bool:
        return self.everything or not anonymous or author == self.viewer.participant_id

    def ballot(self, voter: str) -> bool:
        return self.everything or voter == self.viewer.participant_id

    def tally(self, board: BoardState, phase: str) -> dict[str, int] | None:
        """Idea → votes in a vote phase, or None before the viewer may see the counts."""
        if self.everything or phase in board.revealed:
            return board.tally(phase)
        return None

    # --- the catalogue ------------------------------------------------------------------

    def decision(self, entry: Entry) -> bool:
        """An entry's verdict, priority, owner, timeline and rationale."""
        return entry.revealed or self.drafts

    @property
    def askers(self) -> bool:
        """Who asked a panel question, and who gave which reaction (the room sees the
        questions and the counts)."""
        return self.everything

    def asker(self, question: Question) -> str | None:
        return question.by if self.askers else None

    # --- plenum questions ---------------------------------------------------------------

    @property
    def me(self) -> str:
        """Who the viewer is as an asker or upvoter: a member's id, or their role."""
        return self.viewer.participant_id or self.viewer.role.value

    def question(self, question: PlenumQuestion) -> bool:
        if self.everything:
            return True
        if question.hidden:
            return False
        return question.approved or question.by == self.me

    def questions(self, state: QuestionsState) -> list[PlenumQuestion]:
        """The questions this viewer may see, most upvoted first."""
        return ranked(q for q in state.questions.values() if self.question(q))

    def question_asker(self, question: PlenumQuestion) -> str | None:
        if question.anonymous and question.by != self.me:
            return None
        return question.by

    @property
    def upvoters(self) -> bool:
        """Who upvoted which question (each person always knows their own upvotes)."""
        return self.everything

    def upvote(self, by: str) -> bool:
        return self.everything or by == self.me

    # --- polls and the pulse ------------------------------------------------------------

    def poll_results(self, polls: PollsState, phase: str) -> bool:
        return self.everything or phase in polls.revealed

    def poll_answer(self, by: str) -> bool:
        return self.everything or by == self.me

    def pulse_answer(self, by: str) -> bool:
        """Nobody sees another's pulse answer: not even the facilitator."""
        return by == self.viewer.participant_id

    def pulse_results(self, answered: int, minimum: int, closed: bool) -> bool:
        """The same for every viewer: the facilitator has no earlier or finer look."""
        return closed and answered >= minimum

    # --- home reflections ---------------------------------------------------------------

    def shared_reflections(
        self, shared: Mapping[str, str], groups: Mapping[str, str], group: str | None
    ) -> dict[str, str]:
        """Of the reflections people share with their group (author → text), those shown on
        the board of ``group`` (None outside group work): its own members'. ``groups`` is
        the current group-work phase's grouping (participant → group)."""
        if group is None:
            return {}
        return {author: text for author, text in shared.items() if groups.get(author) == group}


def of(viewer: Actor) -> Sight:
    return Sight(viewer)


# What the wall may show is what everyone in the room may see.
WALL = Sight(Actor(Role.PROJECTOR))
