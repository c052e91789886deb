"""Shared helpers for the project's own tests: build submissions and judge checks in-process."""
from __future__ import annotations

import copy
import dataclasses
import functools
import json
import os
import shutil
from pathlib import Path

from autograder.data import locate_fashion_mnist
from autograder.engine.inprocess import InProcessRunner
from autograder.engine.judge import judge
from autograder.scenarios import all_scenarios
from autograder.verdicts import Fail

from tests.catalogue import Mistake, Variant, mutated_source

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"


def data_root() -> Path:
    return locate_fashion_mnist(allow_download=False)


def copy_solutions(dest: Path) -> Path:
    """A submission directory (DEST/exercises/...) holding the reference solutions."""
    pkg = dest / "exercises"
    shutil.copytree(SOLUTIONS, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def build_submission(dest: Path, entry: Mistake | Variant) -> Path:
    """The reference solutions with one catalogue entry's replacement appended to its module."""
    copy_solutions(dest)
    path = dest / "exercises" / f"{entry.module}.py"
    path.write_text(mutated_source(path.read_text(), entry.source))
    return dest


def judge_over_seeds(submission: Path, check_ids, seeds) -> dict[tuple[str, int], tuple[bool, str]]:
    """(check id, seed) -> (passed, message), with one in-process runner for all of them.

    Checks registered with the same scenario function share its outcome per seed (the scenario is
    the same code, so it would observe the same thing)."""
    scenarios = all_scenarios()
    results = {}
    with InProcessRunner(submission, data_root()) as runner:
        for seed in seeds:
            done = {}
            for check_id in check_ids:
                fn = scenarios[check_id]
                if id(fn) not in done:
                    done[id(fn)] = runner.run(check_id, seed)
                outcome = dataclasses.replace(done[id(fn)], check_id=check_id)
                try:
                    judge(outcome, seed)
                    results[check_id, seed] = (True, "")
                except Fail as exc:
                    results[check_id, seed] = (False, exc.message)
    return results


def judge_checks(submission: Path, check_ids, seed: int = 0) -> dict[str, tuple[bool, str]]:
    """check id -> (passed, message) for one seed."""
    return {cid: v for (cid, _), v in judge_over_seeds(submission, check_ids, [seed]).items()}


def rubric_entries(section: str) -> list[dict]:
    """The raw rubric.toml entries of one section: an exercise module, or "convergence"."""
    import tomllib

    from autograder.contract import MODULE_OF
    from autograder.rubric import RUBRIC_FILE

    entries = tomllib.loads(RUBRIC_FILE.read_text())["check"]

    def section_of(entry):
        return "convergence" if entry["kind"] == "convergence" else MODULE_OF[entry["functions"][0]]
    return [e for e in entries if section_of(e) == section]


# ---- the catalogue's verdicts, kept: an optimisation must not change which checks a mistake fails

VERDICTS_SNAPSHOT = REPO / "tests" / "snapshots" / "verdicts.json"
RECORD_VERDICTS = "D2L_RECORD_VERDICTS"   # set to 1 to write the snapshot instead of comparing


@functools.lru_cache(maxsize=1)
def _verdicts_snapshot() -> dict[str, dict[str, bool]]:
    return json.loads(VERDICTS_SNAPSHOT.read_text()) if VERDICTS_SNAPSHOT.exists() else {}


def assert_same_verdicts(entry_id: str, results: dict) -> None:
    """``results`` ((check id, seed) -> (passed, message)) pass and fail exactly the checks the
    snapshot recorded for this catalogue entry (tests/snapshots/verdicts.json). With
    D2L_RECORD_VERDICTS=1 the run records them instead (tests/conftest.py merges the records)."""
    got = {f"{check_id}@{seed}": bool(v[0]) for (check_id, seed), v in sorted(results.items())}
    if os.environ.get(RECORD_VERDICTS):
        record = VERDICTS_SNAPSHOT.parent / f".record-{os.getpid()}.jsonl"
        record.parent.mkdir(parents=True, exist_ok=True)
        with record.open("a") as out:
            out.write(json.dumps({entry_id: got}) + "\n")
        return
    expected = _verdicts_snapshot().get(entry_id)
    assert expected is not None, (f"{entry_id}: no verdicts recorded; record them with "
                                  f"{RECORD_VERDICTS}=1 (tests/snapshots/README.md)")
    changed = {k: f"{expected.get(k)} -> {got.get(k)}" for k in sorted(set(expected) | set(got))
               if expected.get(k) != got.get(k)}
    assert not changed, f"{entry_id}: verdicts changed since they were recorded: {changed}"


# ---- the three verdicts every catalogue test file asks for (tests/test_checks_*.py)

def assert_stubs_fail_cleanly(check_ids) -> None:
    """Every check fails on the stubs of exercises/, saying the function is not implemented yet."""
    for (check_id, _), (ok, message) in judge_over_seeds(EXERCISES.parent, check_ids, (0,)).items():
        assert not ok, check_id
        assert "not implemented yet" in message, (check_id, message)


def assert_caught_by_name(dest: Path, mistake: Mistake, check_ids, seeds=(0, 1, 2)) -> None:
    """On every seed, some check of ``check_ids`` fails with a message holding ``mistake.expect``."""
    results = judge_over_seeds(build_submission(dest, mistake), check_ids, seeds)
    for seed in seeds:
        messages = [msg for (_, s), (ok, msg) in results.items() if s == seed and not ok]
        assert any(mistake.expect.lower() in m.lower() for m in messages), (seed, messages)
    assert_same_verdicts(mistake.id, results)


def assert_variant_passes(dest: Path, variant: Variant, check_ids, seeds=range(5)) -> None:
    """A correct variant passes every check of ``check_ids`` on every seed."""
    results = judge_over_seeds(build_submission(dest, variant), check_ids, seeds)
    failures = [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures


# ---- malformed observations (a forged or garbled payload): verdicts must only ever raise Fail

@functools.lru_cache(maxsize=None)
def reference_observations(check_ids: tuple[str, ...], seed: int = 1) -> dict[str, dict]:
    """check id -> the observation the reference solutions give, decoded as a verdict sees it."""
    from autograder.worker.transport import decode

    with InProcessRunner(SOLUTIONS, data_root()) as runner:
        return {i: decode(runner.run(i, seed).payload) for i in check_ids}


def observation_paths(obs, prefix=()):
    """Every key path into a nested observation (of a list, its first and last items)."""
    if prefix:
        yield prefix
    if isinstance(obs, dict):
        for key, value in obs.items():
            yield from observation_paths(value, prefix + (key,))
    elif isinstance(obs, list):
        for index in sorted({0, len(obs) - 1}) if obs else ():
            yield from observation_paths(obs[index], prefix + (index,))


def with_replaced(obs, path, value):
    """A deep copy of ``obs`` with the item at ``path`` replaced by ``value``."""
    obs = copy.deepcopy(obs)
    cursor = obs
    for key in path[:-1]:
        cursor = cursor[key]
    cursor[path[-1]] = value
    return obs
