"""footdrop: foot-drop measurement from shoe-worn IMUs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from footdrop.errors import ConfigError, FootdropError, ReadError, SignalError, UnitError
from footdrop.recording import Recording, Sensor

try:
    __version__ = version("footdrop")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = [
    "ConfigError",
    "FootdropError",
    "ReadError",
    "Recording",
    "Sensor",
    "SignalError",
    "UnitError",
    "__version__",
    "analyze",
    "load",
]


def load(*args, level: str = "pitch", **kwargs) -> Recording:
    """Read a recording (see :func:`footdrop.io.read`) and align its foot sensors.

    ``level`` is passed to :class:`footdrop.preprocess.alignment.FootAlignment`.
    """
    from footdrop.io import read
    from footdrop.preprocess.alignment import align_to_foot

    return align_to_foot(read(*args, **kwargs), level=level, copy=False)


def analyze(source=None, /, **kwargs):
    """Strides and summary (CONTRACT.md) of a recording or of files.

    ``source`` is a :class:`Recording` (aligned or not) or path(s) for :func:`footdrop.io.read`;
    keyword arguments go to the reader (``left``, ``right``, ``fs``, ``format``, ...) or to
    :class:`footdrop.gait.engine.GaitAnalysis` (``toe_offset``, ``heel_offset``, ...).
    Returns ``(strides DataFrame, summary dict)``.
    """
    import inspect

    from footdrop.gait.analyze import analyze as _analyze
    from footdrop.gait.engine import GaitAnalysis
    from footdrop.preprocess.alignment import align_to_foot

    engine_keys = set(inspect.signature(GaitAnalysis).parameters)
    engine_kw = {k: kwargs.pop(k) for k in list(kwargs) if k in engine_keys}
    if isinstance(source, Recording):
        if kwargs:
            raise TypeError(f"analyze() got unexpected keyword arguments {sorted(kwargs)} "
                            "(reader options apply only when source is a path)")
        rec = source
    else:
        from footdrop.io import read

        rec = read(source if source is not None else (), **kwargs)
    owned = not isinstance(source, Recording)
    if any(s.frame != "foot" for p, s in rec.sensors.items() if p.endswith("_foot")):
        rec = align_to_foot(rec, copy=not owned)
        owned = True
    if owned:  # our own copy: the engine may turn its samples in place (less memory)
        engine_kw.setdefault("copy", False)
    return _analyze(rec, **engine_kw)
