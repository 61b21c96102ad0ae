"""Stub: BIDS-Motion reader and writer (in progress)."""

from __future__ import annotations


def write_bids(recording, out, **kwargs):  # pragma: no cover - replaced by the real writer
    raise NotImplementedError
