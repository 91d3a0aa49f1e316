"""Agenda and programme files: load them, or check them and list every problem found.

An agenda edited in the browser is checked as a file too (``check_agenda_text``): the same
rules and messages as ``facilitator agendas check``, in the context of its programme, and
written back as a file with ``agenda_yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._checks import Issue, agenda_issues, label, mappings, programme_issues
from ._explain import explain
from ._models import DEFER_CHECKS, Agenda, Programme, ProgrammeFile
from ._problems import AgendaError, Problem
from ._pulse import Pulse
from ._write import agenda_data, phase_data, to_yaml
from ._yaml import Source, read_bytes, read_source

__all__ = [
    "DEFAULT_PROGRAMME",
    "InProgramme",
    "agenda_data",
    "agenda_yaml",
    "check_agenda_text",
    "check_files",
    "load_agenda",
    "load_programme",
    "phase_data",
    "read_bytes",
    "to_yaml",
]

DEFAULT_PROGRAMME = Path(__file__).resolve().parents[2] / "agendas" / "solrod-programme.yaml"

_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)


def load_agenda(path: str | Path) -> Agenda:
    """Raise AgendaError listing every problem in the file."""
    return _loaded(path, lambda: _agenda(read_source(path)))


def load_programme(path: str | Path) -> Programme:
    """Load a programme and its workshops' agendas (paths relative to the programme file)."""
    return _loaded(path, lambda: _programme(read_source(path)))


def check_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem in the given agenda and programme files (folders: their *.yaml files)."""
    problems: list[Problem] = []
    for path in _expand(paths):
        if isinstance(path, Problem):
            problems.append(path)
            continue
        try:
            source = read_source(path)
            if _is_programme(source.data):
                problems.extend(_programme(source)[1])
            else:
                problems.extend(_agenda(source)[1])
        except AgendaError as exc:
            problems.extend(exc.problems)
        except Exception as exc:  # a bug of ours must not hide the author's problems
            problems.append(_internal(path, exc))
    return list(dict.fromkeys(problems))


@dataclass(frozen=True)
class InProgramme:
    """Where an agenda stands in a programme, for the rules across workshops.

    ``programme`` is the programme's own settings as dumped (key, title, organisation,
    departments, pulse); ``workshops`` every workshop in order as ``{"key", "audience",
    "agenda"}`` with its agenda dumped (``model_dump(mode="json")``); ``position`` the index
    of the workshop whose agenda is checked (its own entry is replaced by the checked one).
    """

    programme: Mapping[str, Any]
    workshops: Sequence[Mapping[str, Any]]
    position: int


def check_agenda_text(
    text: str | bytes, name: str, *, context: InProgramme | None = None
) -> tuple[Agenda | None, list[Problem]]:
    """An agenda file's content checked as ``facilitator agendas check`` checks it (with the
    programme's rules across workshops when ``context`` places it in one): the agenda, with
    the programme's pulse if it takes it, or None and every problem, by line."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        source = read_bytes(name, raw)
    except AgendaError as exc:
        return None, list(exc.problems)
    agenda, problems = _agenda(source)
    if context is None or not isinstance(source.data, dict):
        return agenda, problems
    workshops = [dict(workshop) for workshop in context.workshops]
    here = context.position
    checked = agenda.model_dump(mode="json") if agenda is not None else source.data
    # The workshop's audience is its agenda's: a row has no audience of its own.
    workshops[here] = {
        **workshops[here],
        "audience": source.data.get("audience"),
        "agenda": checked,
    }
    for issue in programme_issues({**context.programme, "workshops": workshops}):
        if issue.loc[:3] == ("workshops", here, "agenda"):
            problems.append(_report(Issue(issue.loc[3:], issue.message), source))
    problems = _by_line(problems)
    if problems or agenda is None:
        return None, problems
    pulse = context.programme.get("pulse")
    if agenda.measures and pulse is not None:
        agenda = agenda.model_copy(update={"pulse": Pulse.model_validate(pulse)})
    return agenda, problems


def agenda_yaml(agenda: Agenda, heading: str = "") -> str:
    """The agenda as a file that loads back to it (its pulse excepted: the programme's)."""
    return to_yaml(agenda_data(agenda), heading)


def _loaded(path: str | Path, load: Callable[[], tuple[_T | None, list[Problem]]]) -> _T:
    try:
        result, problems = load()
    except AgendaError:
        raise
    except Exception as exc:
        raise AgendaError([_internal(path, exc)]) from exc
    if result is None or problems:
        raise AgendaError(dict.fromkeys(problems))
    return result


def _internal(path: str | Path, exc: Exception) -> Problem:
    return Problem(str(path), None, f"could not be checked because of an internal error: {exc!r}")


def _expand(paths: Iterable[str | Path]) -> list[Path | Problem]:
    expanded: list[Path | Problem] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            expanded.extend(found or [Problem(str(path), None, "this folder has no .yaml files")])
        else:
            expanded.append(path)
    return expanded


def _is_programme(data: object) -> bool:
    return isinstance(data, dict) and "workshops" in data


def _validate(model: type[_M], source: Source, data: object, problems: list[Problem]) -> _M | None:
    try:
        return model.model_validate(data, context=DEFER_CHECKS)
    except ValidationError as exc:
        for error in exc.errors():
            explained = explain(error, data, model)
            if explained is not None:
                problems.append(source.problem(*explained))
        return None


def _report(issue: Issue, source: Source) -> Problem:
    first = source.line(issue.first) if issue.first else None
    suffix = f" (first used on line {first})" if first is not None else ""
    return source.problem(issue.loc, issue.message + suffix)


def _by_line(problems: list[Problem]) -> list[Problem]:
    unique = dict.fromkeys(problems)  # an agenda used by two workshops is checked twice
    return sorted(unique, key=lambda problem: (problem.path, problem.line or 0))


def _agenda(source: Source) -> tuple[Agenda | None, list[Problem]]:
    problems = list(source.problems)
    if not isinstance(source.data, dict):
        problems.append(
            source.problem(
                (),
                "an agenda must start with settings such as 'key:', 'title:', "
                "'length:', 'audience:' and 'phases:'",
            )
        )
        return None, problems
    if _is_programme(source.data):
        problems.append(source.problem(("workshops",), "this is a programme, not an agenda"))
        return None, problems
    if "pulse" in source.data:
        message = (
            "an agenda does not define the pulse: it is defined once, in the programme file's "
            "'pulse:' section, and a phase of kind pulse names one of its measurements"
        )
        problems.append(source.problem(("pulse",), message))
        return None, _by_line(problems)
    agenda: Agenda | None = _validate(Agenda, source, source.data, problems)
    problems.extend(_report(issue, source) for issue in agenda_issues(source.data))
    return (None if problems else agenda), _by_line(problems)


def _programme(source: Source) -> tuple[Programme | None, list[Problem]]:
    problems = list(source.problems)
    data = source.data
    if not isinstance(data, dict) or not _is_programme(data):
        message = "a programme must have settings such as 'key:', 'title:' and 'workshops:'"
        if isinstance(data, dict) and "phases" in data:
            message = "this is an agenda, not a programme (a programme lists its 'workshops:')"
        return None, [*problems, source.problem((), message)]
    spec: ProgrammeFile | None = _validate(ProgrammeFile, source, data, problems)

    # Load every agenda the programme names, even when other parts of the programme are broken.
    sources: dict[int, Source] = {}
    loaded: dict[int, Agenda] = {}
    for index, workshop in mappings(data.get("workshops")):
        ref = workshop.get("agenda")
        if not isinstance(ref, str) or not ref.strip():
            continue  # reported by the validation above
        agenda_path = Path(source.path).parent / ref.strip()
        if not agenda_path.is_file():
            name = label("workshop", workshop, index)
            message = f"{name}: agenda file '{ref}' not found (looked for {agenda_path})"
            problems.append(source.problem(("workshops", index, "agenda"), message))
            continue
        try:
            sources[index] = read_source(agenda_path)
        except AgendaError as exc:
            problems.extend(exc.problems)
            continue
        agenda, agenda_problems = _agenda(sources[index])
        problems.extend(agenda_problems)
        if agenda is not None:
            loaded[index] = agenda

    # The rules across workshops see each agenda in place of its file name.
    for issue in programme_issues(_with_agendas(data, loaded, sources)):
        if issue.loc[:1] == ("workshops",) and issue.loc[2:3] == ("agenda",):
            agenda_source = sources[int(issue.loc[1])]
            problems.append(_report(Issue(issue.loc[3:], issue.message), agenda_source))
        else:
            problems.append(_report(issue, source))

    if problems or spec is None:
        return None, _by_line(problems)
    workshops = [
        {**entry.model_dump(exclude_none=True), "agenda": loaded[i]}
        for i, entry in enumerate(spec.workshops)
    ]
    programme: Programme | None = _validate(
        Programme, source, {**spec.model_dump(), "workshops": workshops}, problems
    )
    return programme, _by_line(problems)


def _with_agendas(
    data: dict[str, Any], loaded: dict[int, Agenda], sources: dict[int, Source]
) -> dict[str, Any]:
    """The programme with each agenda in place of its file name: the validated agenda, else the
    file's raw data (the rules skip what they cannot read), else None."""
    workshops = data.get("workshops")
    if not isinstance(workshops, list):
        return data
    return {
        **data,
        "workshops": [
            {**item, "agenda": _agenda_data(loaded.get(i), sources.get(i))}
            if isinstance(item, dict)
            else item
            for i, item in enumerate(workshops)
        ],
    }


def _agenda_data(agenda: Agenda | None, source: Source | None) -> object:
    if agenda is not None:
        return agenda.model_dump(mode="json")
    return source.data if source is not None else None
