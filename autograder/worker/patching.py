"""Set keys of a mapping (module globals, a notebook's namespace, os.environ) for a while."""
from __future__ import annotations

import contextlib
from typing import Iterator, MutableMapping

_MISSING = object()


@contextlib.contextmanager
def temporarily_set(mapping: MutableMapping, values: dict) -> Iterator[None]:
    """Put ``values`` into ``mapping``; afterwards restore each key, or remove it if it was new."""
    saved = {key: mapping.get(key, _MISSING) for key in values}
    mapping.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is _MISSING:
                mapping.pop(key, None)
            else:
                mapping[key] = value
