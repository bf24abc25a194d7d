"""The batched step rate: env steps/s of the batched engine next to the scalar engine, in one run.

What is timed, per game:

- **scalar**: :class:`arcgames.engine.Engine` stepping uniformly random flat actions of the
  game (its :class:`~arcgames.actions.ActionCodec` indices, as ``arcgames bench``), a new
  play whenever one ends. Its frame is always up to date, so frames are included.
- **batched**: :class:`BatchedEngine` with ``num_envs`` envs, each step a (N,) batch of
  uniformly random flat indices decoded on the device, ``auto_reset=True``; "frames"
  adds ``frames()`` after every step (what an RL loop pays for observations), "state"
  leaves it out. Env steps/s = N x batched steps/s. Optionally with ``torch.compile``.

Why side by side: absolute rates depend on the machine and on what else runs on it;
the scalar and batched measurements of a game are taken back to back in one process,
so their ratio means something even on a busy shared machine. The target (a PASS/FAIL
line, never an assertion) is batched with frames >= 20x the scalar engine on CPU.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, computed_field
from rich.console import Console
from rich.table import Table

from arcgames.actions import FRAME_SIZE, ActionCodec, ActionId
from arcgames.batched.engine import BatchedEngine
from arcgames.batched.rules import supports_batched, unsupported_reason
from arcgames.bench import PlatformInfo, platform_info
from arcgames.engine import Engine, GameState
from arcgames.registry import UnknownGameError, get_game, list_games

TARGET_RATIO = 20.0  # batched (with frames) over scalar steps/s, on CPU
CPU_ENVS = 1024
CUDA_ENVS = tuple(2**k for k in range(12, 17))
_BATCHES = 64  # pre-drawn action batches cycled through: keeps the RNG out of the timed loop


class BatchedRate(BaseModel):
    """One timed run of the batched engine."""

    model_config = ConfigDict(frozen=True)

    device: str
    num_envs: int
    compiled: bool
    frames: bool
    batched_steps: int
    seconds: float
    compile_seconds: float | None = None  # first call (tracing + compiling), excluded from ``seconds``
    error: str | None = None  # why it could not run (e.g. torch.compile without a C++ compiler)

    @computed_field
    @property
    def steps_per_s(self) -> float:
        """Env steps per second: num_envs x batched steps per second."""
        return self.num_envs * self.batched_steps / self.seconds if self.seconds > 0 else 0.0


class GameReport(BaseModel):
    """A game's scalar rate and its batched rates, measured back to back."""

    model_config = ConfigDict(frozen=True)

    game_id: str
    scalar_steps_per_s: float
    batched: tuple[BatchedRate, ...]

    def rate(self, *, frames: bool, compiled: bool = False, device: str = "cpu") -> BatchedRate | None:
        found = [
            r
            for r in self.batched
            if r.frames == frames and r.compiled == compiled and r.device == device and r.error is None
        ]
        return max(found, key=lambda r: r.steps_per_s, default=None)

    @computed_field
    @property
    def ratio(self) -> float | None:
        """Best CPU batched rate with frames (eager or compiled) over the scalar rate."""
        best = [r for r in (self.rate(frames=True), self.rate(frames=True, compiled=True)) if r is not None]
        if not best or not self.scalar_steps_per_s:
            return None
        return max(r.steps_per_s for r in best) / self.scalar_steps_per_s


class BatchedBenchReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    seconds_per_measurement: float
    seed: int
    torch: str
    torch_threads: int
    cuda: str | None
    games: tuple[GameReport, ...]
    skipped: dict[str, str]  # game id -> why it does not run batched
    platform: PlatformInfo

    @computed_field
    @property
    def median_ratio(self) -> float | None:
        ratios = [g.ratio for g in self.games if g.ratio is not None]
        return statistics.median(ratios) if ratios else None


# --- measuring -------------------------------------------------------------------


def measure_scalar(game_id: str, seconds: float = 2.0, seed: int = 0) -> float:
    """Steps/s of the scalar Engine under uniformly random flat actions (a new play when one ends)."""
    game = get_game(game_id)
    codec = ActionCodec(game.actions)
    actions = [codec.decode(i) for i in range(codec.n)]
    engine = Engine(game)
    rng = np.random.default_rng(seed)
    steps, start = 0, time.perf_counter()
    deadline = start + seconds
    now = start
    while now < deadline:
        for index in rng.integers(0, codec.n, size=1024).tolist():
            if engine.game_state != GameState.NOT_FINISHED:
                engine.reset()
            engine.step(actions[index])
            steps += 1
        now = time.perf_counter()
    return steps / (now - start)


def _decoder(codec: ActionCodec, device: torch.device) -> Callable[[torch.Tensor], tuple[torch.Tensor, ...]]:
    """Flat indices -> (action type, x, y) tensors, by table lookups on the device."""
    simple = len(codec.simple)
    clicks = torch.arange(codec.n - simple)
    kinds = torch.cat([torch.tensor([int(a) for a in codec.simple]), torch.full_like(clicks, ActionId.ACTION6)])
    xs = torch.cat([torch.zeros(simple, dtype=torch.long), clicks % FRAME_SIZE])
    ys = torch.cat([torch.zeros(simple, dtype=torch.long), clicks // FRAME_SIZE])
    kinds, xs, ys = kinds.to(device), xs.to(device), ys.to(device)
    return lambda index: (kinds.index_select(0, index), xs.index_select(0, index), ys.index_select(0, index))


def measure_batched(
    game_id: str,
    num_envs: int = CPU_ENVS,
    seconds: float = 2.0,
    *,
    device: str = "cpu",
    compiled: bool = False,
    frames: bool = True,
    seed: int = 0,
) -> BatchedRate:
    """Env steps/s of the batched engine under uniformly random flat actions, with auto-reset."""
    game = get_game(game_id)
    dev = torch.device(device)
    base = {"device": dev.type, "num_envs": num_envs, "compiled": compiled, "frames": frames}
    engine = BatchedEngine(game, num_envs, device=dev, seed=seed, compile=compiled)
    codec = ActionCodec(game.actions)
    decode = _decoder(codec, dev)
    generator = torch.Generator(device=dev).manual_seed(seed)
    batches = [decode(torch.randint(codec.n, (num_envs,), generator=generator, device=dev)) for _ in range(_BATCHES)]

    def run(count: int) -> None:
        for k in range(count):
            engine.step(*batches[k % _BATCHES], auto_reset=True)
            if frames:
                engine.frames()
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)

    compile_seconds = None
    try:
        start = time.perf_counter()
        run(1)  # the first call compiles, when compiling
        if compiled:
            compile_seconds = time.perf_counter() - start
        run(3)
    except Exception as err:  # torch.compile can fail in many ways (no compiler, unsupported op): report it
        if not compiled:
            raise
        return BatchedRate(**base, batched_steps=0, seconds=0.0, error=f"{type(err).__name__}: {err}"[:300])
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run(8)
        steps += 8
    return BatchedRate(
        **base, batched_steps=steps, seconds=time.perf_counter() - start, compile_seconds=compile_seconds
    )


def run_batched_bench(
    game_ids: Sequence[str] | None = None,
    seconds: float = 2.0,
    *,
    num_envs: int = CPU_ENVS,
    compile: bool = True,
    cuda_sizes: Sequence[int] = CUDA_ENVS,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> BatchedBenchReport:
    """Measure every batched game: scalar, then batched on CPU (state only, with frames, eager and
    compiled), then on CUDA at each of ``cuda_sizes`` when CUDA is available."""
    ids = list(game_ids) if game_ids else list_games()
    skipped = {gid: unsupported_reason(get_game(gid)) for gid in ids if not supports_batched(get_game(gid))}
    reports = []
    for game_id in (gid for gid in ids if gid not in skipped):
        if progress:
            progress(game_id)
        scalar = measure_scalar(game_id, seconds, seed)
        rates = [
            measure_batched(game_id, num_envs, seconds, frames=frames, compiled=compiled, seed=seed)
            for compiled in ((False, True) if compile else (False,))
            for frames in (False, True)
        ]
        if torch.cuda.is_available():
            rates += [measure_batched(game_id, n, seconds, device="cuda", seed=seed) for n in cuda_sizes]
        reports.append(GameReport(game_id=game_id, scalar_steps_per_s=scalar, batched=tuple(rates)))
    return BatchedBenchReport(
        seconds_per_measurement=seconds,
        seed=seed,
        torch=torch.__version__,
        torch_threads=torch.get_num_threads(),
        cuda=torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        games=tuple(reports),
        skipped=skipped,
        platform=platform_info(),
    )


# --- reporting -------------------------------------------------------------------


def _rate(rate: BatchedRate | None) -> str:
    if rate is None:
        return "-"
    return f"{rate.steps_per_s:,.0f}"


def render_report(report: BatchedBenchReport) -> Table:
    p = report.platform
    table = Table(
        title=f"arcgames batched step rate, env steps/s ({report.seconds_per_measurement:g} s per measurement)",
        caption=f"{p.cpu}, {p.cpus_available} CPUs | torch {report.torch}, {report.torch_threads} threads"
        + (f" | {report.cuda}" if report.cuda else ""),
    )
    n = next((r.num_envs for g in report.games for r in g.batched if r.device == "cpu"), CPU_ENVS)
    for column in ("game", "scalar", f"N={n} state", f"N={n} frames", "compiled state", "compiled frames", "ratio"):
        table.add_column(column, justify="left" if column == "game" else "right")
    for g in report.games:
        ratio = g.ratio
        table.add_row(
            g.game_id,
            f"{g.scalar_steps_per_s:,.0f}",
            _rate(g.rate(frames=False)),
            _rate(g.rate(frames=True)),
            _rate(g.rate(frames=False, compiled=True)),
            _rate(g.rate(frames=True, compiled=True)),
            "-" if ratio is None else f"{ratio:.1f}x",
            style="red" if ratio is not None and ratio < TARGET_RATIO else None,
        )
    return table


def print_report(report: BatchedBenchReport, console: Console | None = None) -> None:
    console = console or Console()
    console.print(render_report(report))
    for g in report.games:
        for r in g.batched:
            if r.device == "cuda":
                console.print(f"{g.game_id} cuda N={r.num_envs}: {r.steps_per_s:,.0f} env steps/s", highlight=False)
            if r.error:
                console.print(f"[yellow]{g.game_id} compiled: not measured: {r.error}[/]", highlight=False)
            elif r.compile_seconds is not None and not r.frames:
                console.print(f"[dim]{g.game_id}: torch.compile took {r.compile_seconds:.1f} s[/]", highlight=False)
    for game_id, reason in report.skipped.items():
        console.print(f"[yellow]{game_id} skipped: {reason}[/]", highlight=False)
    if report.median_ratio is not None:
        passed = report.median_ratio >= TARGET_RATIO
        mark = "[bold green]PASS[/]" if passed else "[bold red]FAIL[/]"
        console.print(
            f"{mark} median game, batched with frames over scalar: {report.median_ratio:.1f}x "
            f"(target >= {TARGET_RATIO:g}x)",
            highlight=False,
        )


def main_batched_bench(
    games: list[str] | None, seconds: float, as_json: bool, num_envs: int = CPU_ENVS, compile: bool = True
) -> int:
    """Run the benchmark and print the table (or JSON); exit code 0, or 2 for bad arguments.

    For ``benchmarks/batched_step_rate.py`` and, later, ``arcgames bench --batched``.
    """
    err = Console(stderr=True)
    try:
        if seconds <= 0:
            raise ValueError(f"--seconds must be positive, got {seconds!r}")
        if num_envs < 1:
            raise ValueError(f"--envs must be positive, got {num_envs!r}")
        for game_id in games or ():
            get_game(game_id)
    except (UnknownGameError, ValueError) as error:
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        return 2
    report = run_batched_bench(
        games, seconds, num_envs=num_envs, compile=compile, progress=lambda gid: err.print(f"[dim]measuring {gid}[/]")
    )
    if as_json:
        json.dump(report.model_dump(mode="json"), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report)
    return 0
