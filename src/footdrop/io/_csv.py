"""Shared helpers of the text readers: load a table, pull numeric columns with clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from footdrop.errors import ReadError


def guess_delimiter(text: str) -> str:
    """Delimiter of a delimited text file from its first lines (comma, tab, semicolon)."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;").delimiter
    except csv.Error:
        counts = {d: sum(ln.count(d) for ln in lines) for d in (",", "\t", ";")}
        return max(counts, key=counts.get)


def read_table(path: Path, **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` with every parse failure turned into a :class:`ReadError`."""
    try:
        df = pd.read_csv(path, low_memory=False, **kwargs)
    except pd.errors.EmptyDataError:
        raise ReadError(
            "the file has no data rows", file=path, fix="check that the export finished"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, IndexError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ReadError(
            f"cannot parse the file as a table ({first})",
            file=path,
            fix="check that it is a complete, uncorrupted export, or pass the right --format",
        ) from None
    if len(df) == 0:
        raise ReadError("the file has a header but no data rows", file=path,
                        fix="check that the export finished")
    return df


def numeric_block(
    df: pd.DataFrame, columns: list, path: Path, *, header_lines: int = 1
) -> np.ndarray:
    """``(n, k)`` float array of ``columns``; errors name the missing column or bad cell.

    Empty cells become NaN (they are repaired later like any gap). A cell that is not a
    number is an error, with its line number in the file.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        found = ", ".join(_label(c) for c in df.columns[:20])
        raise ReadError(
            f"missing column(s) {', '.join(_label(c) for c in missing)} (found: {found})",
            file=path,
            fix="export the acc and gyr channels, or map the columns with --format "
            "generic-csv --columns",
        )
    out = np.empty((len(df), len(columns)))
    for k, col in enumerate(columns):
        series = df[col]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            out[:, k] = series.to_numpy(dtype=float, na_value=np.nan)
            continue
        values = pd.to_numeric(series, errors="coerce")
        bad = values.isna() & series.notna() & (series.astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ReadError(
                f"non-numeric value {str(series.iloc[row])[:30]!r} in column {_label(col)} "
                f"at line {row + header_lines + 1}",
                file=path,
                fix="repair or remove that line, or check the delimiter and decimal separator",
            )
        out[:, k] = values.to_numpy(dtype=float, na_value=np.nan)
    return out


def _label(col) -> str:
    return "/".join(map(str, col)) if isinstance(col, tuple) else str(col)
