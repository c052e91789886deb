"""The per-exercise table printed after grading (rich)."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.engine.scoring import GradeReport
from autograder.reports.results_json import summary_line


def _first_line(text: str, width: int = 110) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def exercise_table(report: GradeReport) -> Table:
    origin = f" ({report.origin})" if report.origin and report.origin != report.submission else ""
    table = Table(title=escape(f"{report.submission}{origin}: {report.score:g}/{report.max_score:g}"),
                  caption=escape(summary_line(report)), show_lines=False)
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
        # messages quote student output and exception text: never read them as rich markup
        table.add_row(escape(row.exercise), f"{row.score:g}", f"{row.max_score:g}", status,
                      escape(_first_line(row.first_failure)))
    return table


def print_report(report: GradeReport, console: Console | None = None) -> None:
    console = console or Console()
    console.print(exercise_table(report))
    for note in report.source_notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    for module, error in report.load_errors.items():
        console.print(f"[red]exercises/{escape(module)}.py did not load:[/red] {escape(error)}")
    for module, notes in getattr(report, "load_notes", {}).items():
        console.print(f"[yellow]exercises/{escape(module)}.py was loaded with changes:[/yellow]")
        for note in notes:
            console.print(f"  - {escape(note)}", highlight=False)
