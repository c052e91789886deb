"""Suite-wide ordering: the slow tests (marked ``slow``) run first. `make test` hands tests to
the xdist workers one at a time (``--maxschedchunk=1``; by default each worker is first given a
contiguous quarter of its share, which put every slow test on one worker), so the slow tests are
spread over both workers at the start and the many short ones fill in the gaps at the end,
instead of one worker finishing a long test alone while the other sits idle."""
from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # a stable sort: within each group, the collection order (and so each module's fixtures) stays
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With D2L_RECORD_VERDICTS=1, merge what the catalogue tests recorded (one file per
    process) into tests/snapshots/verdicts.json, in the controller once the workers are done."""
    import json
    import os

    from tests.support import RECORD_VERDICTS, VERDICTS_SNAPSHOT

    if not os.environ.get(RECORD_VERDICTS) or hasattr(session.config, "workerinput"):
        return
    snapshot = json.loads(VERDICTS_SNAPSHOT.read_text()) if VERDICTS_SNAPSHOT.exists() else {}
    records = sorted(VERDICTS_SNAPSHOT.parent.glob(".record-*.jsonl"))
    for record in records:
        for line in record.read_text().splitlines():
            snapshot.update(json.loads(line))
        record.unlink()
    if records:
        VERDICTS_SNAPSHOT.write_text(json.dumps(dict(sorted(snapshot.items())), indent=1) + "\n")
