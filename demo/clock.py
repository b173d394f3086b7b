"""The demo's clock: the time the real services read while the demo writes a round that lies in
the past (demo.earlier), so that what they stamp (agreed, scored, released, the audit trail and
the history rows) falls on the day the step would have been taken.

The services read the time through `django.utils.timezone` (now, localdate and the date checks
that refuse a day in the future); inside `DemoClock.running()` that module's `now` answers the
demo's moment instead of the wall clock, and is put back on the way out, error or not. The demo
runs in one thread inside one command: nothing else reads the clock meanwhile. Never used
outside seed_demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

START_OF_DAY = dt.time(8, 30)
TICK = dt.timedelta(seconds=20)  # between two steps on the same day: 1,000 steps fill 5.6 h


class DemoClock:
    """A moment that only moves forward (until `restart`): `on(day)` starts the day (or goes
    on within it), each call one tick later, so the steps keep their order in every timestamp."""

    def __init__(self) -> None:
        self.moment: dt.datetime | None = None

    def on(self, day: dt.date) -> dt.datetime:
        start = timezone.make_aware(dt.datetime.combine(day, START_OF_DAY))
        if self.moment is None or start > self.moment:
            self.moment = start
        else:
            self.moment += TICK
        return self.moment

    def restart(self) -> None:
        """Back to the wall clock until the next `on`: a new department's round starts over."""
        self.moment = None

    @contextmanager
    def running(self) -> Iterator[DemoClock]:
        real = timezone.now

        def now() -> dt.datetime:
            return self.moment if self.moment is not None else real()

        timezone.now = now
        try:
            yield self
        finally:
            timezone.now = real
