"""The per-exercise table printed after grading (rich)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from autograder.engine.scoring import GradeReport
from autograder.reports.results_json import summary_line


def _first_line(text: str, width: int = 110) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def exercise_table(report: GradeReport) -> Table:
    table = Table(title=f"{report.submission}: {report.score:g}/{report.max_score:g}",
                  caption=summary_line(report), show_lines=False)
    table.add_column("exercise")
    table.add_column("points", justify="right")
    table.add_column("max", justify="right")
    table.add_column("status")
    table.add_column("first problem", overflow="fold")
    for row in report.rows():
        if row.score == row.max_score:
            status = "[green]ok[/green]"
        elif row.score == 0:
            status = "[red]failed[/red]"
        else:
            status = "[yellow]partial[/yellow]"
        table.add_row(row.exercise, f"{row.score:g}", f"{row.max_score:g}", status,
                      _first_line(row.first_failure))
    return table


def print_report(report: GradeReport, console: Console | None = None) -> None:
    console = console or Console()
    console.print(exercise_table(report))
    for module, error in report.load_errors.items():
        console.print(f"[red]exercises/{module}.py did not load:[/red] {error}")
