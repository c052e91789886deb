"""The nbgrader course directory: write its ``nbgrader_config.py`` and load it for nbgrader's API.

The config file is plain nbgrader configuration, so nbgrader's own commands and formgrader read the
same course. We load only that file (not ~/.jupyter), so a course behaves the same on every machine.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

from autograder.nb.errors import NbError, quiet_logger

CONFIG_NAME = "nbgrader_config.py"
DEFAULT_EXCHANGE = "/usr/local/share/nbgrader/exchange"  # nbgrader's own default
EXCHANGE_ENV = "AUTOGRADER_NB_EXCHANGE"
DEFAULT_TIMEOUT = 300  # seconds per cell; nbgrader's 30 fails the chapters' end-to-end checks
DEFAULT_ASSIGNMENT = "d2l"

_TEMPLATE = '''\
# nbgrader configuration of the course "{course_id}", written by `autograder nb init`.
# nbgrader's own commands read it too (run them from this folder).
import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")

# Where students fetch from and submit to; ${exchange_env} overrides it.
c.Exchange.root = os.environ.get({exchange_env!r}) or {exchange!r}

# Seconds one cell may run during autograding before nbgrader interrupts it (that cell scores 0,
# the rest of the notebook is still graded).
c.Execute.timeout = {timeout}

# Put back grade cells a student deleted (`autograder nb autograde` also restores other cells).
c.OverwriteCells.add_missing_cells = True
'''


@dataclass
class Course:
    """A loaded course directory."""

    root: Path
    config: Config

    @property
    def course_id(self) -> str:
        return self.config.CourseDirectory.course_id

    @property
    def db_url(self) -> str:
        return self.config.CourseDirectory.db_url

    @property
    def exchange(self) -> Path:
        return Path(self.config.Exchange.root)

    @property
    def timeout(self) -> int:
        return int(self.config.Execute.timeout)

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)


def course_id_for(root: Path) -> str:
    """A course id nbgrader accepts, from the folder name (letters, digits, ``-`` and ``_``)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", root.resolve().name).strip("-") or "course"


def init_course(root: Path, course_id: str | None = None, exchange: Path | None = None,
                timeout: int = DEFAULT_TIMEOUT) -> Path:
    """Create ``root`` with ``nbgrader_config.py`` and an empty ``source/``; return the config path.

    An exchange folder given here is created (world-writable, as nbgrader requires); the default
    one is the system's and is left alone.
    """
    root = Path(root)
    config = root / CONFIG_NAME
    if config.exists():
        raise NbError(f"{config} already exists: this is a course directory already")
    course_id = course_id or course_id_for(root)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", course_id):
        raise NbError(f"course id {course_id!r} may hold only letters, digits, '-' and '_'")
    root.mkdir(parents=True, exist_ok=True)
    (root / "source").mkdir(exist_ok=True)
    if exchange is not None:
        exchange = Path(exchange).resolve()
        exchange.mkdir(parents=True, exist_ok=True)
        os.chmod(exchange, 0o777)
    config.write_text(_TEMPLATE.format(course_id=course_id, exchange_env=EXCHANGE_ENV,
                                       exchange=str(exchange or DEFAULT_EXCHANGE), timeout=int(timeout)))
    return config


def find_course(start: Path | None = None) -> Path:
    """The course directory: ``start`` (default: the working directory) or the nearest parent
    holding ``nbgrader_config.py``."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise NbError(f"{start} is not inside a course directory (no {CONFIG_NAME}); "
                      "run `autograder nb init COURSE_DIR` or pass --course")


def nbgrader_tools() -> None:
    """Make nbgrader usable from this process: its gradebook runs the ``alembic`` command, found on
    PATH, which lacks the venv's bin folder when ``.venv/bin/autograder`` runs without activation;
    and SQLAlchemy warns about nbgrader's sessions on stderr."""
    import shutil
    import sys
    import warnings

    from sqlalchemy.exc import SAWarning

    bindir = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and (Path(bindir) / "alembic").exists():
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    warnings.filterwarnings("ignore", category=SAWarning)


def load_course(root: Path | None = None) -> Course:
    """Load the course's ``nbgrader_config.py`` (only that file)."""
    nbgrader_tools()
    root = find_course(root)
    try:
        config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
    except Exception as exc:  # noqa: BLE001 - a hand-edited config may raise anything
        raise NbError(f"{root / CONFIG_NAME} could not be read ({type(exc).__name__}: {exc})") from None
    config.CourseDirectory.root = str(root)
    if not config.CourseDirectory.get("course_id"):
        raise NbError(f"{root / CONFIG_NAME} sets no CourseDirectory.course_id")
    config.CourseDirectory.setdefault("db_url", "sqlite:///" + str(root / "gradebook.db"))
    config.Exchange.setdefault("root", DEFAULT_EXCHANGE)
    config.Execute.setdefault("timeout", DEFAULT_TIMEOUT)
    return Course(root=root, config=config)


def nbgrader_api(course: Course, extra: Config | None = None):
    """nbgrader's ``NbGraderAPI`` on this course, with ``extra`` config on top."""
    from nbgrader.apps import NbGraderAPI

    return NbGraderAPI(config=merged_config(course, extra), log=quiet_logger())


def merged_config(course: Course, extra: Config | None = None) -> Config:
    """A copy of the course's config with ``extra`` on top."""
    config = Config()
    config.merge(course.config)
    if extra is not None:
        config.merge(extra)
    return config
