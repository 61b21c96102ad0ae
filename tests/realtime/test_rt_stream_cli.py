"""``footdrop stream`` end to end: replay to a burst log, UDP, and bad configurations."""

from __future__ import annotations

import socket
import threading
import time

import numpy as np
import pandas as pd
import pytest
from rt_helpers import rows, walk

from cli_run import run_cli as run
from footdrop.realtime import encode_sample
from footdrop.simulate import write_simulation


@pytest.fixture(scope="module")
def sim_file(tmp_path_factory):
    res = walk(fs=100, n_strides=12)
    paths = write_simulation(res, tmp_path_factory.mktemp("sim"))
    return res, paths["gaitmap_csv"]


@pytest.mark.parametrize("trigger", ["heel-off", "toe-off"])
def test_replay_writes_burst_log(monkeypatch, capsys, tmp_path, sim_file, trigger):
    res, csv = sim_file
    log = tmp_path / "bursts.csv"
    code, out, err = run(monkeypatch, capsys, "stream", "--replay", csv, "--fs", 100,
                         "--side", "right", "--trigger", trigger, "--extension-ms", 40,
                         "--log", log)
    assert code == 0, err
    assert "bursts" in out and f"wrote {log}" in out
    b = pd.read_csv(log)
    assert list(b.columns[:4]) == ["side", "on_s", "off_s", "reason"]
    assert len(b) >= 8 and (b["side"] == "right").all() and (b["reason"] == "ic").all()
    assert (b["on_s"] < b["off_s"]).all()
    truth = res.truth[res.truth["side"] == "right"]
    fc, ic = truth["fc_s"].to_numpy(), truth["next_ic_s"].to_numpy()
    for row in b.itertuples():
        k = np.argmin(np.abs(fc - row.on_s))
        if trigger == "toe-off":
            assert 0 < row.on_s - fc[k] <= 0.03
        assert abs(row.off_s - (ic[k] + 0.04)) <= 0.03


def test_alarm_log_and_quiet(monkeypatch, capsys, tmp_path, sim_file):
    _, csv = sim_file
    alarms = tmp_path / "alarms.csv"
    code, out, err = run(monkeypatch, capsys, "stream", "--replay", csv, "--fs", 100,
                         "--alarms", alarms, "--quiet")
    assert code == 0, err
    kinds = pd.read_csv(alarms)["kind"].tolist()
    assert kinds[0] == "armed" and "dropout" in kinds  # the end of the stream


@pytest.mark.parametrize("args,word", [
    (["--ramp-up-ms", 400, "--max-burst-ms", 350], "ramp_up_s"),
    (["--amplitude-ma", -3], "amplitude_ma"),
    (["--extension-ms", 900], "extension_s"),
    (["--trigger", "sometime"], "trigger"),
    (["--placement", "shank"], "shank"),
    (["--side", "middle"], "side"),
])
def test_bad_configuration_exits_2(monkeypatch, capsys, sim_file, args, word):
    _, csv = sim_file
    code, out, err = run(monkeypatch, capsys, "stream", "--replay", csv, "--fs", 100, *args)
    assert code == 2
    assert word in err and "Fix:" in err and "Traceback" not in err


def test_input_choice_errors(monkeypatch, capsys, sim_file):
    _, csv = sim_file
    code, _, err = run(monkeypatch, capsys, "stream")
    assert code == 2 and "exactly one input" in err
    code, _, err = run(monkeypatch, capsys, "stream", "--replay", csv, "--udp", "1.2.3.4:5")
    assert code == 2 and "--replay, --udp" in err
    code, _, err = run(monkeypatch, capsys, "stream", "--udp", "nonsense")
    assert code == 2 and "HOST:PORT" in err
    code, _, err = run(monkeypatch, capsys, "stream", "--replay", "/no/such/file.csv")
    assert code == 2 and "not found" in err


def test_udp_stream_from_cli(monkeypatch, capsys, tmp_path):
    samples = rows(walk(fs=100, n_strides=12).recording)
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()

    def sender():
        time.sleep(0.4)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for k in range(0, len(samples), 10):
            sock.sendto(b"".join(encode_sample(i, s[0], s[1:4], s[4:7])
                                 for i, s in enumerate(samples[k:k + 10], start=k)),
                        ("127.0.0.1", port))
            time.sleep(0.001)
        sock.close()

    th = threading.Thread(target=sender)
    th.start()
    log = tmp_path / "udp.csv"
    code, out, err = run(monkeypatch, capsys, "stream", "--udp", f"127.0.0.1:{port}",
                         "--fs", 100, "--duration", 1.5, "--quiet", "--log", log)
    th.join()
    assert code == 0, err
    b = pd.read_csv(log)
    assert len(b) >= 7 and (b["reason"] == "ic").sum() >= 7


def test_stream_replays_the_bundled_example(monkeypatch, capsys, tmp_path):
    """--example replays the foot of --side; with --replay, or a side that is neither, it is
    refused with exit code 2."""
    code, out, err = run(monkeypatch, capsys, "stream", "--example", "--side", "right",
                             "--quiet", "--log", tmp_path / "b.csv")
    assert code == 0, err
    assert len(pd.read_csv(tmp_path / "b.csv")) == int(out.split(": ")[1].split()[0]) > 50
    for args, word in ((["--replay", "x.csv"], "both given"), (["--side", "up"], "side")):
        code, _, err = run(monkeypatch, capsys, "stream", "--example", *args)
        assert code == 2 and word in err and "Traceback" not in err
