"""Things built from ``solutions/``: the student stubs in ``exercises/`` (and, later, notebooks)."""
