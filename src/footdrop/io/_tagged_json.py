"""Tagged JSON: the ``"footdrop"`` key of a BIDS-Motion sidecar, value for value.

:func:`encode` turns the fields of a :class:`~footdrop.recording.Recording` into JSON; what
JSON cannot hold as it is becomes a tagged object: ``{"$float": "nan"}``,
``{"$tuple": [...]}``, ``{"$ndarray": <base64>, "dtype": ..., "shape": [...]}``,
``{"$datetime": <ISO 8601>, "tz": <zone>}``, ``{"$path": ...}``, and ``{"$dict": [[key,
value], ...]}`` for any other dict (keys that are not text, or that start with ``$``).
:func:`decode`, a ``json`` object hook, undoes it, so every value comes back as it was.
"""

from __future__ import annotations

import base64
import math
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from footdrop.errors import ConfigError


def encode(obj: Any, where: Any) -> Any:
    """JSON-safe form of ``obj``; NaN, tuples, arrays, datetimes and paths are tagged.

    ``where`` is a lazily built ``(parent, key)`` path, spelt out only in the error.
    """
    kind = type(obj)
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    if kind is float:
        return obj if math.isfinite(obj) else {"$float": repr(obj)}
    if kind is list:
        if {type(v) for v in obj} == {float} and all(map(math.isfinite, obj)):
            return obj  # fast path for long lists of numbers
        return [encode(v, (where, i)) for i, v in enumerate(obj)]
    if kind is dict and all(type(k) is str and k[:1] != "$" for k in obj):
        return {k: encode(v, (where, k)) for k, v in obj.items()}
    if isinstance(obj, np.generic):
        return encode(obj.item(), where)
    for base in (int, float, str):  # subclasses (enums, numpy floats) as the plain type
        if isinstance(obj, base):
            return encode(base(obj), where)
    if isinstance(obj, datetime):
        tz = getattr(obj.tzinfo, "key", None)
        return {"$datetime": obj.isoformat(), **({"tz": tz} if tz else {})}
    if isinstance(obj, PurePath):
        return {"$path": str(obj)}
    if isinstance(obj, np.ndarray) and obj.dtype.kind != "O":
        raw = base64.b64encode(np.ascontiguousarray(obj).tobytes()).decode("ascii")
        return {"$ndarray": raw, "dtype": obj.dtype.str, "shape": list(obj.shape)}
    if isinstance(obj, tuple | list):
        items = [encode(v, (where, i)) for i, v in enumerate(obj)]
        return {"$tuple": items} if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {"$dict": [[encode(k, where), encode(v, (where, k))] for k, v in obj.items()]}
    path = []
    while isinstance(where, tuple):
        where, key = where
        path.insert(0, f"[{key!r}]")
    raise ConfigError(
        f"{where}{''.join(path)} holds a {kind.__name__}, which cannot be written to BIDS",
        fix="convert it to numbers, text, lists, dicts or numeric numpy arrays first",
    )


def decode(d: dict) -> Any:
    """``json`` object hook undoing :func:`encode`."""
    if "$float" in d:
        return float(d["$float"])
    if "$datetime" in d:
        value = datetime.fromisoformat(d["$datetime"])
        return value.astimezone(ZoneInfo(d["tz"])) if "tz" in d else value
    if "$path" in d:
        return Path(d["$path"])
    if "$ndarray" in d:
        raw = base64.b64decode(d["$ndarray"])
        return np.frombuffer(raw, dtype=np.dtype(d["dtype"])).reshape(d["shape"]).copy()
    if "$tuple" in d:
        return tuple(d["$tuple"])
    if "$dict" in d:
        return {k: v for k, v in d["$dict"]}
    return d
