"""What the service pulse shows: per item n, distribution, mean and spread; the recommend
score as promoters, passives, detractors and NPS; and, across the programme, the change from
each measurement's baseline, overall and paired for the people who answered both.

Pure arithmetic over answers. Nothing is shown for fewer answers than the pulse's minimum
(few answers make averages swing by chance, and a small group is easily recognised), and n is
always given: ``shown`` says whether the numbers are there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean, stdev

from facilitator.agenda import RECOMMEND, SCALE, Pulse
from facilitator.core import visibility
from facilitator.core.pulse_messages import ItemResult, MeasurementResult, RecommendResult
from facilitator.core.pulse_state import PulseAnswer

__all__ = [
    "Change",
    "Comparison",
    "ItemResult",
    "MeasurementResult",
    "ProgrammeResult",
    "RecommendChange",
    "RecommendResult",
    "item_result",
    "measurement_result",
    "programme_result",
    "recommend_result",
]

PROMOTERS = 9  # 9–10
DETRACTORS = 6  # 0–6; 7–8 are passives


@dataclass(frozen=True)
class Change:
    """An item's move from the baseline measurement to a later one."""

    item: str
    overall: float | None  # mean now minus mean then, when both are shown
    paired_n: int  # people who answered both
    paired: float | None  # their mean own change, when at least the minimum answered both


@dataclass(frozen=True)
class RecommendChange:
    nps: int | None  # NPS now minus NPS then, when both are shown
    paired_n: int
    paired: float | None  # the mean change of the 0–10 score of those who answered both


@dataclass(frozen=True)
class Comparison:
    measurement: str
    baseline: str
    items: tuple[Change, ...]
    recommend: RecommendChange | None


@dataclass(frozen=True)
class ProgrammeResult:
    measurements: tuple[MeasurementResult, ...]  # in the order the programme lists them
    comparisons: tuple[Comparison, ...]  # for each measurement that names a baseline


def item_result(item: str, scores: list[int], reference: float | None = None) -> ItemResult:
    low, high = SCALE
    return ItemResult(
        item=item,
        n=len(scores),
        distribution={value: scores.count(value) for value in range(low, high + 1)},
        mean=fmean(scores),
        spread=stdev(scores) if len(scores) > 1 else 0.0,
        reference=reference,
    )


def recommend_result(scores: list[int]) -> RecommendResult:
    promoters = sum(1 for score in scores if score >= PROMOTERS)
    detractors = sum(1 for score in scores if score <= DETRACTORS)
    n = len(scores)
    return RecommendResult(
        n=n,
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
        nps=round(100 * (promoters - detractors) / n) if n else 0,
    )


def measurement_result(
    pulse: Pulse, measurement: str, answers: Iterable[PulseAnswer], *, closed: bool
) -> MeasurementResult:
    given = list(answers)
    # The rule is the visibility policy's, and the same for every viewer.
    if not visibility.WALL.pulse_results(len(given), pulse.minimum_answers, closed):
        return MeasurementResult(measurement=measurement, answered=len(given), shown=False)
    items = tuple(
        item_result(
            item.key,
            [a.scores[item.key] for a in given if item.key in a.scores],
            item.reference.value if item.reference else None,
        )
        for item in pulse.items
    )
    recommended = [a.recommend for a in given if a.recommend is not None]
    low, high = RECOMMEND
    recommend = (
        recommend_result([score for score in recommended if low <= score <= high])
        if pulse.recommend is not None
        else None
    )
    why = tuple(sorted((a.why for a in given if a.why), key=str.casefold))
    return MeasurementResult(
        measurement=measurement,
        answered=len(given),
        shown=True,
        items=items,
        recommend=recommend,
        why=why,
    )


def programme_result(
    pulse: Pulse, answers: Mapping[str, Mapping[str, PulseAnswer]], closed: Collection[str]
) -> ProgrammeResult:
    """``answers``: measurement → pseudonym → answer (a person has one pseudonym across the
    programme); ``closed``: the measurements that are over."""
    results = {
        m.key: measurement_result(
            pulse, m.key, answers.get(m.key, {}).values(), closed=m.key in closed
        )
        for m in pulse.measurements
    }
    comparisons = tuple(
        _compare(pulse, results, answers, m.key, m.compare_to)
        for m in pulse.measurements
        if m.compare_to is not None
    )
    return ProgrammeResult(tuple(results.values()), comparisons)


def _compare(
    pulse: Pulse,
    results: Mapping[str, MeasurementResult],
    answers: Mapping[str, Mapping[str, PulseAnswer]],
    now_key: str,
    then_key: str,
) -> Comparison:
    now, then = results[now_key], results[then_key]
    both = now.shown and then.shown
    later, earlier = answers.get(now_key, {}), answers.get(then_key, {})
    pairs = [(earlier[p], later[p]) for p in later if p in earlier]
    enough = both and len(pairs) >= pulse.minimum_answers
    changes = []
    for index, item in enumerate(pulse.items):
        own = [b.scores[item.key] - a.scores[item.key] for a, b in pairs if _has(a, b, item.key)]
        overall = now.items[index].mean - then.items[index].mean if both else None
        paired = fmean(own) if enough and own else None
        changes.append(Change(item.key, overall, len(pairs), paired))
    recommend = None
    if pulse.recommend is not None:
        nps = None
        if both and now.recommend and then.recommend and now.recommend.n and then.recommend.n:
            nps = now.recommend.nps - then.recommend.nps
        own_scores = [
            b.recommend - a.recommend
            for a, b in pairs
            if a.recommend is not None and b.recommend is not None
        ]
        paired = fmean(own_scores) if enough and own_scores else None
        recommend = RecommendChange(nps, len(pairs), paired)
    return Comparison(now_key, then_key, tuple(changes), recommend)


def _has(a: PulseAnswer, b: PulseAnswer, item: str) -> bool:
    return item in a.scores and item in b.scores
