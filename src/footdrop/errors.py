"""One exception family. Every error names the file, the problem and the fix.

The CLI turns any :class:`FootdropError` into a one-paragraph message and a non-zero exit
code, without a traceback.
"""

from __future__ import annotations

from os import PathLike


class FootdropError(Exception):
    """Base class of every error footdrop raises on purpose.

    Parameters
    ----------
    problem
        What is wrong, in one sentence.
    file
        The file concerned, if any.
    fix
        What the user can do about it.
    """

    exit_code = 2

    def __init__(
        self, problem: str, *, file: str | PathLike | None = None, fix: str | None = None
    ) -> None:
        self.problem = problem.rstrip(".")
        self.file = None if file is None else str(file)
        self.fix = None if fix is None else fix.rstrip(".")
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = f"{self.file}: " if self.file else ""
        tail = f". Fix: {self.fix}." if self.fix else "."
        return f"{head}{self.problem}{tail}"

    def with_file(self, file: str | PathLike) -> FootdropError:
        """Return the same error, naming ``file`` if it named none."""
        if self.file is None:
            self.file = str(file)
            self.args = (self.message,)
        return self


class ReadError(FootdropError):
    """A file cannot be read: missing, empty, unknown format or malformed content."""


class UnitError(FootdropError):
    """Declared units contradict the signal, or are unknown."""


class SignalError(FootdropError):
    """The signal cannot be used: too short, time stamps broken, nothing valid left."""


class ConfigError(FootdropError):
    """Options or a configuration file are invalid or contradict each other."""
