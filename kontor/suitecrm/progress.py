"""Progress of a migration run in the terminal, for the administrator watching
`kontor migrate-suitecrm`: per step the rows done, rows per second and the time left
(estimated from the row count of the step's first table), at most once a second, to stderr.
`Timing` keeps each step's rows and seconds for the report's rows/s summary.
"""

import time
from dataclasses import dataclass


@dataclass
class Timing:
    """One step's rows (as counted in the report) and the seconds it took."""

    step: str
    table: str
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


class Progress:
    """Prints progress lines to `stream`; `run.migrate` calls `start`, `tick` and `finish`."""

    def __init__(self, stream, *, interval: float = 1.0, clock=time.monotonic):
        self.stream, self.interval, self.clock = stream, interval, clock
        self.timing: Timing | None = None
        self.total = 0
        self._started = self._printed = 0.0

    def start(self, step: str, table: str, total: int) -> Timing:
        self.timing, self.total = Timing(step, table), total
        self._started = self._printed = self.clock()
        self.stream.write(f"… {step}: {total:,} rows in {table}")
        return self.timing

    def tick(self, n: int) -> None:
        if self.timing is None:
            return
        self.timing.rows += n
        now = self.clock()
        if now - self._printed >= self.interval:
            self._printed = now
            self.stream.write(self.line(now))

    def line(self, now: float) -> str:
        timing, elapsed = self.timing, now - self._started
        rate = timing.rows / elapsed if elapsed > 0 else 0.0
        left = max(self.total - timing.rows, 0)
        eta = f"{left / rate:,.0f} s left" if rate > 0 else "time left unknown"
        return f"  {timing.step}: {timing.rows:,} / {self.total:,} rows, {rate:,.0f} rows/s, {eta}"

    def finish(self) -> Timing | None:
        timing, self.timing = self.timing, None
        if timing is not None:
            timing.seconds = self.clock() - self._started
            self.stream.write(
                f"  {timing.step}: {timing.rows:,} rows in {timing.seconds:,.1f} s "
                f"({timing.rate:,.0f} rows/s)"
            )
        return timing
