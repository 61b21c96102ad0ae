"""Shared fixtures. Tests that need ../shared/data skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FOOTDROP_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; the test is skipped when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def _subfolder(shared_data: Path, name: str) -> Path:
    path = shared_data / name
    if not path.is_dir():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="session")
def gaitmap_example(shared_data: Path) -> Path:
    return _subfolder(shared_data, "gaitmap-example")


@pytest.fixture(scope="session")
def voisard(shared_data: Path) -> Path:
    return _subfolder(shared_data, "voisard-healthy")


@pytest.fixture(scope="session")
def mobilised(shared_data: Path) -> Path:
    return _subfolder(shared_data, "mobilised-example")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261124)
