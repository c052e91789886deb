"""Observations cross from the worker as tensors and plain values only; nothing executable."""
import struct

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.worker.transport import TransportError, decode, encode

plain = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@settings(max_examples=100, deadline=None)
@given(value=plain, shape=st.lists(st.integers(0, 4), max_size=3))
def test_roundtrip_of_plain_values_and_tensors(value, shape):
    t = torch.randn(tuple(shape), dtype=torch.float64)
    out = decode(encode({"v": value, "t": t, "nested": [t, {"x": t.int()}]}))
    assert out["v"] == value
    assert torch.equal(out["t"], t) and out["t"].dtype == torch.float64
    assert torch.equal(out["nested"][1]["x"], t.int())


def test_non_finite_floats_survive():
    out = decode(encode({"a": float("nan"), "b": float("inf")}))
    assert out["a"] != out["a"] and out["b"] == float("inf")


class AlwaysEqual(torch.Tensor):
    def __eq__(self, other):  # the classic cheat: every comparison is true
        return True


def test_a_tensor_subclass_arrives_as_a_plain_tensor():
    sneaky = torch.zeros(3).as_subclass(AlwaysEqual)
    out = decode(encode({"out": sneaky}))["out"]
    assert type(out) is torch.Tensor
    assert not torch.equal(out, torch.ones(3))


@pytest.mark.parametrize("bad", [object(), {1: 2}, {"f": lambda: 0}, {"s": {1, 2}}])
def test_objects_cannot_be_sent(bad):
    with pytest.raises(TransportError):
        encode(bad if isinstance(bad, dict) else {"x": bad})


@pytest.mark.parametrize("data", [b"", b"garbage", struct.pack("<Q", 3) + b"[1]", struct.pack("<Q", 2) + b"{}xx"])
def test_malformed_bytes_are_one_error(data):
    with pytest.raises(TransportError):
        decode(data)
