"""Progress and logging for the benchmark: everything but the figures goes to stderr."""

import logging
import sys
import time

logger = logging.getLogger("bench")


class Progress:
    """A one-line ``\\r`` counter on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = max(1, total)
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        share = min(1.0, self.done / self.total)
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r  {self.label:<28} [{bar:<30}] {self.done:>9,}/{self.total:,}"
            f" {rate:>9,.0f}/s"
        )
        sys.stderr.flush()

    def close(self) -> float:
        """Finish the line; return the seconds elapsed."""
        now = time.perf_counter()
        self._draw(now)
        sys.stderr.write("\n")
        sys.stderr.flush()
        return now - self.started


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile (0-1) of ``values``, by nearest rank."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]
