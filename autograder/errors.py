"""The error every command reports as one line, with its exit code, and the decorator that keeps
tracebacks from users (set AUTOGRADER_DEBUG=1 to see one)."""
from __future__ import annotations

import functools
import os
import sys
from typing import NoReturn

import click

EXIT_USAGE = 2    # the input or an option is wrong (click's own code for usage errors)
EXIT_FAILED = 1   # the step ran and failed (a check, nbgrader, an internal error)


class GradingError(Exception):
    """A command cannot do what was asked (no data, not a submission, a broken course); the
    message is one line for the user, ``code`` the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"autograder: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(command):
    """Turn any escaping exception into one line on stderr: a GradingError with its code, an
    interrupt with 130, anything else as an internal error (exit 1)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except GradingError as exc:
            fail(str(exc), exc.code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except Exception as exc:  # noqa: BLE001 - the grader never shows a traceback
            if os.environ.get("AUTOGRADER_DEBUG"):
                raise
            fail(f"internal error ({type(exc).__name__}: {exc}); rerun with AUTOGRADER_DEBUG=1 "
                 "for the traceback", EXIT_FAILED)
    return wrapper
