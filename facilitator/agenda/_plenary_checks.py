"""The rules of polls and of the programme's service pulse that look across settings, phases
and workshops (``_checks`` runs them with the others)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._issues import Issue, Loc, duplicate_keys, label, mappings
from ._polls import ANSWERS, CHOICES


def poll_issues(index: int, phase: Mapping[str, Any]) -> list[Issue]:
    """What does not fit together in a poll phase: its answer, options, maximum and scale."""
    if phase.get("kind") != "poll":
        return []
    name, at = label("phase", phase, index), ("phases", index)
    answer = phase.get("answer", "single")
    raw = phase.get("options")
    options = mappings(raw)
    issues = duplicate_keys("options", "option", options, at=at)
    if answer not in ANSWERS:
        return issues  # the answer itself is reported as not valid
    written = isinstance(raw, list) and len(raw) > 0
    if answer in CHOICES and len(options) < 2:
        where = (*at, "options") if "options" in phase else (*at, "answer")
        issues.append(Issue(where, f"{name}: a {answer}-choice poll needs at least two options"))
    if answer not in CHOICES and written:
        issues.append(
            Issue(
                (*at, "options"),
                f"{name}: a {answer} poll has no options; remove them, or make its answer "
                "'single' or 'multiple'",
            )
        )
    most = phase.get("max_choices")
    if most is not None and answer != "multiple":
        issues.append(
            Issue((*at, "max_choices"), f"{name}: max_choices is for a multiple-choice poll")
        )
    elif isinstance(most, int) and not isinstance(most, bool) and options and most > len(options):
        issues.append(
            Issue(
                (*at, "max_choices"),
                f"{name}: max_choices ({most}) cannot be more than the options ({len(options)})",
            )
        )
    scale = phase.get("scale")
    if answer == "scale" and scale is None:
        issues.append(
            Issue(
                (*at, "answer"),
                f"{name}: a scale poll needs a 'scale:' with words for its two ends (low, high)",
            )
        )
    elif answer != "scale" and scale is not None:
        issues.append(Issue((*at, "scale"), f"{name}: 'scale' is for a poll whose answer is scale"))
    elif isinstance(scale, Mapping):
        low, high = scale.get("min", 1), scale.get("max", 5)
        if isinstance(low, int) and isinstance(high, int) and low >= high:
            issues.append(
                Issue(
                    (*at, "scale", "max" if "max" in scale else "min"),
                    f"{name}: the scale runs from {low} to {high}; its max must be above its min",
                )
            )
    return issues


def pulse_issues(pulse: object) -> list[Issue]:
    """The programme's pulse section on its own: keys, and what each measurement compares to."""
    if not isinstance(pulse, Mapping):
        return []
    at: Loc = ("pulse",)
    measurements = mappings(pulse.get("measurements"))
    issues = [
        *duplicate_keys("items", "pulse item", mappings(pulse.get("items")), at=at),
        *duplicate_keys("measurements", "measurement", measurements, at=at),
    ]
    earlier: list[str] = []
    for index, measurement in measurements:
        ref = measurement.get("compare_to")
        if isinstance(ref, str) and ref not in earlier:
            choices = ", ".join(earlier) or "none is listed before it"
            issues.append(
                Issue(
                    (*at, "measurements", index, "compare_to"),
                    f"{label('measurement', measurement, index)}: compare_to '{ref}' must be an "
                    f"earlier measurement of the pulse ({choices})",
                )
            )
        key = measurement.get("key")
        if isinstance(key, str):
            earlier.append(key)
    return issues


class PulseUse:
    """Which measurement each pulse phase of the programme takes, and whether it may."""

    def __init__(self, pulse: Mapping[str, Any] | None) -> None:
        self.pulse = pulse
        keys = [m.get("key") for _, m in mappings(pulse.get("measurements"))] if pulse else []
        self.defined = [key for key in keys if isinstance(key, str)]
        self.taken: dict[str, str] = {}  # measurement → where it is taken

    def problem(
        self,
        measurement: object,
        workshop: Mapping[str, Any],
        w: int,
        phase: Mapping[str, Any],
        i: int,
    ) -> str | None:
        if not isinstance(measurement, str):
            return None
        if self.pulse is None:
            return (
                f"takes the pulse '{measurement}', but the programme has no 'pulse:' section "
                "that defines the pulse and its measurements"
            )
        if measurement not in self.defined:
            choices = ", ".join(self.defined) or "none"
            return (
                f"measurement '{measurement}' is not one of the programme's pulse "
                f"measurements ({choices})"
            )
        here = f"{label('workshop', workshop, w)}, {label('phase', phase, i)}"
        if measurement in self.taken:
            return (
                f"measurement '{measurement}' is already taken in {self.taken[measurement]}; "
                "each measurement is one point of the programme"
            )
        self.taken[measurement] = here
        return None
