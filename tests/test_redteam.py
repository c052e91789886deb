"""Red team: cheating submissions graded in the real sandbox earn no more than their honest part.

Each cheat (tests/redteam/cheats.py) is the reference solutions with the cheated functions given a
wrong or unimplemented body plus the cheat. Grading only those functions and one untouched control
function, the cheated ones must score 0, the control full marks, the message must say what
happened, and nothing outside the sandbox may change: the submission's folder, a folder beside it,
a decoy of the grader's files, the grader's repo and site-packages, the results.json paths, and no
process of the worker may outlive grading. Convergence checks are left out when grading through
the API (they are slow, and a cheat acts in them as it does in the others).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import uuid
from pathlib import Path

import pytest

from autograder.engine.grading import grade_submission
from autograder.rubric import load_rubric
from autograder.sandbox.limits import Limits
from tests.catalogue import mutated_source
from tests.redteam.cheats import ALL, Cheat
from tests.redteam.host import _fingerprint, _read, _survivors, _tree, _watch
from tests.support import REPO, SOLUTIONS, copy_solutions

KINDS = {"numerical", "statistical", "from_scratch"}
CLI = Path(sys.executable).with_name("autograder")
SITE = Path(sysconfig.get_paths()["purelib"])
HOST_FILES = (Path("/autograder/results/results.json"), Path("/tmp/results.json"),
              REPO / "results.json")


class CheatWon(AssertionError):
    """A cheated function earned points its honest part does not."""


class GraderBroke(AssertionError):
    """The grader itself failed on the cheating submission (no results, a crash)."""


def _planted(mark: str) -> list[Path]:
    """Files a cheat would have left in the grader's repo or site-packages."""
    return [*REPO.glob("PWNED-*"), *(REPO / "autograder").glob(f"PWNED-{mark}"),
            *SITE.glob(f"zz-{mark}.pth")]


def build(cheat: Cheat, root: Path, known: dict) -> Path:
    """The reference solutions with the cheat appended, its files written, and the solutions
    themselves lying next to the submission (as in an instructor's folder)."""
    sub = copy_solutions(root)
    path = sub / "exercises" / f"{cheat.module}.py"
    path.write_text(mutated_source(path.read_text(), f"KNOWN = {known!r}\n\n{cheat.source}"))
    for relative, text in cheat.files.items():
        target = sub / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.replace("@KNOWN@", repr(known)))
    shutil.copytree(SOLUTIONS, sub / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    return sub


def grade(cheat: Cheat, sub: Path, out: Path, seed: int,
          zygote: bool = False) -> dict[str, tuple[set, float, float, str]]:
    """check id -> (functions, score, points, message), through the API (``zygote``: in a worker
    forked by grade-all's zygote) or the console script (whose results.json adds what the
    student's code printed to the message: cut off here)."""
    functions = (*cheat.targets, cheat.control)
    if not cheat.via_cli:
        rubric = load_rubric().select(set(functions), kinds=KINDS)
        report = grade_submission(sub, seed=seed, rubric=rubric, runner="sandbox",
                                  limits=Limits(timeout_s=cheat.timeout_s), zygote=zygote)
        return {r.spec.id: (set(r.spec.functions), r.score, r.spec.points, r.message)
                for r in report.results}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    args = [str(CLI), "grade", ".", "--seed", str(seed), "--json", str(out),
            "--timeout", str(cheat.timeout_s), *[a for f in functions for a in ("--only", f)]]
    proc = subprocess.run(args, cwd=sub, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or "Traceback" in proc.stdout + proc.stderr:
        raise GraderBroke(proc.stdout[-2000:] + proc.stderr[-2000:])
    assert cheat_mark(sub) not in proc.stdout + proc.stderr, "the student's prints reached the console"
    data = json.loads(out.read_text())
    assert data["extra_data"]["sandboxed"] is True
    return {t["extra_data"]["check_id"]: (set(t["tags"]), t["score"], t["max_score"],
                                          t["output"].split("Your code printed:")[0])
            for t in data["tests"]}


PROBED = "reaches into the grader"


def cheat_mark(sub: Path) -> str:
    return (sub.parent / "mark").read_text()


@pytest.mark.parametrize("cheat", [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(
        strict=True, raises=(CheatWon, GraderBroke), reason=c.known_hole)] if c.known_hole else [])
    for c in ALL])
def test_a_cheat_earns_no_more_than_its_honest_part(cheat: Cheat, tmp_path):
    _cheat_graded(cheat, tmp_path, zygote=False)


# The same cheats in workers forked by grade-all's zygote (engine/zygote.py), which other
# students' workers are forked from too.
FORKABLE = [c for c in ALL if not c.via_cli]


@pytest.mark.slow
@pytest.mark.parametrize("cheat", [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(
        strict=True, raises=(CheatWon, GraderBroke), reason=c.known_hole)] if c.known_hole else [])
    for c in FORKABLE])
def test_a_cheat_earns_no_more_than_its_honest_part_in_a_forked_worker(cheat: Cheat, tmp_path):
    from autograder.engine.zygote import Zygote

    forks = Zygote.forks_in_process
    _cheat_graded(cheat, tmp_path, zygote=True)
    assert Zygote.forks_in_process > forks, "no worker was forked: the zygote did not run"


def _cheat_graded(cheat: Cheat, tmp_path: Path, zygote: bool) -> None:
    mark = f"redteam-{uuid.uuid4().hex}"
    (tmp_path / "mark").write_text(mark)
    outside, decoy = tmp_path / "outside", tmp_path / "decoy"
    outside.mkdir()
    (outside / "results.json").write_text("sentinel\n")
    shutil.copytree(REPO / "autograder" / "verdicts", decoy / "autograder" / "verdicts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = (tmp_path / "grader-out" / "results.json")
    out.parent.mkdir()
    if not cheat.via_cli:
        out.write_text("sentinel\n")
    sub_root = tmp_path / "student"
    known = {"original": str(sub_root), "repo": str(REPO), "out": str(out), "outside": str(outside),
             "site": str(SITE), "decoy": str(decoy), "mark": mark}
    sub = build(cheat, sub_root, known)
    before = {"submission": _tree(sub), "outside": _tree(outside), "decoy": _tree(decoy),
              "host": [_fingerprint(p) for p in HOST_FILES]}
    seen, done = [], threading.Event()
    watcher = threading.Thread(target=_watch, args=(mark, seen, done), daemon=True)
    watcher.start()
    try:
        results = grade(cheat, sub, out, seed=1000 + ALL.index(cheat), zygote=zygote)
        planted = _planted(mark)
    finally:
        done.set()
        watcher.join()
        leftover = _survivors(mark)
        for path in _planted(mark) + [f for f in HOST_FILES if mark.encode() in _read(f)]:
            path.unlink()  # what a cheat left outside the sandbox (the test fails below)
    assert not planted, f"the cheat wrote into the grader's files: {planted}"
    assert not leftover, "a process started by the student outlived grading"
    assert bool(seen) == cheat.spawns, "a spawning cheat's process was never seen running"

    targets = {cid: r for cid, r in results.items() if r[0] & set(cheat.targets)}
    controls = {cid: r for cid, r in results.items() if cheat.control in r[0]}
    assert targets and controls
    won = {cid: (score, message) for cid, (_, score, _, message) in targets.items() if score > 0}
    if won:
        raise CheatWon(f"the cheat earned points: {won}")
    # A module whose source reaches into the grader (engine/static_probes.py) loses every function
    # on purpose, the untouched one beside the cheat too; anything else the control loses is a bug.
    lost = {cid: message for cid, (_, score, points, message) in controls.items()
            if score != points and PROBED not in message}
    assert not lost, f"the untouched {cheat.control} lost points: {lost}"
    messages = [message for _, _, _, message in results.values()]
    if cheat.expect:
        assert any(cheat.expect in message or PROBED in message
                   for _, _, _, message in targets.values()), messages
    for phrase in filter(None, (cheat.forbid, "grader bug", "Traceback")):
        assert not any(phrase in message for message in messages), messages

    assert _tree(sub) == before["submission"], "the submission's own folder changed"
    assert _tree(outside) == before["outside"] and _tree(decoy) == before["decoy"]
    assert [_fingerprint(p) for p in HOST_FILES] == before["host"]
    if cheat.via_cli:  # the student's prints may appear only as what "Your code printed"
        data = json.loads(out.read_text())
        graded = [t["output"].split("Your code printed:")[0] for t in data["tests"]]
        summary = json.dumps({k: v for k, v in data.items() if k != "tests"})
        assert mark not in summary + "".join(graded), "results.json holds what the student forged"
    else:
        assert out.read_text() == "sentinel\n"
