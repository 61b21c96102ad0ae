"""Registry of readers and detection of a file's format from its content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from footdrop.errors import ReadError
from footdrop.recording import Recording

#: Bytes read from the start of a file to recognise its format.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Reader:
    """A file format footdrop can read.

    ``sniff(path, head)`` gets the path and the first :data:`HEAD_BYTES` bytes and says
    whether the content is of this format. ``read(path, **options)`` returns a
    :class:`~footdrop.recording.Recording` whose arrays are on a regular grid (NaN where
    samples are missing) in the units the file uses, with ``Sensor.units`` holding the
    declared units (None where the file declares none). Unit conversion, gap repair and
    quality flags are applied afterwards, the same way for every format.
    """

    name: str
    description: str
    sniff: Callable[[Path, bytes], bool]
    read: Callable[..., Recording]
    needs_fs: bool = False


READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    READERS[reader.name] = reader
    return reader


def read_head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def detect_format(path: str | Path) -> str:
    """Name of the registered format whose sniffer accepts the file's content."""
    path = Path(path)
    head = b"" if path.is_dir() else read_head(path)
    for reader in READERS.values():
        try:
            if reader.sniff(path, head):
                return reader.name
        except Exception:  # a sniffer must never decide for another; a crash means "no"
            continue
    raise ReadError(
        "unknown file format: the content matches none of the supported formats",
        file=path,
        fix="pass --format with one of " + ", ".join(READERS)
        + " (for a CSV with other column names use --format generic-csv with --columns)",
    )


def head_text(head: bytes) -> str | None:
    """The head decoded as text, or None for binary content."""
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return head.decode("latin-1")
        except UnicodeDecodeError:
            return None
