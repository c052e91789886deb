"""The zygote (engine/zygote.py, worker/zygote.py): workers forked from one that imported torch.

grade-all forks each submission's worker from a zygote that imported torch once; each forked
worker walls itself in namespaces of its own. What one student's worker leaves behind (files in
every writable folder it can reach, a process meant to outlive it, signals at whatever it can
see) must not reach the next student's worker, and the zygote must keep serving.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from autograder.data import locate_fashion_mnist
from autograder.engine import zygote as zygotes
from autograder.engine.grading import grade_submission
from autograder.rubric import load_rubric
from autograder.sandbox.limits import Limits
from tests.support import copy_solutions
from tests.test_faults import survivors

PLACES = ("/tmp", "/work/run", "/dev/shm", "/dev", "/work", "/work/submission",
          "/work/submission/exercises", "/work/data")

LEAVE_BEHIND = '''
import os as _os
for _place in {places!r}:
    try:
        open(_os.path.join(_place, {marker!r}), "w").write("left by an earlier student")
    except OSError:
        pass
if _os.fork() == 0:   # meant to outlive this student's grading, and to watch the next one's
    open("/proc/self/comm", "w").write({marker!r})
    _os.setsid()
    import time as _time
    _time.sleep(120)
    _os._exit(0)
'''

KILL_THE_ZYGOTE = '''
import os as _os
for _pid in _os.listdir("/proc"):   # /proc shows the zygote: a kill for it
    try:
        if b"autograder.worker.zygote" in open(f"/proc/{_pid}/cmdline", "rb").read():
            _os.kill(int(_pid), 9)
    except (OSError, ValueError):
        pass
'''

LOOK_FOR_IT = '''
import os as _os


def _left_behind():
    for _place in {places!r}:
        if _os.path.exists(_os.path.join(_place, {marker!r})):
            return True
    for _pid in _os.listdir("/proc"):
        try:
            if {marker!r} in open(f"/proc/{{_pid}}/comm").read():
                return True
        except OSError:
            pass
    return False


if _left_behind():   # what an earlier student left reached this one: softmax breaks
    import types as _types
    torch = _types.SimpleNamespace()
'''


def _submission(dest: Path, *parts: str) -> Path:
    copy_solutions(dest)
    module = dest / "exercises" / "softmax_regression.py"
    module.write_text(module.read_text() + "".join(parts))
    return dest


def _softmax_score(path: Path) -> tuple[float, float]:
    report = grade_submission(path, seed=1, functions={"softmax"}, zygote=True)
    return report.score, report.max_score


@pytest.mark.slow
def test_what_a_forked_worker_leaves_behind_never_reaches_the_next(tmp_path):
    marker = "d2lz" + uuid.uuid4().hex[:10]
    leave = LEAVE_BEHIND.format(places=PLACES, marker=marker)
    look = LOOK_FOR_IT.format(places=PLACES, marker=marker)
    # The control: in one worker, what it left is found (so the look can fail).
    score, top = _softmax_score(_submission(tmp_path / "both", leave, look))
    assert top == sum(s.points for s in load_rubric().select({"softmax"}).checks) > 0
    assert score < top, "the check cannot see what a worker leaves behind"
    zygote = zygotes.shared_zygote(locate_fashion_mnist(None), Limits())
    assert zygote is not None and zygote.forks > 0, "no zygote on this machine: nothing forked"

    _softmax_score(_submission(tmp_path / "first", leave, KILL_THE_ZYGOTE))
    assert survivors(marker) == [], "a process of the first student outlived its grading"
    assert zygote.alive() and zygotes.shared_zygote(locate_fashion_mnist(None), Limits()) is zygote
    score, top = _softmax_score(_submission(tmp_path / "second", look))
    assert score == top, "what the first student's worker left reached the second's"


@pytest.mark.slow
def test_forked_workers_grade_as_fresh_ones(tmp_path):
    """The same scores and messages, check by check, from a forked worker and a fresh one."""
    functions = {"softmax", "relu", "sgd", "Accumulator", "load_data_fashion_mnist"}
    fresh = grade_submission("examples/submissions/bob/exercises", seed=4, functions=functions)
    forks = zygotes.Zygote.forks_in_process
    forked = grade_submission("examples/submissions/bob/exercises", seed=4, functions=functions,
                              zygote=True)
    assert zygotes.Zygote.forks_in_process > forks, "no worker was forked"
    assert [(r.spec.id, r.score, r.message) for r in forked.results] == \
        [(r.spec.id, r.score, r.message) for r in fresh.results]
