"""Worker-side code that student submissions may import by the book's names.

This folder (not the package) is put at the front of the worker's ``sys.path`` by the loader, so
that ``from d2l import torch as d2l`` finds ``book/d2l``: the grader's own small version of the
helpers of *Dive into Deep Learning*, chapters 2-4. The real ``d2l`` package is never installed.
This file only makes setuptools ship the folder with the ``autograder`` package.
"""
