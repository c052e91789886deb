"""The load notes as the trusted side accepts them from a worker: short one-line strings only."""
from __future__ import annotations

from typing import Any

MAX_NOTES = 60        # per module; the rest are counted, not listed
MAX_CHARS = 400       # per note


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"


def clean_notes(raw: Any) -> dict[str, list[str]]:
    """``{module: [note, ...]}`` from whatever a ready frame carried (anything else is dropped)."""
    if not isinstance(raw, dict):
        return {}
    cleaned: dict[str, list[str]] = {}
    for module, notes in list(raw.items())[:16]:
        if not isinstance(module, str) or not isinstance(notes, list):
            continue
        lines = [_one_line(n) for n in notes if isinstance(n, str)]
        if len(lines) > MAX_NOTES:
            lines = lines[:MAX_NOTES] + [f"… and {len(lines) - MAX_NOTES} more"]
        if lines:
            cleaned[_one_line(module)[:40]] = lines
    return cleaned
