"""Fixed instants for tests that read the clock (see docs/testing.md).

A test whose result depends on the date or the time of day travels to one of these, e.g.
`@pytest.mark.time_machine(SUMMER_MIDDAY)` (the clock ticks on from there), or with `tick=False`
when it compares exact times.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# A Wednesday in August, midday in London (summer time): the 90 days before it hold no change of
# the clocks, and no day, week, month or year ends within hours of it.
SUMMER_MIDDAY = datetime(2026, 8, 12, 12, 0, tzinfo=LONDON)
