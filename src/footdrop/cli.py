"""The ``footdrop`` command. Thin: parse options, call the library, print.

Every :class:`~footdrop.errors.FootdropError` becomes a one-paragraph message on stderr and
a non-zero exit code, without a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from footdrop.errors import FootdropError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Measure foot drop from shoe-worn IMUs. See `footdrop COMMAND --help`.",
)

# ----------------------------------------------------------------- shared reading options
Files = Annotated[list[Path] | None, typer.Argument(help="Recording file(s) or BIDS folder.")]
Left = Annotated[Path | None, typer.Option("--left", help="File of the left-foot sensor.")]
Right = Annotated[Path | None, typer.Option("--right", help="File of the right-foot sensor.")]
Format = Annotated[
    str | None,
    typer.Option("--format", help="Reader to use instead of detection from the content."),
]
Fs = Annotated[
    float | None,
    typer.Option("--fs", help="Sampling rate in Hz, for formats that do not store it."),
]
Columns = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="Column map for generic CSV: 'acc_x=AccX,...,gyr_z=GyrZ,time=t,acc_unit=g' "
        "or a .toml/.json file.",
    ),
]
AccUnit = Annotated[str | None, typer.Option("--acc-unit", help="Declare acc unit: m/s^2, g, mg.")]
GyrUnit = Annotated[str | None, typer.Option("--gyr-unit", help="Declare gyr unit: deg/s, rad/s.")]
Test = Annotated[str | None, typer.Option("--test", help="Mobilise-D test, e.g. Test5.")]
Trial = Annotated[str | None, typer.Option("--trial", help="Mobilise-D trial, e.g. Trial1.")]
Example = Annotated[
    bool, typer.Option("--example", help="Use the bundled MS example recording.")
]
NoAlign = Annotated[
    bool, typer.Option("--no-align", help="Keep the sensors' own axes (no foot-frame alignment).")
]


def _load(
    files: list[Path] | None,
    *,
    left: Path | None,
    right: Path | None,
    format: str | None,
    fs: float | None,
    columns: str | None,
    acc_unit: str | None,
    gyr_unit: str | None,
    test: str | None,
    trial: str | None,
    example: bool,
    align: bool,
    min_duration_s: float | None = None,
):
    from footdrop import io

    units = {"*": {k: v for k, v in (("acc", acc_unit), ("gyr", gyr_unit)) if v}}
    options: dict[str, Any] = {"units": units, "min_duration_s": min_duration_s}
    if test:
        options["test"] = test
    if trial:
        options["trial"] = trial
    if example:
        rec = io.read_example(**options)
    else:
        rec = io.read(
            files or [], left=left, right=right, format=format, fs=fs, columns=columns, **options
        )
    if align:
        from footdrop.preprocess.alignment import align_to_foot

        rec = align_to_foot(rec, copy=False)
    return rec


@app.command()
def info(
    files: Files = None,
    left: Left = None,
    right: Right = None,
    format: Format = None,
    fs: Fs = None,
    columns: Columns = None,
    acc_unit: AccUnit = None,
    gyr_unit: GyrUnit = None,
    test: Test = None,
    trial: Trial = None,
    example: Example = False,
    no_align: NoAlign = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Show what a recording holds: format, sensors, rate, units, gaps, clipping, alignment."""
    from footdrop.io.describe import describe

    rec = _load(
        files, left=left, right=right, format=format, fs=fs, columns=columns,
        acc_unit=acc_unit, gyr_unit=gyr_unit, test=test, trial=trial, example=example,
        align=not no_align, min_duration_s=None,
    )
    summary = describe(rec)
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return
    _print_info(summary)


@app.command()
def convert(
    inputs: Annotated[list[Path], typer.Argument(help="Input file(s), then the output folder.")],
    left: Left = None,
    right: Right = None,
    format: Format = None,
    fs: Fs = None,
    columns: Columns = None,
    acc_unit: AccUnit = None,
    gyr_unit: GyrUnit = None,
    test: Test = None,
    trial: Trial = None,
    subject: Annotated[str, typer.Option(help="BIDS subject label.")] = "01",
    session: Annotated[str | None, typer.Option(help="BIDS session label.")] = None,
    task: Annotated[str, typer.Option(help="BIDS task label.")] = "walking",
    overwrite: Annotated[bool, typer.Option(help="Replace existing output files.")] = False,
) -> None:
    """Convert any supported input to BIDS-Motion (lossless; BIDS reads back identically).

    The last argument is the output folder. Units are converted to m/s² and deg/s and
    recorded; the sensors keep their own axes (no alignment is applied).
    """
    from footdrop.errors import ConfigError
    from footdrop.io import write_bids

    if len(inputs) < 1 or (len(inputs) < 2 and not (left or right)):
        raise ConfigError("convert needs an input and an output folder",
                          fix="write: footdrop convert IN... OUT_DIR")
    *files, out = inputs
    rec = _load(
        files, left=left, right=right, format=format, fs=fs, columns=columns,
        acc_unit=acc_unit, gyr_unit=gyr_unit, test=test, trial=trial, example=False,
        align=False, min_duration_s=None,
    )
    written = write_bids(rec, out, subject=subject, session=session, task=task,
                         overwrite=overwrite)
    for path in written:
        typer.echo(str(path))


Person = Annotated[
    str | None,
    typer.Option("--person", help="Person identifier for the report header (as given; "
                                  "never invented).", show_default=False),
]
Offset = Annotated[
    str | None,
    typer.Option(help="Sensor-to-point vector F,L,U in m (forward, lateral, up).",
                 show_default=False),
]
Yaw = Annotated[
    float | None,
    typer.Option(help="Angle (deg) of the sensor's x axis from the foot's heel-toe line, "
                      "outwards positive, when known from a calibration.",
                 show_default=False),
]


def _offset(text: str | None, name: str):
    from footdrop.errors import ConfigError

    if text is None:
        return None
    try:
        vals = tuple(float(v) for v in text.split(","))
    except ValueError:
        vals = ()
    if len(vals) != 3:
        raise ConfigError(f"--{name} {text!r} is not three numbers",
                          fix=f"write --{name} F,L,U in metres, e.g. 0.17,-0.04,-0.045")
    return vals


@app.command()
def analyze(
    files: Files = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("footdrop-out"),
    left: Left = None,
    right: Right = None,
    format: Format = None,
    fs: Fs = None,
    columns: Columns = None,
    acc_unit: AccUnit = None,
    gyr_unit: GyrUnit = None,
    test: Test = None,
    trial: Trial = None,
    example: Example = False,
    toe_offset: Offset = None,
    heel_offset: Offset = None,
    left_toe_offset: Offset = None,
    right_toe_offset: Offset = None,
    left_heel_offset: Offset = None,
    right_heel_offset: Offset = None,
    sensor_yaw: Yaw = None,
    left_sensor_yaw: Yaw = None,
    right_sensor_yaw: Yaw = None,
    shoe_length: Annotated[
        float | None,
        typer.Option(help="Shoe length in m; sets the forward parts of the default offsets."),
    ] = None,
    person: Person = None,
    session: Annotated[str | None, typer.Option(
        "--session", help="Session identifier for the report header, e.g. 'visit 2'.")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="Date of the session, YYYY-MM-DD (orders sessions in reports).")] = None,
    report: Annotated[bool, typer.Option(
        "--report", help="Also write report.html and report.pdf (footdrop report).")] = False,
) -> None:
    """Strides, events and per-stride metrics: writes strides.csv, summary.json, session.json
    and curves.npz (with --report also report.html and report.pdf)."""
    from footdrop.gait.analyze import analyze_session, write_outputs
    from footdrop.gait.engine import offsets_for_shoe
    from footdrop.report.session import parse_date

    parse_date(date)

    rec = _load(
        files, left=left, right=right, format=format, fs=fs, columns=columns,
        acc_unit=acc_unit, gyr_unit=gyr_unit, test=test, trial=trial, example=example,
        align=True, min_duration_s=3.0,
    )
    params: dict[str, Any] = {"copy": False}  # the recording is ours: turn it in place
    if shoe_length is not None:
        params.update(offsets_for_shoe(shoe_length))
    for name, value in (("toe_offset", toe_offset), ("heel_offset", heel_offset),
                        ("left_toe_offset", left_toe_offset),
                        ("right_toe_offset", right_toe_offset),
                        ("left_heel_offset", left_heel_offset),
                        ("right_heel_offset", right_heel_offset)):
        vec = _offset(value, name.replace("_", "-"))
        if vec is not None:
            params[name] = vec
    for name, value in (("sensor_yaw_deg", sensor_yaw), ("left_sensor_yaw_deg", left_sensor_yaw),
                        ("right_sensor_yaw_deg", right_sensor_yaw)):
        if value is not None:
            params[name] = value
    strides, summary, info, curves = analyze_session(rec, person=person, session=session,
                                                     date=date, **params)
    paths = write_outputs(strides, summary, out, session=info, curves=curves)
    for side, entry in summary["sides"].items():
        med = entry["median"]
        speed = med.get("gait_speed_mps")
        length = med.get("stride_length_m")
        typer.echo(
            f"{side:>5}: {entry['n_strides']} strides"
            + (f", median speed {speed:.2f} m/s, stride length {length:.2f} m" if speed else "")
        )
    if report:
        from footdrop.report import write_report

        paths += write_report([out], out)
    for path in paths:
        typer.echo(f"wrote {path}")


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("footdrop-sim"),
    speed: Annotated[float, typer.Option(help="Walking speed, m/s (0.2-2.0).")] = 1.2,
    n_strides: Annotated[int, typer.Option(help="Strides per foot.")] = 20,
    left_severity: Annotated[str, typer.Option(help="none, mild, moderate, severe or 0-1.")]
    = "none",
    right_severity: Annotated[str, typer.Option(help="As --left-severity.")] = "none",
    left_hip_hiking: Annotated[float, typer.Option(
        help="Hip hiking of the left side, 0-1 (1: pelvis raised 8° in each left swing).")]
    = 0.0,
    right_hip_hiking: Annotated[float, typer.Option(help="As --left-hip-hiking.")] = 0.0,
    lower_back: Annotated[bool, typer.Option(
        "--lower-back", help="Also simulate a lower-back (sacrum) sensor.")] = False,
    lower_back_height: Annotated[float, typer.Option(
        help="Height of the lower-back sensor above the floor when standing, m.")] = 1.0,
    shanks: Annotated[bool, typer.Option(
        "--shanks", help="Also simulate a sensor on each shank (lateral, mid-length).")]
    = False,
    fs: Annotated[float, typer.Option(help="Sampling rate, Hz.")] = 100.0,
    mounting: Annotated[str, typer.Option(help="identity or random.")] = "identity",
    noise: Annotated[str, typer.Option(help="none, typical or high.")] = "typical",
    seed: Annotated[int, typer.Option(help="Random seed (reproducible output).")] = 0,
    overwrite: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Simulate shoe IMUs with exact ground truth (BIDS-Motion, gaitmap CSV, truth.csv).

    With --lower-back / --shanks the BIDS-Motion files also hold those sensors and
    body_truth.csv the per-stride pelvis and shank truth (the gaitmap CSV holds the feet).
    """
    from footdrop.simulate.api import simulate_cli

    info = simulate_cli(out, overwrite=overwrite, speed=speed, n_strides=n_strides,
                        left={"severity": left_severity, "hip_hiking": left_hip_hiking},
                        right={"severity": right_severity, "hip_hiking": right_hip_hiking},
                        lower_back=lower_back, lower_back_height_m=lower_back_height,
                        shanks=shanks, fs=fs, mounting=mounting, noise=noise, seed=seed)
    typer.echo(f"{info['n_strides']} strides, {info['duration_s']:.1f} s written to {out}")


def _print_info(summary: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    console.print(f"[bold]Source[/bold]   {', '.join(summary['source'])}")
    clocks = "one shared clock" if summary["synchronised"] else "separate, not synchronised"
    console.print(
        f"[bold]Format[/bold]   {summary['format']}    [bold]Duration[/bold] "
        f"{summary['duration_s']:.2f} s    [bold]Clocks[/bold] {clocks}"
    )
    if summary["start_time"]:
        console.print(f"[bold]Start[/bold]    {summary['start_time']}")
    for placement, s in summary["sensors"].items():
        console.print(
            f"\n[bold cyan]{placement}[/bold cyan] ({s['name'] or 'unnamed'}): "
            f"{s['fs_hz']:g} Hz, {s['n_samples']} samples, {s['duration_s']:.2f} s "
            f"from {s['t0_s']:.2f} s"
        )
        units = ", ".join(f"{k} in {v}" for k, v in s["units"].items() if v)
        console.print(f"  units      {units}; frame: {s['frame']}")
        if s["gaps"]:
            total = sum(g["duration_s"] for g in s["gaps"])
            console.print(f"  gaps       {len(s['gaps'])} left as missing, {total:.2f} s in all; "
                          f"{len(s['segments'])} valid segment(s)")
        else:
            console.print("  gaps       none left (see warnings for repaired ones)")
        if s["clipped"]:
            chans = sorted({c["channel"] for c in s["clipped"]})
            console.print(f"  clipping   {len(s['clipped'])} range(s) in {', '.join(chans)}")
        else:
            console.print("  clipping   none")
        align = (s["alignment"] or {}).get("description") if s["alignment"] else None
        console.print(f"  alignment  {align or 'none applied'}")
        side = (s["alignment"] or {}).get("side_check")
        if side:
            console.print(f"  side check left/right labels: {side}")
    if summary["warnings"]:
        console.print("\n[bold]Warnings and conversions[/bold]")
        for w in summary["warnings"]:
            console.print(f"  - {w}", markup=False)


# ------------------------------------------------------------------ compare (assess/compare.py)
@app.command()
def compare(
    session_a: Annotated[Path, typer.Argument(help="Folder with strides.csv (or the file): A.")],
    session_b: Annotated[Path, typer.Argument(help="Folder with strides.csv (or the file): B.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write compare.json and compare.csv here.")
    ] = None,
    label_a: Annotated[str | None, typer.Option(help="Name of session A, e.g. 'FES off'.")]
    = None,
    label_b: Annotated[str | None, typer.Option(help="Name of session B, e.g. 'FES on'.")]
    = None,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed (reproducible intervals).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Change from session A to B per side and metric, with bootstrap CIs and MCIDs."""
    from footdrop.assess.compare import compare_sessions
    from footdrop.gait.analyze import _atomic_write

    result = compare_sessions(session_a, session_b, label_a=label_a, label_b=label_b,
                              n_boot=n_boot, seed=seed)
    report = result.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, allow_nan=False) + "\n")
    else:
        _print_compare(result)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        _atomic_write(out / "compare.json", json.dumps(report, indent=2, allow_nan=False) + "\n")
        _atomic_write(out / "compare.csv",
                      result.changes_.to_csv(index=False, float_format="%.10g", na_rep=""))
        for name in ("compare.json", "compare.csv"):
            typer.echo(f"wrote {out / name}", err=as_json)


def _print_compare(result) -> None:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"[bold]{escape(result.label_a_)}[/bold] (A) → "
                  f"[bold]{escape(result.label_b_)}[/bold] (B)")
    shown = result.display_table()
    for side, rows in shown.groupby("side", sort=False):
        n = result.n_strides_[side]
        table = Table(title=f"{side.capitalize()}: {n['a']} and {n['b']} strides",
                      title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for name in rows.columns[1:]:
            table.add_column(escape(str(name)), no_wrap=str(name).startswith("change"))
        for row in rows.drop(columns="side").itertuples(index=False):
            table.add_row(*(escape(str(v)) for v in row))
        console.print(table)
    for text in result.changes_["text"]:
        console.print(f"- {text}", markup=False)
# ------------------------------------------------------------------------- end of compare


# ------------------------------------------------------------------- report (report/)
@app.command()
def report(
    sessions: Annotated[list[Path], typer.Argument(
        help="Session folder(s) written by footdrop analyze --out DIR, of one person.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("footdrop-report"),
    person: Person = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the report.")] = None,
) -> None:
    """Clinical report: report.html (self-contained) and report.pdf. With several sessions
    of one person it shows the trend and the change since the previous session (sessions
    ordered by --date given to analyze, else as given here)."""
    from footdrop.report import write_report

    for path in write_report(sessions, out, person=person, title=title):
        typer.echo(f"wrote {path}")
# ------------------------------------------------------------------------- end of report


# ------------------------------------------------------------------- stream (realtime/)
@app.command()
def stream(
    replay: Annotated[Path | None, typer.Option(
        "--replay", help="Replay a recording file (any format footdrop reads).")] = None,
    example: Annotated[bool, typer.Option(
        "--example", help="Replay the bundled MS recording (the foot of --side).")] = False,
    realtime: Annotated[bool, typer.Option(
        "--realtime", help="Replay at the recording's pace instead of as fast as possible.")]
    = False,
    udp: Annotated[str | None, typer.Option(
        "--udp", help="Listen for sample packets on HOST:PORT (docs/realtime.md).")] = None,
    serial: Annotated[str | None, typer.Option(
        "--serial", help="Read framed samples from a serial port (e.g. /dev/ttyUSB0).")]
    = None,
    baud: Annotated[int, typer.Option(help="Serial input speed.")] = 921600,
    fs: Annotated[float | None, typer.Option(
        "--fs", help="Sampling rate in Hz (live streams: default 100; files without one).")]
    = None,
    format: Format = None,
    side: Annotated[str, typer.Option(help="left or right.")] = "left",
    placement: Annotated[str, typer.Option(help="Sensor on the foot or the shank.")] = "foot",
    trigger: Annotated[str, typer.Option(help="heel-off or toe-off.")] = "heel-off",
    extension_ms: Annotated[float, typer.Option(help="Stimulation after IC, ms.")] = 50.0,
    ramp_up_ms: Annotated[float, typer.Option(help="Ramp-up, ms.")] = 50.0,
    ramp_down_ms: Annotated[float, typer.Option(help="Ramp-down, ms.")] = 50.0,
    amplitude_ma: Annotated[float, typer.Option(help="Amplitude, mA.")] = 30.0,
    pulse_width_us: Annotated[float, typer.Option(help="Pulse width, µs.")] = 250.0,
    frequency_hz: Annotated[float, typer.Option(help="Pulse frequency, Hz.")] = 40.0,
    cap_factor: Annotated[float, typer.Option(
        help="Burst cap as a multiple of the median swing time.")] = 2.5,
    max_burst_ms: Annotated[float, typer.Option(help="Absolute burst cap, ms.")] = 1500.0,
    arm_strides: Annotated[int, typer.Option(
        help="Consistent strides before stimulation is armed.")] = 3,
    resume_ms: Annotated[float, typer.Option(
        help="After a break in walking this short, the strides before it still count "
             "towards arming (0: off), ms.")] = 5000.0,
    dropout_ms: Annotated[float, typer.Option(
        help="Sample gap that counts as sensor loss, ms.")] = 30.0,
    stimulator: Annotated[str | None, typer.Option(
        "--stimulator", help="Serial port of a stimulator (default: simulated).")] = None,
    log: Annotated[Path | None, typer.Option("--log", help="Write the burst log CSV.")] = None,
    alarms: Annotated[Path | None, typer.Option(
        "--alarms", help="Write the alarm and arming log CSV.")] = None,
    duration: Annotated[float | None, typer.Option(
        help="Stop a live stream after this many seconds.")] = None,
    quiet: Annotated[bool, typer.Option(help="No live status line.")] = False,
) -> None:
    """Real-time gait phases and FES bursts from a file replay, UDP or a serial port."""
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    from footdrop.realtime import StimulationConfig
    from footdrop.realtime.session import StreamSettings, run_session, status_text

    config = StimulationConfig(
        trigger=trigger, amplitude_ma=amplitude_ma, pulse_width_us=pulse_width_us,
        frequency_hz=frequency_hz, ramp_up_s=ramp_up_ms / 1000, ramp_down_s=ramp_down_ms / 1000,
        extension_s=extension_ms / 1000, cap_factor=cap_factor, max_burst_s=max_burst_ms / 1000,
        arm_strides=arm_strides, resume_s=resume_ms / 1000,
        dropout_s=dropout_ms / 1000).validate(placement=placement)
    if example:
        from footdrop import io
        from footdrop.errors import ConfigError

        if replay is not None:
            raise ConfigError("--example and --replay were both given",
                              fix="give one of them")
        if side not in ("left", "right"):
            raise ConfigError(f"side {side!r} is not left or right", fix="use --side left "
                                                                          "or --side right")
        replay, fs = io.example_paths()[side], io.example_info()["fs"]
    settings = StreamSettings(replay=replay, udp=udp, serial=serial, realtime=realtime, fs=fs,
                              format=format, side=side, placement=placement, baudrate=baud,
                              stimulator=stimulator, duration_s=duration)
    console = Console(stderr=True, highlight=False)
    live = None if quiet or not console.is_terminal else Live(
        Text(""), console=console, auto_refresh=False, transient=False)

    def show(status) -> None:
        live.update(Text(status_text(status)), refresh=True)

    if live is None:
        engine = run_session(settings, config, log=log, alarms=alarms)
    else:
        with live:
            engine = run_session(settings, config, log=log, alarms=alarms, on_status=show)
    bursts = engine.bursts_
    reasons = ", ".join(f"{k} {v}" for k, v in bursts["reason"].value_counts().items())
    st = engine.status()
    typer.echo(f"{side}: {len(bursts)} bursts" + (f" ({reasons})" if reasons else "")
               + f", {st.alarms} alarm(s), {st.samples} samples, "
               f"{st.process_us:.1f} µs per sample")
    for path in (log, alarms):
        if path is not None:
            typer.echo(f"wrote {path}")
# ------------------------------------------------------------------------- end of stream


def main() -> None:
    """Entry point: run the app, turning footdrop errors into clean messages."""
    import logging

    logging.getLogger("footdrop").setLevel(logging.ERROR)  # warnings are printed by info
    try:
        app()
    except FootdropError as err:
        sys.stderr.write(f"footdrop: error: {err.message}\n")
        sys.exit(err.exit_code)
    except OSError as err:
        sys.stderr.write(
            f"footdrop: error: {getattr(err, 'filename', '') or ''}: {err.strerror or err}. "
            "Fix: check the path and its permissions.\n"
        )
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
