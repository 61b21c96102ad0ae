"""Sessions for the report: folders written by ``footdrop analyze``, read and put in order."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footdrop.contract import SUMMARY_SCHEMA
from footdrop.errors import ConfigError, ReadError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$")
_ANALYZE_FIX = "run footdrop analyze RECORDING --out DIR and give DIR"


def parse_date(text: str | None, *, option: str = "--date") -> Date | None:
    """The calendar date of an ISO date or date-time (``YYYY-MM-DD[THH:MM[:SS]]``)."""
    if text is None or text == "":
        return None
    if not _ISO_DATE.match(str(text).strip()):
        raise ConfigError(f"{option} {text!r} is not an ISO date",
                          fix=f"write the date as YYYY-MM-DD, e.g. {option} 2025-03-14")
    try:
        return Date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not a valid calendar date",
                          fix=f"write the date as YYYY-MM-DD, e.g. {option} 2025-03-14"
                          ) from None


@dataclass
class SessionData:
    """One analysed session: what ``footdrop analyze --out DIR`` wrote.

    ``info`` is ``session.json`` (empty for folders written before it existed); ``curves``
    the arrays of ``curves.npz`` or None; ``bursts`` the FES burst logs ``bursts*.csv``
    (:func:`footdrop.report.fes.read_bursts`) or None.
    """

    path: Path
    strides: pd.DataFrame
    summary: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    curves: dict[str, np.ndarray] | None = None
    notes: list[str] = field(default_factory=list)
    bursts: pd.DataFrame | None = None

    @property
    def person(self) -> str | None:
        return self.info.get("person") or None

    @property
    def session_id(self) -> str | None:
        return self.info.get("session") or None

    @property
    def date(self) -> Date | None:
        return parse_date(self.info.get("date"), option="date") if self.info.get(
            "date") else None

    @property
    def label(self) -> str:
        """Short name for plots and tables: the session identifier, the date, else the
        folder name."""
        if self.session_id:
            return self.session_id
        if self.date:
            return self.date.isoformat()
        return self.path.name or str(self.path)


def load_session(path: str | Path) -> SessionData:
    """Read a session folder (``strides.csv`` and ``summary.json``; ``session.json``,
    ``curves.npz`` and FES burst logs ``bursts*.csv`` when present)."""
    from footdrop.assess.compare import read_strides

    path = Path(path)
    if not path.exists():
        raise ReadError("no such session folder", file=path,
                        fix=f"give a folder written by footdrop analyze ({_ANALYZE_FIX})")
    if not path.is_dir():
        raise ReadError("a session must be a folder, not a file", file=path,
                        fix=f"give the folder that holds strides.csv and summary.json "
                            f"({_ANALYZE_FIX})")
    summary = _read_json(path / "summary.json", "summary")
    if summary.get("schema") != SUMMARY_SCHEMA or not isinstance(summary.get("sides"), dict):
        raise ReadError(f"not a footdrop summary (schema {summary.get('schema')!r}, expected "
                        f"{SUMMARY_SCHEMA!r})", file=path / "summary.json", fix=_ANALYZE_FIX)
    strides = read_strides(path)
    notes: list[str] = []
    info: dict[str, Any] = {}
    if (path / "session.json").is_file():
        info = _read_json(path / "session.json", "session")
    else:
        notes.append(f"{path.name}: no session.json (written by an older footdrop): "
                     "identifiers, date and sensors not known")
    curves = None
    if (path / "curves.npz").is_file():
        try:
            with np.load(path / "curves.npz", allow_pickle=False) as npz:
                curves = {k: npz[k] for k in npz.files}
            if len(curves.get("side", [])) != len(strides):
                notes.append(f"{path.name}: curves.npz does not match strides.csv; curves "
                             "not shown")
                curves = None
        except (OSError, ValueError) as err:
            notes.append(f"{path.name}: curves.npz unreadable ({err}); curves not shown")
    else:
        notes.append(f"{path.name}: no curves.npz: pitch and toe-height curves not shown "
                     "(run footdrop analyze again to get them)")
    from footdrop.report.fes import read_bursts

    session = SessionData(path=path, strides=strides, summary=summary, info=info,
                          curves=curves, notes=notes, bursts=read_bursts(path))
    if info.get("date"):
        parse_date(info["date"], option=f"{path / 'session.json'}: date")
    return session


def _read_json(file: Path, what: str) -> dict[str, Any]:
    if not file.is_file():
        raise ReadError(f"no {file.name} in this session folder", file=file, fix=_ANALYZE_FIX)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ReadError(f"the {what} file is not valid JSON ({err})", file=file,
                        fix=_ANALYZE_FIX) from None
    if not isinstance(data, dict):
        raise ReadError(f"the {what} file does not hold a JSON object", file=file,
                        fix=_ANALYZE_FIX)
    return data


def order_sessions(sessions: list[SessionData]) -> tuple[list[SessionData], str]:
    """Sessions oldest first: by date when every session has one, else as given; and a
    sentence saying which."""
    if len(sessions) < 2:
        return list(sessions), ""
    if all(s.date is not None for s in sessions):
        ordered = sorted(sessions, key=lambda s: s.date)  # stable: same day keeps order
        return ordered, "Sessions are ordered by date."
    return list(sessions), ("Sessions are in the order given (not every session has a "
                            "date).")


def person_of(sessions: list[SessionData], person: str | None = None) -> str | None:
    """The one person the sessions belong to (as given, never invented), or None.

    Raises :class:`ConfigError` when the sessions name different persons, or a person
    other than ``person``.
    """
    named = {s.person for s in sessions if s.person}
    if person:
        other = sorted(named - {person})
        if other:
            raise ConfigError(f"--person {person!r} was given, but the session(s) are of "
                              f"{', '.join(repr(o) for o in other)}",
                              fix="give sessions of one person, or the matching --person")
        return person
    if len(named) > 1:
        raise ConfigError(f"the sessions are of different persons ({', '.join(sorted(named))})",
                          fix="make one report per person")
    return named.pop() if named else None
