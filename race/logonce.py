"""Tracebacks once per cause per interval: an outage logs one per minute, not one per event.

A cause is an exception type at a site (e.g. ``ConnectionError`` in the ``keys`` event).
The first failure of a cause in an interval is logged with its traceback; the rest of that
interval are logged at DEBUG without one and counted, and the next logged line of the
cause says how many there were.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

#: A cause's traceback is logged at most once in this long.
INTERVAL_S = 60.0
#: Causes remembered at most (sites and exception types are few; this only bounds a surprise).
MAX_CAUSES = 1_000


class LogOnce:
    """Remembers when each cause last logged its traceback, and how many were held back."""

    def __init__(
        self, interval_s: float = INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._lock = threading.Lock()
        #: (exception type, site) -> (when its traceback was logged, failures held back since)
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def reset(self) -> None:
        """Forget every cause (tests start from a clean slate)."""
        with self._lock:
            self._seen.clear()

    def error(
        self, logger: logging.Logger, site: str, exc: BaseException, message: str, *args: object
    ) -> None:
        """Log ``message % args`` as an error with ``exc``'s traceback, unless this cause
        already did within the interval (then at DEBUG, counted for its next line)."""
        key = (f"{type(exc).__module__}.{type(exc).__qualname__}", site)
        now = self.clock()
        with self._lock:
            last, held = self._seen.get(key, (None, 0))
            if last is not None and now - last < self.interval_s:
                self._seen[key] = (last, held + 1)
                quiet = True
            else:
                if len(self._seen) >= MAX_CAUSES:
                    self._seen.clear()
                self._seen[key] = (now, 0)
                quiet = False
        if quiet:
            logger.debug(message, *args)
            return
        if held:
            message += f" (and {held} more like it in the last {self.interval_s:.0f} s)"
        logger.error(message, *args, exc_info=exc)


#: The worker's one instance (every app in a process shares it: the log is shared too).
ONCE = LogOnce()
