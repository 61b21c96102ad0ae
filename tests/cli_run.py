"""Run the ``footdrop`` command line in-process, as a user would, for the CLI tests."""

from __future__ import annotations

import sys

from footdrop.cli import main


def run_cli(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """``footdrop ARGS...``: exit code, standard output and standard error."""
    monkeypatch.setattr(sys, "argv", ["footdrop", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err
