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
