"""Binary sample packets for UDP and serial input.

One sample is 36 bytes, little-endian, no padding (``struct`` format ``<Id6f``):

====== ======= =========================================================
offset type    field
====== ======= =========================================================
0      uint32  counter: +1 per sample, wraps at 2³²; a jump means lost samples
4      float64 t: sample time in s on the sensor's clock (any origin)
12     float32 acc_x, acc_y, acc_z in m/s², sensor frame = foot or shank frame
24     float32 gyr_x, gyr_y, gyr_z in deg/s
====== ======= =========================================================

The time is float64 so that it keeps 1 µs resolution over days of streaming (a float32
second count loses milliseconds after a few hours).

**UDP**: each datagram holds one or more whole samples back to back (36·n bytes). A
datagram of another length is dropped and counted.

**Serial**: each sample is framed as ``A5 5A`` (sync word) + the 36-byte sample + CRC-16
(CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR; the
same as ``binascii.crc_hqx(payload, 0xFFFF)``) of the 36 bytes, little-endian: 40 bytes per
sample (at 1 kHz, 40 kB/s: use 921600 baud or more). :class:`FrameParser` finds the sync
word, checks the CRC and, after a bad frame, searches again from the next byte.
"""

from __future__ import annotations

import struct
from binascii import crc_hqx

SAMPLE = struct.Struct("<Id6f")
SAMPLE_SIZE = SAMPLE.size  # 36
SYNC = b"\xa5\x5a"
FRAME_SIZE = len(SYNC) + SAMPLE_SIZE + 2  # 40

#: One sample as it flows through the engine: (t, ax, ay, az, gx, gy, gz).
Sample = tuple[float, float, float, float, float, float, float]


def encode_sample(counter: int, t: float, acc, gyr) -> bytes:
    """Pack one sample (36 bytes)."""
    return SAMPLE.pack(counter & 0xFFFFFFFF, t, *acc, *gyr)


def decode_samples(data: bytes) -> list[tuple[int, Sample]]:
    """Unpack a UDP payload of whole samples: ``[(counter, (t, ax, ..., gz)), ...]``.

    Raises
    ------
    ValueError
        When the length is not a multiple of 36 bytes.
    """
    if not data or len(data) % SAMPLE_SIZE:
        raise ValueError(f"payload of {len(data)} bytes is not a whole number of samples")
    out = []
    for c, t, ax, ay, az, gx, gy, gz in SAMPLE.iter_unpack(data):
        out.append((c, (t, ax, ay, az, gx, gy, gz)))
    return out


def encode_frame(counter: int, t: float, acc, gyr) -> bytes:
    """One serial frame (40 bytes): sync word, sample, CRC-16 little-endian."""
    payload = encode_sample(counter, t, acc, gyr)
    return SYNC + payload + crc_hqx(payload, 0xFFFF).to_bytes(2, "little")


class FrameParser:
    """Incremental parser of the serial frame stream.

    Attributes
    ----------
    crc_errors_
        Frames whose CRC did not match (dropped).
    skipped_bytes_
        Bytes discarded while looking for a sync word.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.crc_errors_ = 0
        self.skipped_bytes_ = 0

    def feed(self, data: bytes) -> list[tuple[int, Sample]]:
        """Add received bytes; return the complete, valid samples found."""
        buf = self._buf
        buf += data
        out = []
        i = 0
        n = len(buf)
        while n - i >= FRAME_SIZE:
            j = buf.find(SYNC, i)
            if j < 0:
                keep = n - 1 if buf[-1:] == SYNC[:1] else n
                self.skipped_bytes_ += keep - i
                i = keep
                break
            self.skipped_bytes_ += j - i
            i = j
            if n - i < FRAME_SIZE:
                break
            payload = bytes(buf[i + 2:i + 2 + SAMPLE_SIZE])
            crc = int.from_bytes(buf[i + 2 + SAMPLE_SIZE:i + FRAME_SIZE], "little")
            if crc_hqx(payload, 0xFFFF) != crc:
                self.crc_errors_ += 1
                self.skipped_bytes_ += 1
                i += 1  # resynchronise from the next byte
                continue
            c, t, ax, ay, az, gx, gy, gz = SAMPLE.unpack(payload)
            out.append((c, (t, ax, ay, az, gx, gy, gz)))
            i += FRAME_SIZE
        del buf[:i]
        return out
