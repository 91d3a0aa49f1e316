"""Set-up shared by workshops.py and workers.py: many copies of the default programme's
staff day 1 in one database, and people joining them by code over HTTP."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fanout import http

WORKSHOP = "staff-day-1"


@dataclass(frozen=True)
class StaffDays:
    days: list  # store.programmes.WorkshopLinks of each copy's staff day 1
    group_work: int  # the index of its first group-work phase
    departments: list[str]  # the programme's department keys


def create_staff_days(url: str, count: int) -> StaffDays:
    """``count`` programmes from the default one in the database at ``url`` (migrated)."""
    from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
    from facilitator.clock import system_clock
    from facilitator.store.db import make_engine
    from facilitator.store.migrate import upgrade
    from facilitator.store.programmes import create_programme

    programme = load_programme(DEFAULT_PROGRAMME)
    engine = make_engine(url)
    upgrade(engine)
    days = []
    for _ in range(count):
        links = create_programme(engine, programme, clock=system_clock, base_url="")
        days.append(next(link for link in links if link.key == WORKSHOP))
    engine.dispose()
    phases = programme.workshop(WORKSHOP).agenda.phases
    group_work = next(i for i, phase in enumerate(phases) if phase.kind.value == "group_work")
    return StaffDays(days, group_work, [d.key for d in programme.departments])


async def join_all(
    base: str, code: str, numbers: range, departments: list[str], at_once: int = 16
) -> list[tuple[str, str]]:
    """People ``numbers`` join by ``code``, ``at_once`` at a time: (participant, token)."""
    semaphore = asyncio.Semaphore(at_once)

    async def join(number: int) -> tuple[str, str]:
        body = {"name": f"Bench {number}", "department": departments[number % len(departments)]}
        async with semaphore:
            status, answer = await asyncio.to_thread(http, "POST", f"{base}/join/{code}", body)
        if status != 200:
            raise RuntimeError(f"join {number} answered {status}: {answer}")
        return str(answer["participant"]), str(answer["token"])

    return list(await asyncio.gather(*(join(n) for n in numbers)))
