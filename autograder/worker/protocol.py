"""Frames between the trusted process and a worker: a JSON header, then an optional payload.

Each frame is ``>II`` (header length, payload length), the header (UTF-8 JSON object) and the
payload bytes (an encoded observation). The reader bounds both lengths, so a worker that writes
garbage or a gigantic frame costs its check, nothing more.
"""
from __future__ import annotations

import json
import os
import struct
from typing import Any

MAX_HEADER = 1 << 20
MAX_PAYLOAD = 512 << 20
_PREFIX = struct.Struct(">II")


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed frame."""


def write_frame(fd: int, header: dict[str, Any], payload: bytes = b"") -> None:
    head = json.dumps(header).encode()
    data = _PREFIX.pack(len(head), len(payload)) + head + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> tuple[dict[str, Any], bytes]:
    """Read one frame (blocking); raises EOFError or ProtocolError."""
    head_len, payload_len = _PREFIX.unpack(_read_exact(fd, _PREFIX.size))
    if head_len > MAX_HEADER or payload_len > MAX_PAYLOAD:
        raise ProtocolError(f"frame too large ({head_len} + {payload_len} bytes)")
    try:
        header = json.loads(_read_exact(fd, head_len).decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"malformed frame header: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError("a frame header must be a JSON object")
    return header, _read_exact(fd, payload_len)
