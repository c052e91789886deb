"""Teaching with nbgrader: build the chapter notebooks, then release, collect, autograde, give
feedback and export through nbgrader's own API, with the sandboxed engine's scores in its gradebook.

``autograder nb ...`` (``autograder/nb/cli.py``) drives it; each step lives in its own module.
"""
