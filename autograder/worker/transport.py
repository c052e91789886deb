"""Encode an observation so that decoding it can never run code: safetensors plus JSON.

An observation is a dict whose values are tensors, numbers, bools, strings, None, or lists and
dicts of those. Tensors travel as safetensors (raw bytes and a dtype/shape header); everything else
as JSON. Decoding checks exact types, so a Tensor subclass or an object with a rigged ``__eq__``
cannot cross.
"""
from __future__ import annotations

import json
import math
import struct
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

Observation = dict[str, Any]
_TENSOR_KEY = "__tensor__"
_MAX_DEPTH = 6


class TransportError(Exception):
    """An observation holds something that is not a tensor or plain value."""


def _flatten(value: Any, tensors: dict[str, torch.Tensor], depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        raise TransportError("observation nested too deeply")
    if type(value) is torch.Tensor or isinstance(value, torch.Tensor):
        key = f"t{len(tensors)}"
        plain = value.detach().cpu().as_subclass(torch.Tensor).contiguous().clone()
        tensors[key] = plain
        return {_TENSOR_KEY: key}
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if type(value) in (list, tuple):
        return [_flatten(v, tensors, depth + 1) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {k: _flatten(v, tensors, depth + 1) for k, v in value.items()}
    raise TransportError(f"cannot send a {type(value).__name__} out of the worker")


def encode(observation: Observation) -> bytes:
    """Observation -> bytes: 8-byte JSON length, the JSON skeleton, then a safetensors blob."""
    tensors: dict[str, torch.Tensor] = {}
    skeleton = json.dumps(_flatten(observation, tensors)).encode()
    blob = st_save(tensors) if tensors else b""
    return struct.pack("<Q", len(skeleton)) + skeleton + blob


def _rebuild(value: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(value, dict):
        if set(value) == {_TENSOR_KEY}:
            return tensors[value[_TENSOR_KEY]]
        if set(value) == {"__float__"}:
            return float(value["__float__"])
        return {k: _rebuild(v, tensors) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebuild(v, tensors) for v in value]
    return value


def decode(data: bytes) -> Observation:
    """bytes -> Observation, with plain ``torch.Tensor`` values only; raises TransportError."""
    try:
        (n,) = struct.unpack_from("<Q", data)
        skeleton = json.loads(data[8:8 + n].decode())
        blob = data[8 + n:]
        tensors = st_load(blob) if blob else {}
    except Exception as exc:  # noqa: BLE001 - any malformed input is one error
        raise TransportError(f"malformed observation: {exc}") from None
    if not isinstance(skeleton, dict):
        raise TransportError("an observation must be a dict")
    for t in tensors.values():
        if type(t) is not torch.Tensor:
            raise TransportError("decoded a tensor of the wrong type")
    try:  # a forged skeleton may name a missing tensor, hold a bad float or nest too deeply
        return _rebuild(skeleton, tensors)
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        raise TransportError(f"malformed observation: {type(exc).__name__}") from None
