"""Wall-clock budgets for loading student code: an interval timer raises ``LoadTimeout`` when spent.

Used by the worker's loader so that import-time ``while True``, ``time.sleep`` or a training loop
cannot hang it. Budgets nest (an inner one never outlasts the outer one); outside the main thread
signals cannot be used and a budget does nothing. When student code swallows the LoadTimeout
(``except BaseException: pass`` in a loop), the next alarm makes every line of the student's own
files raise it again, so no handler there can keep the loop alive; library code is left alone.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from typing import Iterator

# Once a budget is spent the timer keeps firing at this interval until the body has stopped.
_REPEAT_S = 0.2


class LoadTimeout(BaseException):
    """Loading took longer than its budget (a BaseException, like KeyboardInterrupt)."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


def _can_use_signals() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


class _Enforcer:
    """Raises LoadTimeout on every line run in the student's files (installed once swallowed)."""

    def __init__(self, student_dir: str, seconds: float, owner):
        self.student_dir, self.seconds, self.owner = student_dir, seconds, owner
        self.previous = None
        self.active = False

    def _student(self, frame) -> bool:
        return frame.f_code.co_filename.startswith(self.student_dir)

    def _local(self, frame, event, arg):  # noqa: ARG002 - the trace function signature
        if event == "line":
            raise LoadTimeout(self.seconds)
        return self._local

    def _global(self, frame, event, arg):  # noqa: ARG002
        return self._local if self._student(frame) else None

    def start(self, frame) -> None:
        self.previous, self.active = sys.gettrace(), True
        sys.settrace(self._global)
        while frame is not None and frame is not self.owner:
            if self._student(frame):
                frame.f_trace, frame.f_trace_lines = self._local, True
            frame = frame.f_back

    def stop(self) -> None:
        if self.active:
            sys.settrace(self.previous)
            self.active = False


@contextlib.contextmanager
def time_budget(seconds: float, student_dir: str | None = None) -> Iterator[None]:
    """Raise ``LoadTimeout`` in the body once ``seconds`` of wall clock have passed.

    ``student_dir``: where the student's files are; if code there swallows the LoadTimeout, its
    every line raises it from then on."""
    if not _can_use_signals():
        yield
        return
    start = time.monotonic()
    outer_handler = signal.getsignal(signal.SIGALRM)
    outer_left, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_left > 0:
        seconds = min(seconds, outer_left)
    deadline = start + seconds
    owner = sys._getframe().f_back.f_back  # the frame running the `with` statement
    enforcer = _Enforcer(str(student_dir), seconds, owner) if student_dir else None
    alarms = 0

    def on_alarm(signum, frame):  # noqa: ARG001 - the signal handler signature
        nonlocal alarms
        if time.monotonic() < deadline - 1e-3:
            return  # a late signal meant for another budget
        alarms += 1
        if alarms >= 2 and enforcer is not None and not enforcer.active:
            enforcer.start(frame)
        raise LoadTimeout(seconds)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3), _REPEAT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if enforcer is not None:
            enforcer.stop()
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left > 0:
            left = outer_left - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Stop the running budget's clock for the body (a nested load gets budgets of its own)."""
    if not _can_use_signals():
        yield
        return
    handler = signal.getsignal(signal.SIGALRM)
    left, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, handler)
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left, interval)


class Deadline:
    """A point in time shared by several budgets: ``left()`` seconds remain."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())
