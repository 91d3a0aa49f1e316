from pathlib import Path

import pytest
from pydantic import ValidationError

from facilitator.agenda import (
    Agenda,
    AgendaError,
    DayLength,
    GroupWorkPhase,
    IndividualPhase,
    LeaderPanelPhase,
    LeaderTriagePhase,
    PhaseKind,
    PlenumPhase,
    PollPhase,
    Problem,
    Programme,
    PulsePhase,
    Role,
    Text,
    VotePhase,
)
from facilitator.agenda.files import DEFAULT_PROGRAMME, check_files, load_agenda, load_programme

AGENDAS = DEFAULT_PROGRAMME.parent
BROKEN = Path(__file__).parent / "data" / "agendas"
SHIPPED = sorted(AGENDAS.glob("*.yaml"))
FULL_DAYS = {"staff-day-1", "staff-day-2"}


def marked_line(path: Path, mark: str) -> int:
    """The 1-based line of `path` carrying the comment `# <- {mark}`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, 1) if line.endswith(f"# <- {mark}")]
    assert len(found) == 1, f"mark {mark!r} in {path.name}: {found}"
    return found[0]


def problems_in(path: Path) -> list[Problem]:
    problems = check_files([path])
    assert all(isinstance(problem, Problem) for problem in problems)
    return problems


def problem_at(path: Path, mark: str, *words: str, via: Path | None = None) -> Problem:
    """The one problem reported for `path` (when checking `via`, else `path`) on the marked
    line; its message must contain all `words`."""
    line = marked_line(path, mark)
    here = [p for p in problems_in(via or path) if p.path == str(path) and p.line == line]
    assert len(here) == 1, f"line {line} of {path.name}: {[str(p) for p in here]}"
    for word in words:
        assert word in here[0].message
    return here[0]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


A_PHASE = "  - key: talk\n    kind: plenum\n    title: {da: Oplæg, en: Talk}\n    minutes: 30\n"


def an_agenda(phases: str = A_PHASE, length: str = "half_day") -> str:
    head = "key: test\ntitle: {da: Test, en: Test}\n"
    return f"{head}length: {length}\naudience: staff\nphases:\n{phases}"


# The shipped programme


def test_every_shipped_agenda_file_has_no_problems() -> None:
    assert {"solrod-programme.yaml", "staff-day-1.yaml"} <= {path.name for path in SHIPPED}
    assert check_files(SHIPPED) == []


def test_every_shipped_agenda_file_loads() -> None:
    for path in SHIPPED:
        if path != DEFAULT_PROGRAMME:
            assert isinstance(load_agenda(path), Agenda)


def test_the_programme_has_the_four_workshops_in_the_domain_order() -> None:
    programme = load_programme(DEFAULT_PROGRAMME)
    assert programme.key == "solrod-service-2026"
    assert programme.organisation == "Solrød Kommune"
    assert [w.key for w in programme.workshops] == [
        "leaders-kickoff",
        "staff-day-1",
        "leaders-catalogue",
        "staff-day-2",
    ]
    assert [(w.audience, w.participants) for w in programme.workshops] == [
        ("leaders", 6),
        ("staff", 20),
        ("leaders", 6),
        ("staff", 20),
    ]
    assert programme.workshop("staff-day-1").agenda.key == "staff-day-1"


def test_the_programme_names_the_six_departments_in_danish_and_english() -> None:
    departments = load_programme(DEFAULT_PROGRAMME).departments
    names = {d.key: (d.name.da, d.name.en) for d in departments}
    assert names["miljo"] == ("Miljø", "Environment")
    assert names["borgerservice"] == ("Borgerservice", "Citizen Service")
    assert set(names) == {
        "miljo",
        "beskaeftigelse",
        "plan-og-byg",
        "social",
        "borgerservice",
        "erhverv",
    }
    assert all(key.isascii() and key == key.lower() for key in names)


def test_workshops_last_a_realistic_half_or_full_day() -> None:
    for workshop in load_programme(DEFAULT_PROGRAMME).workshops:
        agenda = workshop.agenda
        if workshop.key in FULL_DAYS:
            assert agenda.length is DayLength.FULL_DAY
            assert 360 <= agenda.total_minutes <= 450 <= DayLength.FULL_DAY.max_minutes
        else:
            assert agenda.length is DayLength.HALF_DAY
            assert 180 <= agenda.total_minutes <= 240 == DayLength.HALF_DAY.max_minutes


def test_workshop_title_and_audience_default_to_the_agenda() -> None:
    workshop = load_programme(DEFAULT_PROGRAMME).workshop("leaders-catalogue")
    assert workshop.title == workshop.agenda.title
    assert workshop.audience == workshop.agenda.audience == "leaders"
    assert workshop.description.get("en")


def test_staff_day_one_votes_on_proposals_after_group_work_and_ends_with_home_reflection() -> None:
    agenda = load_programme(DEFAULT_PROGRAMME).workshop("staff-day-1").agenda
    kinds = [phase.kind for phase in agenda.phases]
    assert kinds[0] is PhaseKind.WELCOME
    assert kinds[-2:] == [PhaseKind.HOME_REFLECTION, PhaseKind.WRAP_UP]
    assert kinds.count(PhaseKind.PLENUM) >= 2
    assert kinds.count(PhaseKind.BREAK) >= 2
    assert agenda.boards == ("proposals",)
    first_group_work = kinds.index(PhaseKind.GROUP_WORK)
    vote = agenda.phases[kinds.index(PhaseKind.VOTE)]
    assert isinstance(vote, VotePhase) and vote.board == "proposals"
    assert first_group_work < kinds.index(PhaseKind.VOTE)
    group_work = agenda.phases[first_group_work]
    assert isinstance(group_work, GroupWorkPhase) and group_work.mix_by == "department"
    speaker = agenda.phase("business-structure")
    assert isinstance(speaker, PlenumPhase) and speaker.speaker is not None


def test_the_leaders_triage_the_catalogue_from_staff_day_one() -> None:
    agenda = load_programme(DEFAULT_PROGRAMME).workshop("leaders-catalogue").agenda
    triages = [phase for phase in agenda.phases if isinstance(phase, LeaderTriagePhase)]
    assert triages and all(phase.catalogue == "staff-day-1" for phase in triages)
    assert all(phase.actors == (Role.LEADER,) for phase in triages)


def test_staff_day_two_builds_on_the_reflection_and_the_catalogue_and_has_a_leader_panel() -> None:
    agenda = load_programme(DEFAULT_PROGRAMME).workshop("staff-day-2").agenda
    individual = [phase for phase in agenda.phases if isinstance(phase, IndividualPhase)]
    assert individual and individual[0].uses_reflection
    opening = [p for p in agenda.phases if isinstance(p, GroupWorkPhase) and p.opens_catalogue]
    assert [phase.opens_catalogue for phase in opening] == ["staff-day-1"]
    panel = [phase for phase in agenda.phases if isinstance(phase, LeaderPanelPhase)]
    assert len(panel) == 1 and panel[0].actors == (Role.LEADER,)
    assert agenda.phases[-1].kind is PhaseKind.WRAP_UP


# The objects


def test_text_get_falls_back_to_danish() -> None:
    text = Text(da="Velkommen", en="Welcome")
    assert text.get("en") == text.get("en-GB") == "Welcome"
    assert text.get("da") == text.get("de") == text.get("") == "Velkommen"


def test_each_phase_kind_has_sensible_default_actors() -> None:
    agenda = load_agenda(AGENDAS / "staff-day-2.yaml")
    assert agenda.phase("lunch").actors == ()
    assert agenda.phase("leader-panel").actors == (Role.LEADER,)
    assert Role.PARTICIPANT in agenda.phase("sparring-partner").actors


def test_agenda_finds_phases_by_key_and_lists_boards_in_creation_order() -> None:
    agenda = load_agenda(AGENDAS / "staff-day-2.yaml")
    assert agenda.phase("entry-points-poll").kind is PhaseKind.POLL
    assert agenda.boards == ("my-changes", "sparring", "entry-points", "catalogue-work")
    with pytest.raises(KeyError):
        agenda.phase("no-such-phase")


def test_an_agenda_built_in_code_is_checked_across_phases_too() -> None:
    title = Text(da="x", en="x")
    vote = VotePhase(key="vote", title=title, minutes=10, board="ideas")
    with pytest.raises(ValidationError, match="before any earlier phase creates it"):
        Agenda(key="a", title=title, length=DayLength.HALF_DAY, audience="staff", phases=(vote,))


def test_a_programme_built_in_code_checks_its_catalogue_references() -> None:
    programme = load_programme(DEFAULT_PROGRAMME)
    reordered = tuple(reversed(programme.workshops))
    with pytest.raises(ValidationError, match="catalogue 'staff-day-1' is a later workshop"):
        Programme(
            key=programme.key,
            title=programme.title,
            organisation=programme.organisation,
            workshops=reordered,
        )


def test_agendas_and_programmes_survive_a_round_trip_through_json() -> None:
    programme = load_programme(DEFAULT_PROGRAMME)
    assert Programme.model_validate(programme.model_dump(mode="json")) == programme
    for workshop in programme.workshops:
        again = Agenda.model_validate(workshop.agenda.model_dump(mode="json"))
        assert again == workshop.agenda
        assert all(isinstance(phase.kind, PhaseKind) for phase in again.phases)


def test_agendas_are_frozen() -> None:
    agenda = load_agenda(AGENDAS / "leaders-kickoff.yaml")
    with pytest.raises(ValidationError):
        agenda.key = "other"  # type: ignore[misc]


# Problems, each with its file and line


def test_an_unknown_kind_is_reported_on_its_line_with_the_kinds_that_exist() -> None:
    path = BROKEN / "unknown-kind.yaml"
    problem = problem_at(path, "unknown kind", "phase 'vote-1': unknown kind 'voting'")
    assert "(expected one of: welcome, plenum, group_work, vote," in problem.message
    assert str(problem) == f"{path}:12: {problem.message}"


def test_minutes_must_be_a_positive_whole_number_of_at_most_240() -> None:
    path = BROKEN / "bad-minutes.yaml"
    problem_at(path, "negative", "minutes must be a positive number, got -5")
    problem_at(path, "text", "minutes must be a whole number, got 'ten'")
    problem_at(path, "too long", "at most 240, got 300")
    assert len(problems_in(path)) == 3


def test_a_vote_on_a_board_that_no_earlier_phase_creates_is_reported() -> None:
    path = BROKEN / "board-before-creation.yaml"
    problem_at(
        path, "board", "phase 'vote': uses board 'ideas' before any earlier phase creates it"
    )
    assert len(problems_in(path)) == 1  # the second vote comes after the group work: fine


def test_a_half_day_may_last_at_most_240_minutes() -> None:
    path = BROKEN / "half-day-too-long.yaml"
    problem_at(path, "length", "a half-day agenda may last at most 240 minutes; this one lasts 300")


def test_a_full_day_may_last_at_most_480_minutes(tmp_path: Path) -> None:
    long_phase = "  - key: p{}\n    kind: plenum\n    title: {{da: x, en: x}}\n    minutes: 200\n"
    phases = "".join(long_phase.format(n) for n in range(3))
    path = write(tmp_path, "long.yaml", an_agenda(phases, length="full_day"))
    [problem] = problems_in(path)
    assert problem.line == 3
    assert problem.message.startswith("a full-day agenda may last at most 480 minutes; this one")


def test_a_repeated_phase_key_and_a_setting_written_twice_are_reported() -> None:
    path = BROKEN / "duplicate-keys.yaml"
    first = marked_line(path, "first talk")
    problem_at(path, "second talk", "phase key 'talk' is used more than once", f"line {first}")
    problem_at(path, "written twice", "the setting 'minutes' is written twice")


def test_missing_settings_are_reported_on_the_line_of_what_lacks_them() -> None:
    path = BROKEN / "missing-settings.yaml"
    problem_at(path, "top", "the setting 'audience' is missing")
    problem_at(path, "no board", "phase 'ideas': the setting 'board' is missing")
    problem_at(path, "no prompt", "phase 'reflect': the setting 'prompt' is missing")
    problem_at(path, "no english", "title has no 'en' text")


def test_values_of_the_wrong_type_are_each_reported_on_their_own_line() -> None:
    path = BROKEN / "wrong-types.yaml"
    problem_at(path, "plain title", "title must give a Danish and an English text")
    problem_at(path, "length", "length must be one of 'half_day' or 'full_day', got 'all_day'")
    problem_at(path, "not a yes/no", "phase 'talk': questions must be true or false")
    problem_at(path, "not a short name", "board must be a short name", "'Big Ideas'")
    problem_at(path, "too big", "group_size must be at most 10, got 12")
    problem_at(path, "mix_by", "'department' or 'random', got 'alphabet'")
    problem_at(path, "typo", "no setting 'minuts' (did you mean 'minutes'?)")
    problem_at(path, "unknown board", "uses board 'groups' before any earlier phase")
    problem_at(path, "over budget", "max_per_idea (5) cannot be more than votes_per_person (3)")
    assert len(problems_in(path)) == 9


def test_a_yaml_syntax_error_is_reported_with_its_line() -> None:
    path = BROKEN / "syntax-error.yaml"
    problem_at(path, "syntax", "not valid YAML", "in quotes")


def test_tabs_and_unclosed_quotes_are_explained(tmp_path: Path) -> None:
    tabs = write(tmp_path, "tabs.yaml", "key: x\nphases:\n\t- key: a\n")
    [problem] = problems_in(tabs)
    assert (problem.line, "not tabs" in problem.message) == (3, True)
    quote = write(tmp_path, "quote.yaml", 'key: x\ntitle: "open\n')
    [problem] = problems_in(quote)
    assert "never closed" in problem.message


def test_a_missing_file_is_reported_without_a_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert check_files([path]) == [Problem(str(path), None, "file not found")]
    assert str(check_files([path])[0]) == f"{path}: file not found"


def test_an_empty_file_is_reported(tmp_path: Path) -> None:
    assert "empty" in problems_in(BROKEN / "empty.yaml")[0].message
    assert problems_in(write(tmp_path, "blank.yaml", "\n  \n"))[0].message == "the file is empty"


def test_all_problems_in_a_file_are_reported_not_just_the_first() -> None:
    lines = {problem.line for problem in problems_in(BROKEN / "wrong-types.yaml")}
    assert len(lines) == 9


def test_load_agenda_raises_an_agenda_error_listing_every_problem_one_per_line() -> None:
    path = BROKEN / "missing-settings.yaml"
    with pytest.raises(AgendaError) as raised:
        load_agenda(path)
    assert len(raised.value.problems) == 4
    assert str(raised.value).splitlines() == [str(problem) for problem in raised.value.problems]
    assert all(line.startswith(f"{path}:") for line in str(raised.value).splitlines())


def test_load_agenda_refuses_a_programme_and_load_programme_an_agenda() -> None:
    with pytest.raises(AgendaError, match="this is a programme, not an agenda"):
        load_agenda(DEFAULT_PROGRAMME)
    with pytest.raises(AgendaError, match="this is an agenda, not a programme"):
        load_programme(AGENDAS / "staff-day-1.yaml")


LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9)
)


def test_check_files_never_raises_whatever_it_is_given(tmp_path: Path) -> None:
    garbage = {
        "binary.yaml": b"\xff\xfe\x00garbage",
        "list.yaml": b"- a\n- b\n",
        "scalar.yaml": b"just words\n",
        "control.yaml": b"key: \x07\n",
        "tag.yaml": b"key: !python/object:os.system x\n",
        "aliases.yaml": LAUGHS.encode(),
        "deep.yaml": b"key: " + b"[" * 1000 + b"]" * 1000 + b"\n",
        "two-docs.yaml": b"key: a\n---\nkey: b\n",
        "phases-not-list.yaml": b"key: a\nphases: 5\nworkshop: 3\n",
        "programme.yaml": b"workshops: [{agenda: [1]}, {agenda: list.yaml}, 7]\n",
    }
    for name, content in garbage.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "folder.yaml").mkdir()
    paths = [tmp_path / name for name in garbage] + [tmp_path / "folder.yaml", tmp_path / "x"]
    problems = check_files(paths)
    reported = {Path(problem.path).name for problem in problems}
    assert reported >= {path.name for path in paths}
    assert all(problem.message for problem in problems)
    assert not any("internal error" in problem.message for problem in problems)


def test_check_files_accepts_a_folder_and_tells_programmes_from_agendas() -> None:
    assert check_files([AGENDAS]) == []
    programme = BROKEN / "programme" / "programme.yaml"
    assert {Path(p.path).name for p in check_files([programme])} == {
        "programme.yaml",
        "triage.yaml",
        "staff-day.yaml",
    }


# Problems across the workshops of a programme


PROGRAMME = BROKEN / "programme" / "programme.yaml"


def test_a_catalogue_must_come_from_an_earlier_workshop() -> None:
    problem_at(
        PROGRAMME.parent / "triage.yaml",
        "later workshop",
        "catalogue 'staff-day' is a later workshop",
        "earlier workshop (kickoff)",
        via=PROGRAMME,
    )
    problem_at(
        PROGRAMME.parent / "staff-day.yaml",
        "unknown workshop",
        "opens_catalogue 'nowhere' is not a workshop of this programme",
        via=PROGRAMME,
    )


def test_catalogue_problems_are_reported_in_the_agenda_file_with_the_programme() -> None:
    triage = PROGRAMME.parent / "triage.yaml"
    assert problems_in(triage) == []  # on its own the agenda cannot know the programme
    line = marked_line(triage, "later workshop")
    assert (str(triage), line) in {(p.path, p.line) for p in problems_in(PROGRAMME)}


def test_a_workshop_must_agree_with_its_agenda_and_its_agenda_file_must_exist() -> None:
    problem_at(
        PROGRAMME, "audience", "audience is 'staff', but its agenda is written for 'leaders'"
    )
    problem_at(PROGRAMME, "missing file", "agenda file 'no-such-file.yaml' not found")


def test_building_on_the_reflection_needs_an_earlier_home_reflection() -> None:
    problem_at(
        PROGRAMME.parent / "staff-day.yaml", "no reflection", "home reflection", via=PROGRAMME
    )


def test_load_programme_raises_with_every_problem_of_all_its_files() -> None:
    with pytest.raises(AgendaError) as raised:
        load_programme(PROGRAMME)
    assert len(raised.value.problems) == 5


# Polls and the service pulse


def test_polls_whose_settings_do_not_fit_together_are_reported_on_their_lines() -> None:
    path = BROKEN / "bad-polls.yaml"
    problem_at(path, "no options", "phase 'no-options': a single-choice poll needs at least two")
    problem_at(path, "one option", "phase 'one-option': a multiple-choice poll needs at least two")
    problem_at(path, "too many choices", "max_choices (3) cannot be more than the options (1)")
    problem_at(path, "bad range", "the scale runs from 5 to 1; its max must be above its min")
    problem_at(path, "no scale", "a scale poll needs a 'scale:'")
    problem_at(path, "options on a scale", "a scale poll has no options")
    problem_at(path, "unknown answer", "answer must be one of 'single', 'multiple', 'scale'")
    problem_at(path, "same option", "option key 'same' is used more than once")
    assert len(problems_in(path)) == 8


def test_an_agenda_may_not_define_the_pulse_itself() -> None:
    path = BROKEN / "pulse-in-agenda.yaml"
    problem_at(path, "pulse here", "defined once, in the programme file's 'pulse:' section")


def test_pulse_phases_must_name_a_measurement_of_the_programme_once_each() -> None:
    folder = BROKEN / "pulse"
    programme = folder / "programme.yaml"
    problem_at(
        folder / "day-two.yaml", "undefined measurement", "'finish' is not one", via=programme
    )
    problem_at(
        folder / "day-one.yaml", "taken twice", "already taken in workshop 'day-one'", via=programme
    )
    problem_at(programme, "compare to a later one", "must be an earlier measurement")
    problem_at(programme, "minimum too low", "the pulse: minimum_answers must be at least 3")
    problem_at(programme, "reference off the scale", "pulse item 'overall': reference")
    assert problems_in(folder / "day-two.yaml") == []  # on its own it cannot know
    assert len(problems_in(programme)) == 5


def test_a_pulse_phase_needs_the_programmes_pulse_section() -> None:
    folder = BROKEN / "no-pulse"
    problem_at(
        folder / "day.yaml",
        "no pulse section",
        "the programme has no 'pulse:' section",
        via=folder / "programme.yaml",
    )


def test_the_programme_defines_the_pulse_once_and_every_measuring_agenda_carries_it() -> None:
    programme = load_programme(DEFAULT_PROGRAMME)
    assert programme.pulse is not None
    assert [m.key for m in programme.pulse.measurements] == [
        "leaders-start",
        "baseline",
        "leaders-again",
        "end",
    ]
    assert programme.pulse.scale[0].da == "Meget utilfreds"
    assert programme.pulse.scale[-1].da == "Meget tilfreds"
    assert programme.pulse.minimum_answers == 5 and programme.pulse.recommend is not None
    taken = {}
    for workshop in programme.workshops:
        for phase in workshop.agenda.phases:
            if isinstance(phase, PulsePhase):
                taken[phase.measurement] = workshop.key
                assert workshop.agenda.pulse == programme.pulse  # the very same wording
    assert taken == {
        "leaders-start": "leaders-kickoff",
        "baseline": "staff-day-1",
        "leaders-again": "leaders-catalogue",
        "end": "staff-day-2",
    }
    day1 = programme.workshop("staff-day-1").agenda
    kinds = [phase.kind for phase in day1.phases]
    assert kinds.index(PhaseKind.PULSE) < kinds.index(PhaseKind.PLENUM)  # a baseline first
    day2 = programme.workshop("staff-day-2").agenda
    assert day2.phases[-2].kind is PhaseKind.PULSE  # and again at the very end


def test_the_plenums_of_staff_day_one_take_questions_from_guests_too() -> None:
    agenda = load_programme(DEFAULT_PROGRAMME).workshop("staff-day-1").agenda
    voices = agenda.phase("business-voices")
    assert isinstance(voices, PlenumPhase)
    assert voices.questions and voices.moderated_questions and voices.anonymous_questions
    assert Role.GUEST in voices.actors
    structure = agenda.phase("business-structure")
    assert isinstance(structure, PlenumPhase) and structure.speaker is not None


def test_staff_day_two_polls_the_entry_points_and_works_on_the_chosen_model() -> None:
    agenda = load_programme(DEFAULT_PROGRAMME).workshop("staff-day-2").agenda
    keys = [phase.key for phase in agenda.phases]
    poll = agenda.phase("entry-points-poll")
    assert isinstance(poll, PollPhase) and poll.answer == "single"
    assert {"one-door", "named-contact", "as-today"} <= {o.key for o in poll.options}
    assert keys.index("entry-points-poll") + 1 == keys.index("entry-points")
    assert agenda.phase("entry-points").kind is PhaseKind.GROUP_WORK
