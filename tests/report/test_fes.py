"""The report's FES section: burst logs read, checked and set against the strides."""

from __future__ import annotations

import re
import shutil
from html import unescape

import numpy as np
import pandas as pd
import pytest

from cli_run import run_cli
from footdrop.errors import ReadError
from footdrop.report.fes import assign, fes_figure, fes_headline, fes_table, read_bursts


def _strides() -> pd.DataFrame:
    """Four left swings (toe-off at 1.6 + k s, IC 0.4 s later), the third not level."""
    fc = 1.6 + np.arange(4.0)
    return pd.DataFrame({"side": "left", "ic_s": fc - 0.6, "fc_s": fc, "next_ic_s": fc + 0.4,
                         "level_walking": [True, True, False, True]})


def _bursts() -> pd.DataFrame:
    """Swing 0: 300 ms before toe-off to IC + 50 ms; swing 1: from toe-off to IC + 30 ms
    (capped); swing 2 (turning): none; swing 3: none; one burst while standing at 9 s."""
    return pd.DataFrame({"side": "left", "on_s": [1.3, 2.6, 9.0], "off_s": [2.05, 3.03, 9.4],
                         "reason": ["ic", "cap", "cancel"]})


def test_bursts_are_set_against_the_swings():
    sw = assign(_strides(), _bursts(), "left")
    np.testing.assert_allclose(sw["on_s"], [1.3, 2.6, np.nan, np.nan])
    assert list(sw["reason"]) == ["ic", "cap", "", ""]
    t = fes_table(_strides(), _bursts())
    rows = {r[0].lstrip("· "): r[1:] for r in t.rows}
    assert rows["Trigger"] == ["not logged", "no log"]
    assert rows["Bursts"] == ["3", "no log"]
    assert rows["ended at initial contact (+ extension)"][0] == "1"
    assert rows["ended by the cap"][0] == "1"
    assert rows["Level-walking swings stimulated"][0] == "2 of 3 (67 %)"
    assert rows["Start before toe-off (median)"][0] == "150 ms"  # 300 and 0 ms
    assert rows["End after initial contact (median)"][0] == "50 ms"  # the IC burst only
    assert rows["Swing time stimulated (median)"][0] == "100 %"
    assert rows["Bursts outside any swing"][0] == "1"
    assert fes_headline(_strides(), _bursts()) == (
        "FES: level-walking swings stimulated: left 2 of 3 (67%).")
    png = fes_figure(_strides(), _bursts())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_log_without_strides_of_its_side():
    """Bursts of a side whose recording gave no stride: counted, nothing stimulated, no plot
    of that side."""
    right = _bursts().assign(side="right")
    t = fes_table(_strides(), right)
    rows = {r[0].lstrip("· "): r[1:] for r in t.rows}
    assert rows["Bursts"] == ["no log", "3"]
    assert rows["Level-walking swings stimulated"][1] == "0 of 0"
    assert rows["Bursts outside any swing"][1] == "3"
    assert fes_figure(_strides(), right) is None
    assert fes_figure(_strides(), pd.concat([_bursts(), right]))[:4] == b"\x89PNG"


def test_burst_logs_are_read_and_checked(tmp_path):
    assert read_bursts(tmp_path) is None
    b = _bursts()
    b.to_csv(tmp_path / "bursts_left.csv", index=False)
    b.assign(side="right").to_csv(tmp_path / "bursts_right.csv", index=False)
    got = read_bursts(tmp_path)
    assert sorted(got["side"].unique()) == ["left", "right"] and len(got) == 6
    b.to_csv(tmp_path / "bursts_again.csv", index=False)
    with pytest.raises(ReadError, match="logged in two files"):
        read_bursts(tmp_path)
    (tmp_path / "bursts_again.csv").unlink()
    b.drop(columns="off_s").to_csv(tmp_path / "bursts_right.csv", index=False)
    with pytest.raises(ReadError, match="no column off_s") as err:
        read_bursts(tmp_path)
    assert "bursts_right.csv" in str(err.value)
    b.assign(off_s=[1.0, 3.0, 9.4]).to_csv(tmp_path / "bursts_right.csv", index=False)
    with pytest.raises(ReadError, match="row 2"):
        read_bursts(tmp_path)


def test_report_of_a_session_with_burst_logs(example_session, tmp_path, monkeypatch, capsys):
    """footdrop stream --log into the session folder, then footdrop report: the FES table
    and figure are in the HTML, with the counts of the logs; a broken log stops the report
    with a message naming the file."""
    session = tmp_path / "visit"
    shutil.copytree(example_session, session)
    for side in ("left", "right"):
        code, _, err = run_cli(monkeypatch, capsys, "stream", "--example", "--side", side,
                               "--quiet", "--log", session / f"bursts_{side}.csv")
        assert code == 0, err
    logs = {s: pd.read_csv(session / f"bursts_{s}.csv") for s in ("left", "right")}
    code, _, err = run_cli(monkeypatch, capsys, "report", session, "--out", tmp_path / "rep")
    assert code == 0, err
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert 'id="fes"' in html and 'id="fig-fes"' in html
    assert "FES: level-walking swings stimulated: left" in html
    block = html[html.index('id="fes"'):]
    block = block[:block.index("</table>")]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", block, flags=re.S):
        cells = [unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, flags=re.S)]
        rows[cells[0]] = cells[1:]
    assert rows["Bursts"] == [str(len(logs["left"])), str(len(logs["right"]))]
    assert rows["Trigger"] == ["heel-off", "heel-off"]
    for cell in rows["Level-walking swings stimulated"]:
        k, n = (int(x) for x in cell.split(" (")[0].split(" of "))
        assert n >= 60 and k >= 0.85 * n
    logs["left"].drop(columns="reason").to_csv(session / "bursts_left.csv", index=False)
    code, _, err = run_cli(monkeypatch, capsys, "report", session, "--out", tmp_path / "rep2")
    assert code != 0
    assert "bursts_left.csv" in err and "reason" in err and "Traceback" not in err

