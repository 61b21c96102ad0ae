#!/usr/bin/env bash
# Create the benchmark-only virtual environment that holds gaitmap (+ gaitmap_mad).
#
# gaitmap is NOT a dependency of footdrop: it pins its own numpy/pandas/numba and lives in a
# separate venv (git-ignored) that is used only by benchmarks/gaitmap/run_gaitmap.py.
#
# Usage:  bash benchmarks/gaitmap/setup_env.sh
# Env:    PYTHON=python3.11   interpreter used to create the venv (default: python3)
#         GAITMAP_VENV=PATH   venv location (default: benchmarks/_work/gaitmap-venv)
# Idempotent: if the venv exists and was built from the current requirements.txt, it exits at once.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${GAITMAP_VENV:-$REPO/benchmarks/_work/gaitmap-venv}"
PY="${PYTHON:-python3}"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.footdrop-bench-requirements.sha256"

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    echo "gaitmap venv up to date: $VENV"
    exit 0
fi

pyver="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ "$pyver" != "3.11" ]]; then
    echo "warning: requirements.txt was tested with Python 3.11, $PY is $pyver" >&2
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "creating venv at $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PY" -m venv "$VENV"
fi

echo "installing pinned gaitmap benchmark requirements"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"

# Smoke test: the pipeline classes must import (BarthDtw/Rampp come from gaitmap_mad).
"$VENV/bin/python" - <<'PY'
import gaitmap, gaitmap_mad
from gaitmap.event_detection import RamppEventDetection  # noqa: F401
from gaitmap.parameters import SpatialParameterCalculation, TemporalParameterCalculation  # noqa: F401
from gaitmap.stride_segmentation import BarthDtw  # noqa: F401
from gaitmap.trajectory_reconstruction import StrideLevelTrajectory  # noqa: F401
print(f"gaitmap {gaitmap.__version__}, gaitmap_mad {gaitmap_mad.__version__}: OK")
PY

echo "$want" > "$STAMP"
echo "gaitmap venv ready: $VENV"
echo "run: $VENV/bin/python $HERE/run_gaitmap.py"
