"""Where a stop waits while an outcome is reported (see Gate): the signal handler's only
dependency, kept apart so that the command line imports it without the pipeline."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class Gate:
    """Where a stop (SIGINT, SIGTERM: the handler calls stop()) waits while an outcome is
    reported, so that it is counted and said on stdout, stderr and in the log, or not at
    all. Signal handlers and reports both run in the main thread: no lock."""

    def __init__(self) -> None:
        self._held = 0
        self._waiting = False
        self.signals: list[int] = []  # those received, in order (the handler records them)

    def stopped_by(self) -> signal.Signals:
        """What stops the run: SIGTERM if one came (a service manager's stop), else SIGINT
        (Ctrl-C: a KeyboardInterrupt without a signal counts as one)."""
        return signal.SIGTERM if signal.SIGTERM in self.signals else signal.SIGINT

    def stop(self) -> None:
        if self._held:
            self._waiting = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._waiting:
                self._waiting = False
                raise KeyboardInterrupt


GATE = Gate()
