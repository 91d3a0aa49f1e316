"""The staff days driven through the core, for the console's view tests."""

from __future__ import annotations

import pytest

from facilitator.agenda import Programme
from tests.web.views.driven import Day


@pytest.fixture
def day(programme: Programme) -> Day:
    return Day(programme.workshop("staff-day-1").agenda)


@pytest.fixture
def day2(programme: Programme) -> Day:
    return Day(programme.workshop("staff-day-2").agenda)
