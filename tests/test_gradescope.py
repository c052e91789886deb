"""`autograder gradescope`: the zip it builds, run as Gradescope runs it, against a temporary folder
standing in for /autograder (source/ unpacked from the zip, submission/, results/,
submission_metadata.json), with the zip's own wheel installed into a stand-in for
/opt/d2l-autograder/grader and this machine's Python instead of setup.sh's."""
from __future__ import annotations

import io
import json
import math
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder.contract import MODULES
from autograder.rubric import load_rubric
from tests.support import REPO, SOLUTIONS

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
DUE = datetime(2025, 3, 1, 23, 59, tzinfo=timezone(timedelta(hours=-8)))
CHEATED = "l1_loss"   # no other check uses it, so its row is all the cheat can cost


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def _world_readable_dir(prefix: str) -> Path:
    """A folder under /tmp that uid 65534 can enter, as /autograder and /opt are on Gradescope
    (pytest's own tmp_path sits in a folder only root can enter, which would make every
    "cannot read" below trivially true)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    folder.chmod(0o755)
    return folder


@dataclass(frozen=True)
class Built:
    plain: Path      # the zip with the defaults
    options: Path    # --show-hidden --late-penalty 10 --late-cap 25
    prefix: Path     # stands in for /opt/d2l-autograder: grader/ holds the zip's wheel


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("zips")
    plain, options = out / "d2l.zip", out / "d2l-options.zip"
    for path, extra in ((plain, ()), (options, ("--show-hidden", "--late-penalty", "10",
                                                "--late-cap", "25"))):
        proc = _cli("gradescope", str(path), *extra)
        assert proc.returncode == 0, proc.stderr
        assert "wrote" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    prefix = _world_readable_dir("d2l-gs-opt-")
    with zipfile.ZipFile(plain) as archive:
        wheel_name = next(n for n in archive.namelist() if n.endswith(".whl"))
        wheel = out / wheel_name
        wheel.write_bytes(archive.read(wheel_name))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "--target", str(prefix / "grader"), str(wheel)],
                   check=True, timeout=300)
    yield Built(plain, options, prefix)
    shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture(scope="module")
def nobody_python(tmp_path_factory) -> Path:
    """A Python that uid 65534 can run, with this venv's packages: this machine's venv is built on
    a Python under /root (mode 0700), which the unprivileged worker could not start. On Gradescope
    setup.sh's venv sits in /opt on the system's Python."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    system = Path(f"/usr/bin/python{version}")
    if os.geteuid() != 0 or not system.is_file():
        pytest.skip(f"the unprivileged runner needs root and {system}")
    venv = _world_readable_dir("d2l-gs-venv-")
    subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    packages = sysconfig.get_paths()["purelib"]
    (site / "d2l-dev-packages.pth").write_text(f"import site; site.addsitedir({packages!r})\n")
    yield venv / "bin" / "python"
    shutil.rmtree(venv, ignore_errors=True)


@pytest.fixture
def gs_root():
    """Makes stand-ins for /autograder: root-owned, mode 0755, like Gradescope's."""
    made = []

    def make(zip_path: Path, modules: dict[str, str] | None = None,
             metadata: dict | None = None) -> Path:
        root = _world_readable_dir("d2l-gs-root-")
        made.append(root)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(root / "source")
        for script in ("setup.sh", "run_autograder"):
            (root / "source" / script).chmod(0o755)
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir(mode=0o755)
        (root / "results").mkdir(mode=0o755)
        for name, text in (modules or {}).items():
            (root / "submission" / name).write_text(text)
        (root / "submission_metadata.json").write_text(json.dumps(metadata or _metadata(DUE)))
        return root

    yield make
    for root in made:
        shutil.rmtree(root, ignore_errors=True)


def _metadata(created_at: datetime) -> dict:
    """submission_metadata.json as Gradescope writes it (its documented fields)."""
    return {
        "id": 123456, "created_at": created_at.isoformat(),
        "assignment": {"due_date": DUE.isoformat(), "group_size": None, "group_submission": False,
                       "id": 25828, "course_id": 1234, "late_due_date": None,
                       "release_date": "2025-02-01T00:00:00.000000-08:00",
                       "title": "Chapters 2-4", "total_points": "124.0"},
        "submission_method": "upload",
        "users": [{"email": "ann@example.edu", "id": 1234, "name": "Ann Student"}],
        "previous_submissions": [],
    }


def _solutions() -> dict[str, str]:
    return {p.name: p.read_text() for p in SOLUTIONS.glob("*.py") if p.name != "__init__.py"}


def run_autograder(root: Path, built: Built, python: Path | None = None,
                   runner: str | None = None, **extra_env: str) -> dict:
    """Run root/run_autograder as Gradescope does (as root, from /autograder) and read
    results.json."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root),
           "D2L_GRADESCOPE_ROOT": str(root), "D2L_GRADESCOPE_PREFIX": str(built.prefix),
           "D2L_GRADESCOPE_PYTHON": str(python or sys.executable)}
    if runner:
        env["D2L_GRADESCOPE_RUNNER"] = runner
    env.update(extra_env)
    proc = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text())


def assert_follows_gradescope_spec(results: dict) -> None:
    """results.json as Gradescope's autograder specification describes it, field by field."""
    top = {"score", "execution_time", "output", "output_format", "test_output_format",
           "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
           "leaderboard"}
    assert set(results) <= top, set(results) - top
    assert isinstance(results["score"], (int, float)) and math.isfinite(results["score"])
    assert isinstance(results["execution_time"], (int, float)) and results["execution_time"] >= 0
    assert isinstance(results["output"], str) and results["output"].strip()
    assert results["output_format"] == "md"
    assert results["test_output_format"] in FORMATS and results["test_name_format"] in FORMATS
    assert results["visibility"] in VISIBILITIES
    assert results["stdout_visibility"] == "hidden"
    assert isinstance(results["extra_data"], dict)
    assert isinstance(results["tests"], list)
    fields = {"score", "max_score", "status", "name", "name_format", "number", "output",
              "output_format", "tags", "visibility", "extra_data"}
    numbers = [test.get("number") for test in results["tests"]]
    assert len(set(numbers)) == len(numbers)
    for test in results["tests"]:
        assert set(test) <= fields, set(test) - fields
        assert {"name", "score", "max_score", "status"} <= set(test), test
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert (test["status"] == "passed") == (test["score"] == test["max_score"])
        assert test["name_format"] in FORMATS and test["output_format"] == "md"
        assert isinstance(test["number"], str) and isinstance(test["output"], str)
        assert isinstance(test["tags"], list) and all(isinstance(t, str) for t in test["tags"])
        assert test["visibility"] in VISIBILITIES
        assert isinstance(test["extra_data"], dict)
    json.dumps(results, allow_nan=False)   # what Gradescope parses: no NaN or infinities


def _plain(markdown: str) -> str:
    """Markdown text as it reads (the escapes of _ and * taken out)."""
    return markdown.replace("\\", "")


def _check_ids(results: dict) -> dict[str, dict]:
    return {test["extra_data"]["check_id"]: test for test in results["tests"]}


# ---------------------------------------------------------------- the zip, without grading


def test_the_zip_holds_what_gradescope_and_setup_sh_need(built):
    with zipfile.ZipFile(built.plain) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "gradescope.json"} <= names   # at the zip's root
        for script in ("setup.sh", "run_autograder"):
            mode = archive.getinfo(script).external_attr >> 16
            assert mode & stat.S_IXUSR, f"{script} is not executable"
        assert {f"data/{n}" for n in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")} <= names
        wheel_name = next(n for n in names if n.endswith(".whl"))
        setup = archive.read("setup.sh").decode()
        config = json.loads(archive.read("gradescope.json"))
        with zipfile.ZipFile(io.BytesIO(archive.read(wheel_name))) as wheel:
            packaged = set(wheel.namelist())
    assert wheel_name.startswith("d2l_autograder-") and wheel_name in setup
    assert "@" not in "".join(line for line in setup.splitlines() if not line.startswith("#"))
    assert "download.pytorch.org/whl/cpu" in setup and f"torch=={config['torch_version']}" in setup
    assert "bubblewrap" in setup
    for data in ("autograder/rubric.toml", "autograder/hidden_tests/pytest.ini",
                 "autograder/sandbox/check_seconds.toml", "autograder/gradescope/run.py",
                 "autograder/gradescope/templates/run_autograder"):
        assert data in packaged, data
    assert config["hidden_visibility"] == "after_published"
    assert config["late_penalty_per_day"] is None
    for script in ("setup.sh", "run_autograder"):
        proc = subprocess.run(["bash", "-n", "/dev/stdin"], input=zipfile.ZipFile(built.plain)
                              .read(script).decode(), capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_the_options_are_recorded_in_gradescope_json(built):
    config = json.loads(zipfile.ZipFile(built.options).read("gradescope.json"))
    assert config["hidden_visibility"] == "visible"
    assert config["late_penalty_per_day"] == 10 and config["late_cap"] == 25


@pytest.mark.parametrize("args, phrase", [
    (["out.txt"], "must end in .zip"),
    (["no/such/folder/out.zip"], "no such folder"),
    (["out.zip", "--late-cap", "20"], "--late-cap needs --late-penalty"),
    (["out.zip", "--late-penalty", "150"], "late_penalty_per_day must be a percentage"),
    (["out.zip", "--late-penalty", "10", "--late-cap", "-5"], "late_cap must be a percentage"),
    (["out.zip", "--data-dir", "no/such/data"], "no Fashion-MNIST files"),
])
def test_bad_input_exits_2_with_one_line(args, phrase, tmp_path):
    args = [str(tmp_path / a) if a.endswith((".zip", ".txt")) else a for a in args]
    proc = _cli("gradescope", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert phrase in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not list(tmp_path.glob("*.zip"))


def test_help_reads_like_a_man_page():
    proc = _cli("gradescope", "--help")
    assert proc.returncode == 0
    for section in ("WHAT IS IN IT", "WHAT STUDENTS SEE", "ISOLATION", "ON GRADESCOPE", "EXAMPLES"):
        assert section in proc.stdout


def test_the_late_penalty_counts_days_or_parts_of_days_and_stops_at_the_cap():
    from autograder.gradescope.late import days_late, late_penalty

    def late_by(delta: timedelta) -> dict:
        return _metadata(DUE + delta)

    assert days_late(late_by(-timedelta(minutes=1))) == 0
    assert days_late(late_by(timedelta(seconds=1))) == 1
    assert days_late(late_by(timedelta(days=1))) == 1
    assert days_late(late_by(timedelta(days=1, seconds=1))) == 2
    utc = _metadata(DUE + timedelta(hours=1))
    utc["created_at"] = (DUE + timedelta(hours=1)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert days_late(utc) == 1                                    # another time zone, "Z" form
    assert late_penalty(late_by(timedelta(hours=5)), None, 100) is None        # no policy
    assert late_penalty(late_by(-timedelta(hours=5)), 10, 100) is None         # on time
    assert late_penalty(late_by(timedelta(hours=5)), 10, 100).percent == 10
    assert late_penalty(late_by(timedelta(days=9)), 10, 25).percent == 25       # capped
    assert late_penalty(late_by(timedelta(days=2)), 10, 100).apply(124.0) == pytest.approx(99.2)
    unknown = late_penalty({"created_at": "yesterday"}, 10, 100)
    assert unknown.percent == 0 and "no submission time" in unknown.note


def test_the_containers_memory_is_read_from_its_cgroup_and_a_small_one_is_named(tmp_path):
    from autograder.gradescope.container import memory_limit_mb, memory_note

    v2 = tmp_path / "v2"
    (v2 / "docker" / "abc").mkdir(parents=True)
    (v2 / "docker" / "memory.max").write_text(f"{768 * 2**20}\n")
    (v2 / "docker" / "abc" / "memory.max").write_text("max\n")
    (tmp_path / "cgroup2").write_text("0::/docker/abc\n")
    assert memory_limit_mb(tmp_path / "cgroup2", v2) == 768          # a parent's limit counts
    v1 = tmp_path / "v1"
    (v1 / "memory" / "job").mkdir(parents=True)
    (v1 / "memory" / "memory.limit_in_bytes").write_text(f"{2**63 - 4096}\n")   # unlimited
    (v1 / "memory" / "job" / "memory.limit_in_bytes").write_text(f"{1536 * 2**20}\n")
    (tmp_path / "cgroup1").write_text("5:memory:/job\n1:cpu,cpuacct:/job\n")
    assert memory_limit_mb(tmp_path / "cgroup1", v1) == 1536
    assert memory_limit_mb(tmp_path / "missing", v1) is None
    assert "768 MB of memory" in memory_note(768) and memory_note(1536) is None
    assert memory_note(None) is None


@pytest.mark.parametrize("layout, graded", [
    ({"mlp.py": ""}, "."),
    ({"exercises/mlp.py": ""}, "."),
    ({"d2l-main/exercises/mlp.py": "", "d2l-main/README.md": ""}, "d2l-main"),
    ({"__MACOSX/exercises/mlp.py": "", "hw/a/mlp.ipynb": "{}"}, "hw/a"),
    ({"notes.txt": ""}, "."),
])
def test_the_submission_is_found_where_students_put_it(layout, graded, tmp_path):
    from autograder.gradescope.submission import find_submission

    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert find_submission(tmp_path) == tmp_path / graded


# ---------------------------------------------------------------- grading, as Gradescope runs it


@pytest.mark.slow
def test_the_reference_gets_a_results_json_that_follows_the_spec(built, gs_root):
    root = gs_root(built.plain, _solutions(), _metadata(DUE - timedelta(hours=3)))
    results = run_autograder(root, built)
    assert_follows_gradescope_spec(results)
    rubric = load_rubric()
    assert results["score"] == sum(t["score"] for t in results["tests"]) == rubric.total
    assert all(t["status"] == "passed" for t in results["tests"])
    by_id = _check_ids(results)
    assert set(by_id) == set(rubric.ids)
    for spec in rubric.checks:
        assert by_id[spec.id]["visibility"] == ("visible" if spec.public else "after_published")
        assert by_id[spec.id]["max_score"] == spec.points
    # The visible summary gives the public checks' points, not the total the hidden ones make.
    public = sum(spec.points for spec in rubric.checks if spec.public)
    assert f"{public:g}/{public:g}" in results["output"]
    assert f"{rubric.total:g}" not in results["output"]
    assert results["extra_data"]["runner"] == "sandbox"
    assert results["extra_data"]["late_penalty_percent"] == 0
    # What student code must never see is closed: the zip's folder, the results, the metadata.
    for closed in ("source", "results"):
        assert stat.S_IMODE((root / closed).stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "submission_metadata.json").stat().st_mode) == 0o600


@pytest.mark.slow
def test_where_bwrap_cannot_create_namespaces_the_fallback_grades_in_full_and_late_costs(
        built, gs_root, nobody_python, tmp_path):
    fake = tmp_path / "bin"   # a bwrap that fails as Docker without user namespaces makes it fail
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace, "
                                "likely because the kernel does not allow non-privileged user "
                                "namespaces.' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    three_days_late = DUE + timedelta(days=2, hours=1)   # any part of a day counts: 3 days
    root = gs_root(built.options, _solutions(), _metadata(three_days_late))
    results = run_autograder(root, built, nobody_python,
                             PATH=f"{fake}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    assert_follows_gradescope_spec(results)
    total = load_rubric().total
    assert sum(t["score"] for t in results["tests"]) == total    # each check keeps its points
    assert results["score"] == pytest.approx(total * 0.75)        # 3 x 10%, capped at 25%
    assert results["extra_data"]["days_late"] == 3
    assert results["extra_data"]["late_penalty_percent"] == 25
    assert "3 days after the due date" in results["output"]
    assert all(t["visibility"] == "visible" for t in results["tests"])   # --show-hidden
    assert results["extra_data"]["runner"] == "unprivileged"
    assert "unprivileged user" in results["output"]


@pytest.mark.slow
def test_a_submission_that_does_not_load_still_gets_results_with_score_0(built, gs_root):
    broken = {f"{module}.py": "import torch\n\ndef oops(:\n    return 1\n" for module in MODULES}
    root = gs_root(built.plain, broken)
    results = run_autograder(root, built)
    assert_follows_gradescope_spec(results)
    assert results["score"] == 0 and results["tests"]
    assert all(t["status"] == "failed" for t in results["tests"])
    assert "SyntaxError" in results["output"] or "syntax" in results["output"].lower()


def test_an_empty_submission_gets_results_with_score_0_and_says_what_to_upload(built, gs_root):
    root = gs_root(built.plain, {})
    results = run_autograder(root, built)
    assert_follows_gradescope_spec(results)
    assert results["score"] == 0 and results["tests"] == []
    assert "Your submission is empty" in results["output"]
    assert "linear_regression.py" in _plain(results["output"])
    assert len(results["output"].strip().splitlines()) == 1   # one paragraph


def test_a_submission_that_is_not_one_says_so(built, gs_root):
    root = gs_root(built.plain, {"notes.txt": "I did the homework in my head.\n"})
    results = run_autograder(root, built)
    assert_follows_gradescope_spec(results)
    assert results["score"] == 0 and "not a submission" in _plain(results["output"])


def test_a_missing_config_still_gives_a_results_json(built, gs_root):
    root = gs_root(built.plain, _solutions())
    (root / "source" / "gradescope.json").unlink()
    results = run_autograder(root, built)
    assert_follows_gradescope_spec(results)
    assert results["score"] == 0 and "misconfigured" in _plain(results["output"])
    assert "tell your instructor" in _plain(results["output"])


def test_a_grader_that_cannot_start_leaves_the_fallback_results_json(built, gs_root):
    root = gs_root(built.plain, _solutions())
    results = run_autograder(root, built, python=Path("/nonexistent/python"))
    assert_follows_gradescope_spec(results)
    assert results["score"] == 0 and "stopped before it could report" in _plain(results["output"])


@pytest.mark.slow
def test_grading_that_runs_out_of_time_still_leaves_results_json(built, gs_root):
    root = gs_root(built.plain, _solutions())
    # Grading the reference takes 10 s and more: it is stopped halfway.
    results = run_autograder(root, built, D2L_GRADESCOPE_DEADLINE_S="4")
    assert_follows_gradescope_spec(results)
    assert results["score"] == 0 and results["extra_data"]["stopped"] == "deadline"
    assert "time limit" in results["output"]


# ---------------------------------------------------------------- a submission that cheats

CHEAT = '''

import json as _json
import os as _os

_ROOT = @ROOT@
_PREFIX = @PREFIX@
_MARK = "LE" + "AK"           # built at run time: the source itself never holds the marks


def _attempt():
    found = []
    forged = {"score": 1000.0, "output": "FOR" + "GED", "tests": []}
    for target in (_os.path.join(_ROOT, "results", "results.json"),
                   "/autograder/results/results.json"):
        try:
            with open(target, "w") as handle:
                _json.dump(forged, handle)
            found.append(_MARK + " wrote " + target)
        except OSError:
            pass
    for folder in (_os.path.join(_ROOT, "source"), _os.path.join(_PREFIX, "grader")):
        try:
            found.append(_MARK + " listed " + ",".join(sorted(_os.listdir(folder))))
        except OSError:
            pass
    for secret in (_os.path.join(_ROOT, "source", "gradescope.json"),
                   _os.path.join(_ROOT, "submission_metadata.json"),
                   _os.path.join(_PREFIX, "grader", "autograder", "rubric.toml")):
        try:
            with open(secret) as handle:
                found.append(_MARK + " read " + handle.read()[:200])
        except OSError:
            pass
    try:  # the control: what any student may do, reading the submission they uploaded
        with open(_os.path.join(_ROOT, "submission", "regularization.py")) as handle:
            found.append("READ-OWN-SUBMISSION" if "def l1_loss" in handle.read() else "?")
    except OSError:
        pass
    try:
        with open(_os.path.join(_ROOT, "drop", "ran-%d" % _os.getpid()), "w") as handle:
            handle.write("\\n".join(found))
    except OSError:
        pass
    print("CHEAT-RAN", *found)


_attempt()


def l1_loss(y_hat, y):
    _attempt()
    return (y_hat - y.reshape(y_hat.shape)) * 0.0   # honestly: wrong
'''


def _cheating_submission(root_path: str, prefix: Path) -> dict[str, str]:
    modules = _solutions()
    modules["regularization.py"] += (CHEAT.replace("@ROOT@", repr(root_path))
                                     .replace("@PREFIX@", repr(str(prefix))))
    return modules


def _assert_cheat_gained_nothing(results: dict, root: Path) -> None:
    assert_follows_gradescope_spec(results)
    text = json.dumps(results)
    assert "LEAK" not in text and "FORGED" not in text
    assert "CHEAT-RAN" in text   # its code did run (what it printed is in its check's output)
    rubric = load_rubric()
    cheated = {spec.id for spec in rubric.checks if spec.functions == (CHEATED,)}
    honest = rubric.total - sum(rubric[c].points for c in cheated)
    by_id = _check_ids(results)
    assert all(by_id[c]["score"] == 0 for c in cheated)
    assert results["score"] == sum(t["score"] for t in results["tests"]) == honest
    assert not (Path("/autograder/results/results.json").exists()
                and "FORGED" in Path("/autograder/results/results.json").read_text())


@pytest.mark.slow
def test_a_cheat_cannot_write_results_or_read_the_source_under_bubblewrap(built, gs_root):
    root = gs_root(built.plain)
    for name, text in _cheating_submission(str(root), built.prefix).items():
        (root / "submission" / name).write_text(text)
    (root / "results" / "results.json").write_text('{"score": 1000, "output": "FOR' 'GED"}')
    results = run_autograder(root, built)
    assert results["extra_data"]["runner"] == "sandbox"
    _assert_cheat_gained_nothing(results, root)


@pytest.mark.slow
def test_a_cheat_cannot_write_results_or_read_the_source_as_the_unprivileged_user(
        built, gs_root, nobody_python):
    root = gs_root(built.plain)
    for name, text in _cheating_submission(str(root), built.prefix).items():
        (root / "submission" / name).write_text(text)
    (root / "drop").mkdir()
    (root / "drop").chmod(0o777)   # somewhere it may write, to report what it could do
    results = run_autograder(root, built, nobody_python, runner="unprivileged")
    assert results["extra_data"]["runner"] == "unprivileged"
    _assert_cheat_gained_nothing(results, root)
    reports = [p.read_text() for p in (root / "drop").iterdir()]
    assert reports, "the cheat never ran as the worker"
    assert all("READ-OWN-SUBMISSION" in r for r in reports)   # it could reach the root...
    assert not any("LEAK" in r for r in reports)               # ...and nothing closed in it
