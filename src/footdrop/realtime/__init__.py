"""Real-time gait-phase detection and a safe FES trigger engine.

Data flow, per sample::

    source (replay / UDP / serial) → SignalGuard → GaitPhaseDetector → StimulationController
                                                                      → Stimulator

See ``docs/realtime.md`` for the detector's rules, the state machine, the parameters and
their bounds, the packet formats, the serial command protocol and the measured numbers.
"""

from footdrop.realtime.config import BOUNDS, TRIGGERS, StimulationConfig
from footdrop.realtime.controller import (
    BURST_COLUMNS,
    STATE_NAMES,
    StimulationController,
)
from footdrop.realtime.detector import (
    CANCEL,
    EVENT_NAMES,
    HEEL_OFF,
    IC,
    MID_SWING,
    PHASE_NAMES,
    TOE_OFF,
    GaitPhaseDetector,
)
from footdrop.realtime.engine import Status, StreamEngine, replay
from footdrop.realtime.inputs import ReplaySource, SerialSource, UdpSource, parse_address
from footdrop.realtime.packets import (
    FRAME_SIZE,
    SAMPLE_SIZE,
    FrameParser,
    decode_samples,
    encode_frame,
    encode_sample,
)
from footdrop.realtime.safety import SignalGuard
from footdrop.realtime.stimulator import SerialStimulator, SimulatedStimulator, Stimulator

__all__ = [
    "BOUNDS",
    "BURST_COLUMNS",
    "CANCEL",
    "EVENT_NAMES",
    "FRAME_SIZE",
    "HEEL_OFF",
    "IC",
    "MID_SWING",
    "PHASE_NAMES",
    "SAMPLE_SIZE",
    "STATE_NAMES",
    "TOE_OFF",
    "TRIGGERS",
    "FrameParser",
    "GaitPhaseDetector",
    "ReplaySource",
    "SerialSource",
    "SerialStimulator",
    "SignalGuard",
    "SimulatedStimulator",
    "StimulationConfig",
    "StimulationController",
    "Status",
    "StreamEngine",
    "Stimulator",
    "UdpSource",
    "decode_samples",
    "encode_frame",
    "encode_sample",
    "parse_address",
    "replay",
]
