"""`python -m checks [--only FUNCTION ...] [--exercises DIR]`: run the public checks from the shell.

Exit status 0 when every selected check passes, 1 when one fails, 2 for a usage error.
"""
from __future__ import annotations

import argparse
import sys

from ._contract import MODULE_OF
from .run import load_exercises, report, run_checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checks",
        description="Run the public checks (one per exercise function, fixed inputs) on your "
                    "exercises and print every failure with what to fix.")
    parser.add_argument("--only", action="append", choices=list(MODULE_OF), metavar="FUNCTION",
                        help="check only FUNCTION (repeatable), e.g. --only softmax")
    parser.add_argument("--exercises", default="exercises", metavar="DIR",
                        help="the folder holding your exercise modules (default: exercises)")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):     # a Windows console in cp1252 cannot print every message
        sys.stdout.reconfigure(errors="replace")
    results = run_checks(load_exercises(args.exercises), args.only)
    print(report(results))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
