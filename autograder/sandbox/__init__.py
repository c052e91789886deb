"""The sandbox around a worker: what it may see (staging, bwrap) and what it may use (limits)."""
