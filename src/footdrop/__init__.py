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
]
