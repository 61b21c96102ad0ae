"""Random bytes and truncated files: every reader gives a clean error, never a crash."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footdrop import io
from footdrop.errors import FootdropError

FORMATS = [None, *io.READERS]
EXAMPLE = io.example_paths()["left"]
FIXTURE = HealthCheck.function_scoped_fixture


def _attempt(path: Path, fmt):
    try:
        io.read(path, format=fmt, fs=100.0, columns="acc_x=a,acc_y=b,acc_z=c,gyr_x=d,gyr_y=e,"
                "gyr_z=f,fs=100")
    except FootdropError as err:
        assert path.name in err.message, err.message  # the message names the file
        assert "Fix:" in err.message, err.message


@settings(max_examples=60, deadline=None, suppress_health_check=[FIXTURE])
@given(data=st.binary(min_size=1, max_size=3000), fmt=st.sampled_from(FORMATS))
def test_random_bytes(tmp_path, data, fmt):
    path = tmp_path / "random.bin"
    path.write_bytes(data)
    _attempt(path, fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE])
@given(cut=st.integers(min_value=1, max_value=20000), fmt=st.sampled_from(FORMATS))
def test_truncated_real_file(tmp_path, cut, fmt):
    path = tmp_path / "cut_left.csv"
    path.write_bytes(EXAMPLE.read_bytes()[:cut])
    _attempt(path, fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE])
@given(text=st.text(alphabet=st.sampled_from(list("0123456789.,;\t\n-eE+nan acc_xyzgr")),
                    max_size=2000), fmt=st.sampled_from(FORMATS))
def test_random_csv_like_text(tmp_path, text, fmt):
    path = tmp_path / "text.csv"
    path.write_text("acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + text)
    _attempt(path, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_reader_rejects_a_png(tmp_path, fmt):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(FootdropError):
        io.read(path, format=fmt, fs=100.0, columns="acc_x=a,fs=100")
