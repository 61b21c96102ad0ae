"""Helpers shared by the report tests."""

from __future__ import annotations

import sys


def run_cli(args: list[str]) -> int:
    """Run ``footdrop ARGS`` in-process; return its exit code."""
    from footdrop.cli import main

    argv = sys.argv
    sys.argv = ["footdrop", *args]
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = argv
    return 0
