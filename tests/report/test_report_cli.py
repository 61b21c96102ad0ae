"""``footdrop report`` and ``footdrop analyze --report`` end to end."""

from __future__ import annotations

import json
import sys

import pytest

from footdrop.cli import main


def _run(args: list[str]) -> int:
    argv = sys.argv
    sys.argv = ["footdrop", *args]
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = argv
    return 0


def test_analyze_with_report(tmp_path, capsys):
    out = tmp_path / "visit"
    code = _run(["analyze", "--example", "--out", str(out), "--report", "--person", "P1",
                 "--session", "baseline", "--date", "2025-02-03"])
    assert code == 0, capsys.readouterr().err
    for name in ("strides.csv", "summary.json", "session.json", "curves.npz", "report.html",
                 "report.pdf"):
        assert (out / name).is_file(), name
    info = json.loads((out / "session.json").read_text())
    assert (info["person"], info["session"], info["date"]) == ("P1", "baseline", "2025-02-03")
    assert info["walking_time_s"] > 60 and info["software"]["name"] == "footdrop"
    assert "wrote" in capsys.readouterr().out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "P1" in html and "baseline" in html

    # footdrop report on the folder written above
    code = _run(["report", str(out), "--out", str(tmp_path / "rep"), "--title", "Clinic A"])
    assert code == 0
    assert "Clinic A" in (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")


def test_identifiers_are_never_invented(example_session, tmp_path):
    from footdrop import io
    from footdrop.gait.analyze import analyze_session
    from footdrop.preprocess.alignment import align_to_foot
    from footdrop.report.build import header

    rec = align_to_foot(io.read_example(), copy=False)
    _, _, info, _ = analyze_session(rec)
    assert info["person"] is None and info["session"] is None and info["date"] is None
    from footdrop.report.session import SessionData

    sess = SessionData(path=tmp_path, strides=None, summary={}, info=info)
    rows = dict(header(sess, [sess], None, ""))
    assert rows["Person"] == rows["Session"] == rows["Date"] == "not given"


@pytest.mark.parametrize("args, message", [
    (["report", "{tmp}/nowhere", "--out", "{tmp}/r"], "no such session folder"),
    (["report", "{tmp}", "--out", "{tmp}/r"], "no summary.json"),
    (["analyze", "--example", "--out", "{tmp}/x", "--date", "03/04/2025"], "not an ISO date"),
])
def test_errors_exit_2_with_a_clear_message(tmp_path, capsys, args, message):
    code = _run([a.format(tmp=tmp_path) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("footdrop: error: ") and message in err and "Fix:" in err
    assert "Traceback" not in err and err.count("\n") == 1
