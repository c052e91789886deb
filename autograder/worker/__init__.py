"""The untrusted side: loads a submission and runs scenario halves on it.

Nothing here knows an expected value. What leaves the worker is an encoded observation
(`transport.py`): tensors and plain numbers only.
"""
