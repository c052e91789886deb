"""Per-student feedback: ``feedback.md`` and ``feedback.html`` (same content) with curve PNGs.

The page gives the total, the seed and whether the code ran sandboxed, a table per exercise
function, every failed check's message verbatim (the messages teach), what the student's code
printed, and for each convergence run its training curves beside the reference's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.engine.scoring import CheckResult, ExerciseRow, GradeReport
from autograder.reports.atomic import write_atomic
from autograder.reports.curves import curve_problems, training_curves_png
from autograder.reports.markup import (Bullets, Code, CodeBlock, Document, Heading, Image,
                                       Paragraph, Strong, Table, to_html, to_markdown)
from autograder.reports.reference_curves import chapter_of, reference_curves as run_reference

CURVES_DIR = "curves"
OUTPUT_CHARS = 4000   # the tail of a check's printed output that the page shows


@dataclass(frozen=True)
class CurveImage:
    """A written PNG (``src`` relative to the feedback files) and what to say under it."""

    src: str
    notes: tuple[str, ...]


def _file_name(check_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", check_id) + ".png"


def _reference_for(result: CheckResult, report: GradeReport) -> tuple[dict | None, str]:
    """The reference curves of the check's run (its fixed seed), or None and why not."""
    chapter = chapter_of(result.spec.id)
    seed = result.spec.seed if result.spec.seed is not None else report.seed
    if chapter is None:
        return None, "there is no reference run for this check"
    try:
        return run_reference(chapter, seed), ""
    except Exception as exc:  # noqa: BLE001 - feedback without the reference beats no feedback
        return None, f"the reference curves could not be computed ({type(exc).__name__}: {exc})"


def has_curves(result: CheckResult) -> bool:
    """A convergence check that recorded at least one training curve."""
    return (result.spec.id.startswith("convergence.") and isinstance(result.curves, dict)
            and bool(result.curves))


def curve_png(result: CheckResult, report: GradeReport,
              reference_curves: bool = True) -> tuple[bytes, tuple[str, ...]]:
    """The PNG of one run's curves beside the reference's, and what to say under it."""
    reference, why_not = _reference_for(result, report) if reference_curves else (None, "")
    notes = [f"your run: {problem}" for problem in curve_problems(result.curves, reference)]
    if why_not:
        notes.append(why_not)
    return training_curves_png(result.curves, reference, result.spec.id), tuple(notes)


def write_curve_images(report: GradeReport, out_dir: Path, *,
                       reference_curves: bool = True) -> dict[str, CurveImage]:
    """One PNG per convergence check with curves, in ``out_dir/curves``; check id -> image."""
    images = {}
    for result in report.results:
        if not has_curves(result):
            continue
        png, notes = curve_png(result, report, reference_curves)
        name = _file_name(result.spec.id)
        write_atomic(Path(out_dir) / CURVES_DIR / name, png)
        images[result.spec.id] = CurveImage(f"{CURVES_DIR}/{name}", notes)
    return images


def _status(row: ExerciseRow) -> str:
    if row.score == row.max_score:
        return "ok"
    return "failed" if row.score == 0 else "partial"


def _shows_tensors(message: str) -> bool:
    """Messages that print tensors or span lines read best in a code block."""
    return ("\n" in message or "tensor(" in message or "shape (" in message
            or re.search(r"\[\s*[-+]?(\d|nan|inf)", message) is not None)


def _header(report: GradeReport, doc: Document) -> None:
    doc.add(Heading(1, (f"Feedback on {report.submission}: {report.score:g}/{report.max_score:g} points",)))
    doc.add(Paragraph((Strong(f"{report.score:g}/{report.max_score:g} points"),
                       f" from {len(report.results)} checks. Seed ", Code(str(report.seed)),
                       " (grade again with ", Code(f"--seed {report.seed}"),
                       " to replay this very run).")))
    if report.sandboxed:
        doc.add(Paragraph(("Your code ran sandboxed: in a separate worker inside bubblewrap.",)))
    else:
        doc.add(Paragraph((Strong("Not sandboxed:"),
                           " your code ran without the sandbox, in the grader's own process or a "
                           "plain worker process.",)))
    notes: list[tuple] = []
    if getattr(report, "origin", "") and report.origin != report.submission:
        notes.append(("graded from ", Code(report.origin)))
    for module, error in sorted(report.load_errors.items()):
        notes.append((Code(f"exercises/{module}.py"), f" did not load: {error}"))
    for note in getattr(report, "source_notes", []) or []:
        notes.append((str(note),))
    if notes:
        doc.add(Heading(2, ("Notes",)), Bullets(tuple(notes)))


def _summary(report: GradeReport, doc: Document) -> None:
    rows = tuple(((Code(row.exercise),), (f"{row.score:g}",), (f"{row.max_score:g}",), (_status(row),))
                 for row in report.rows())
    doc.add(Heading(2, ("Summary",)), Table(("exercise", "points", "max", "status"), rows, right=(1, 2)))


def _check_details(result: CheckResult, image: CurveImage | None, doc: Document) -> None:
    doc.add(Heading(3, (Code(result.spec.id), f" {result.status}: {result.spec.title}")))
    if not result.passed:
        message = result.message.strip() or "(the check gave no message)"
        doc.add(CodeBlock(message) if _shows_tensors(message) else Paragraph((message,)))
        output = result.student_output.strip()
        if output:
            shown = output[-OUTPUT_CHARS:]
            cut = f" (its last {OUTPUT_CHARS} characters)" if len(shown) < len(output) else ""
            doc.add(Paragraph((f"Your code printed{cut}:",)), CodeBlock(shown))
    if image is not None:
        doc.add(Image(image.src, f"training curves of {result.spec.id}: yours beside the reference's"))
        if image.notes:
            doc.add(Bullets(tuple((note,) for note in image.notes)))


def _exercise(row: ExerciseRow, images: dict[str, CurveImage], doc: Document) -> None:
    doc.add(Heading(2, (Code(row.exercise), f": {row.score:g}/{row.max_score:g} ({_status(row)})")))
    rows = tuple(((Code(r.spec.id),), (r.spec.title,), (f"{r.score:g}",), (f"{r.spec.points:g}",),
                  (r.status,)) for r in row.results)
    doc.add(Table(("check", "what it checks", "points", "max", "status"), rows, right=(2, 3)))
    for result in row.results:
        if not result.passed or result.spec.id in images:
            _check_details(result, images.get(result.spec.id), doc)


def feedback_document(report: GradeReport, images: dict[str, CurveImage]) -> Document:
    """Everything the feedback page says, as a document both renderers share."""
    doc = Document(f"Feedback: {report.score:g}/{report.max_score:g} points")
    _header(report, doc)
    _summary(report, doc)
    for row in report.rows():
        _exercise(row, images, doc)
    return doc


def write_feedback(report: GradeReport, out_dir: Path, *, reference_curves: bool = True) -> Path:
    """Write ``feedback.md``, ``feedback.html`` and ``curves/*.png`` into ``out_dir``; return the
    Markdown file's path. ``reference_curves=False`` draws the student's curves alone."""
    out_dir = Path(out_dir)
    images = write_curve_images(report, out_dir, reference_curves=reference_curves)
    doc = feedback_document(report, images)
    markdown_path = out_dir / "feedback.md"
    write_atomic(markdown_path, to_markdown(doc).encode("utf-8"))
    write_atomic(out_dir / "feedback.html", to_html(doc).encode("utf-8"))
    return markdown_path
