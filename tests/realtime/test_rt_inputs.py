"""Inputs and outputs: UDP on localhost, serial framing over loop://, replay, the serial
stimulator protocol, and the live host-clock watchdog."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import serial
from rt_helpers import rows, walk

from footdrop.errors import ConfigError
from footdrop.realtime import (
    FRAME_SIZE,
    SAMPLE_SIZE,
    FrameParser,
    ReplaySource,
    SerialSource,
    SerialStimulator,
    SimulatedStimulator,
    StimulationConfig,
    StreamEngine,
    UdpSource,
    decode_samples,
    encode_frame,
    encode_sample,
    parse_address,
    replay,
)
from footdrop.simulate import write_simulation


def test_packet_round_trip():
    data = encode_sample(7, 12.345678901, (1.0, -2.5, 9.81), (10.0, -300.0, 0.5))
    assert len(data) == SAMPLE_SIZE == 36
    (c, s), = decode_samples(data)
    assert c == 7 and s[0] == 12.345678901
    assert s[1:] == pytest.approx((1.0, -2.5, 9.81, 10.0, -300.0, 0.5), rel=1e-6)
    two = decode_samples(data + encode_sample(8, 12.35, (0, 0, 0), (0, 0, 0)))
    assert [c for c, _ in two] == [7, 8]
    with pytest.raises(ValueError):
        decode_samples(data[:-1])


def test_frame_parser_resynchronises_after_garbage_and_bad_crc():
    frames = [encode_frame(i, i / 100, (0, 0, 9.81), (0, float(i), 0)) for i in range(20)]
    assert len(frames[0]) == FRAME_SIZE == 40
    broken = bytearray(frames[5])
    broken[10] ^= 0xFF  # corrupt the payload: CRC fails
    stream = b"\x00\xa5\x13" + b"".join(frames[:5]) + bytes(broken) + b"\xa5" + \
        b"".join(frames[6:])
    parser = FrameParser()
    out = []
    for k in range(0, len(stream), 7):  # arbitrary chunking
        out += parser.feed(stream[k:k + 7])
    assert [c for c, _ in out] == [i for i in range(20) if i != 5]
    assert parser.crc_errors_ == 1 and parser.skipped_bytes_ > 0


def test_parse_address():
    assert parse_address("127.0.0.1:5005") == ("127.0.0.1", 5005)
    for bad in ("5005", "host:", ":1", "h:99999", "h:x"):
        with pytest.raises(ConfigError):
            parse_address(bad)


def _send_udp(port: int, samples, *, start_counter: int = 0, skip_counter: int | None = None,
              per_datagram: int = 10, pace_s: float = 0.0) -> float:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload, counter = [], start_counter
    last = 0.0
    for s in samples:
        if counter == skip_counter:
            counter += 1
        payload.append(encode_sample(counter, s[0], s[1:4], s[4:7]))
        counter += 1
        if len(payload) == per_datagram:
            sock.sendto(b"".join(payload), ("127.0.0.1", port))
            last = time.perf_counter()
            payload = []
            if pace_s:
                time.sleep(pace_s)
    if payload:
        sock.sendto(b"".join(payload), ("127.0.0.1", port))
        last = time.perf_counter()
    sock.sendto(b"junk", ("127.0.0.1", port))
    sock.close()
    return last


def test_udp_stream_on_localhost_with_live_watchdog():
    res = walk(fs=100, n_strides=14)
    samples = rows(res.recording)
    ref = replay(res.recording, side="left").bursts_
    cut_t = ref["on_s"].iloc[3] + 0.15  # the stream stops inside the 4th burst
    part = [s for s in samples if s[0] <= cut_t]
    src = UdpSource("127.0.0.1", 0, timeout_s=0.002).open()
    stim = SimulatedStimulator()
    eng = StreamEngine(StimulationConfig(), fs=100, stimulator=stim).reset()
    sent = {}

    def sender():
        time.sleep(0.05)
        sent["last"] = _send_udp(src.address_[1], part, skip_counter=100, pace_s=0.001)

    th = threading.Thread(target=sender)
    th.start()
    eng.run(src, duration_s=1.5 + len(part) / 10 * 0.0015)
    th.join()
    b = eng.bursts_
    assert src.packets_ >= len(part) // 10 and src.bad_packets_ == 1
    assert src.counter_.lost_ == 1
    assert len(b) == 4 and list(b["reason"][:3]) == ["ic"] * 3
    last = b.iloc[-1]
    assert last["reason"] == "dropout"
    # zero at dropout_s after the last sample on the sample clock ...
    assert last["off_s"] == pytest.approx(part[-1][0] + 0.03, abs=1e-6)
    # ... commanded by the host-clock watchdog soon after the last datagram arrived
    host_zero = next(c[4] for c in stim.commands_ if c[0] == last["off_s"])
    assert 0.02 <= host_zero - sent["last"] < 0.25
    assert stim.level_at(last["off_s"]) == 0


def test_udp_port_in_use_is_a_config_error():
    a = UdpSource("127.0.0.1", 0).open()
    try:
        with pytest.raises(ConfigError):
            UdpSource("127.0.0.1", a.address_[1]).open()
    finally:
        a.close()


def test_serial_source_over_loop_url():
    res = walk(fs=100, n_strides=10)
    samples = rows(res.recording)
    port = serial.serial_for_url("loop://", timeout=0.002)
    data = b"\xff\x00" + b"".join(encode_frame(i, s[0], s[1:4], s[4:7])
                                   for i, s in enumerate(samples))

    def writer():  # the loop device holds 4 kB: write while the engine reads
        for k in range(0, len(data), 400):
            port.write(data[k:k + 400])

    th = threading.Thread(target=writer, daemon=True)
    th.start()
    src = SerialSource(serial=port, timeout_s=0.002)
    eng = StreamEngine(fs=100).reset()
    eng.run(src, duration_s=2.0)
    th.join(timeout=5)
    assert eng.n_samples_ == len(samples)
    assert src.parser_.crc_errors_ == 0 and src.counter_.lost_ == 0
    ref = replay(res.recording, side="left").bursts_
    got = eng.bursts_
    assert len(got) == len(ref)
    assert list(got["on_s"]) == pytest.approx(list(ref["on_s"]))


def test_serial_stimulator_protocol_over_loop_url():
    port = serial.serial_for_url("loop://", timeout=0.05)
    received = bytearray()
    done = threading.Event()

    def reader():  # drain the 4 kB loop device as a stimulator would
        while not done.is_set() or port.in_waiting:
            received.extend(port.read(max(1, port.in_waiting)))

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    stim = SerialStimulator(serial=port)
    eng = StreamEngine(StimulationConfig(amplitude_ma=25.5, ramp_up_s=0.1), fs=100,
                       stimulator=stim).reset()
    for s in rows(walk(fs=100, n_strides=8).recording):
        eng.process(*s)
    eng.finish()
    stim.close()
    time.sleep(0.1)
    done.set()
    th.join(timeout=5)
    lines = received.decode("ascii").splitlines()
    assert lines[0] == "C 250 40 25.5"
    assert "A 25.5 100" in lines and "A 0.0 50" in lines
    assert lines[-2] == "X dropout" and lines[-1] == "A 0.0 0"
    n_on = sum(1 for ln in lines if ln == "A 25.5 100")
    assert n_on == len(eng.bursts_)


def test_serial_bad_port_is_a_config_error():
    with pytest.raises(ConfigError):
        SerialSource("/dev/does-not-exist-footdrop").open()
    with pytest.raises(ConfigError):
        SerialStimulator("/dev/does-not-exist-footdrop").configure(StimulationConfig())


def test_replay_file_fast_and_realtime(tmp_path):
    res = walk(fs=100, n_strides=8)
    paths = write_simulation(res, tmp_path / "sim")
    src = ReplaySource(paths["gaitmap_csv"], side="right", fs=100).open()
    assert src.sample_rate == 100
    n = sum(1 for _ in src)
    assert n == res.recording["right_foot"].n_samples
    fast = StreamEngine(fs=100, side="right").reset().run(src)
    ref = replay(res.recording, side="right").bursts_
    assert len(fast.bursts_) == len(ref)
    # real-time pacing (20× speed): the replay takes the recording's duration / 20
    paced = ReplaySource(res.recording, side="right", realtime=True, speed=20.0)
    t = time.perf_counter()
    m = sum(1 for _ in paced)
    took = time.perf_counter() - t
    dur = res.recording["right_foot"].duration_s
    assert m == n and dur / 20 * 0.8 <= took <= dur / 20 + 1.0


def test_replay_skips_missing_samples():
    res = walk(fs=100, n_strides=8)
    sensor = res.recording["left_foot"].copy()
    sensor.acc[300:310] = float("nan")
    assert len(list(ReplaySource(sensor))) == sensor.n_samples - 10


def test_replay_missing_sensor_is_a_config_error():
    res = walk(fs=100, n_strides=8)
    with pytest.raises(ConfigError, match="left_shank"):
        ReplaySource(res.recording, placement="shank").open()
