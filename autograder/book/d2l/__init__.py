"""The grader's own ``d2l``: ``from d2l import torch as d2l`` and ``import d2l.torch`` work as in
the book, with the helpers of chapters 2-4 written as known-good parts (see ``d2l/torch.py``)."""

__version__ = "1.0.3"


def __getattr__(name):
    # ``import d2l`` then ``d2l.torch``: the real package needs ``import d2l.torch`` first; the same
    # module either way.
    if name == "torch":
        import importlib

        return importlib.import_module(f"{__name__}.torch")
    raise AttributeError(f"module 'd2l' has no attribute {name!r}")
