"""The batched step rate: env steps/s of the batched engine next to the scalar engine, in one run.

What is timed, per game:

- **scalar**: :class:`arcgames.engine.Engine` stepping uniformly random flat actions of the
  game (its :class:`~arcgames.actions.ActionCodec` indices, as ``arcgames bench``), a new
  play whenever one ends. Its frame is always up to date, so frames are included.
- **batched**: :class:`BatchedEngine` (the compiled kernels over N envs, see
  :mod:`arcgames.batch`) with ``num_envs`` envs, each step a (N,) batch of uniformly
  random flat indices, ``auto_reset=True``, and ``frames()`` after every step (what an
  RL loop pays for observations; the compiled engine draws them inside its step). Env
  steps/s = N x batched steps/s.

Why side by side, in alternating rounds: absolute rates depend on the machine and on
what else runs on it; the scalar and batched measurements of a game are taken back to
back, ``rounds`` times, and the ratio is the median of the rounds' ratios, so it means
something even on a busy shared machine. The target (a PASS/FAIL line, never an
assertion) is batched with frames >= 20x the scalar engine on CPU, median over games; on
CUDA (``device="cuda"``, :mod:`arcgames.batched.cuda`) it is 10 M env steps/s, median over
games (issue 14's goal at N=65,536), and each timed run ends with a device synchronisation.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, computed_field
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from arcgames import batch
from arcgames.actions import FRAME_SIZE, ActionCodec, ActionId
from arcgames.batched.engine import BatchedEngine
from arcgames.bench import PlatformInfo, platform_info
from arcgames.engine import Engine, GameState
from arcgames.registry import UnknownGameError, get_game, list_games

TARGET_RATIO = 20.0  # batched (with frames) over scalar steps/s, on CPU
CUDA_TARGET = 10_000_000.0  # env steps/s with frames on a GPU (issue 14), median over games
CPU_ENVS = 1024
CUDA_ENVS = 65_536
ROUNDS = 3
_BATCHES = 64  # pre-drawn action batches cycled through: keeps the RNG out of the timed loop


class BatchedRate(BaseModel):
    """One timed run of a batched engine."""

    model_config = ConfigDict(frozen=True)

    num_envs: int
    batched_steps: int
    seconds: float

    @computed_field
    @property
    def steps_per_s(self) -> float:
        """Env steps per second: num_envs x batched steps per second."""
        return self.num_envs * self.batched_steps / self.seconds if self.seconds > 0 else 0.0


class GameReport(BaseModel):
    """A game's scalar rates and its batched rates, measured in alternating rounds."""

    model_config = ConfigDict(frozen=True)

    game_id: str
    scalar: tuple[float, ...]  # steps/s, one per round
    batched: tuple[BatchedRate, ...]  # one per round

    @property
    def scalar_steps_per_s(self) -> float:
        return statistics.median(self.scalar)

    @property
    def batched_steps_per_s(self) -> float:
        return statistics.median(r.steps_per_s for r in self.batched)

    @computed_field
    @property
    def ratio(self) -> float:
        """Median over rounds of batched over scalar steps/s, each pair measured back to back."""
        return statistics.median(r.steps_per_s / s for r, s in zip(self.batched, self.scalar, strict=True))


class BatchedBenchReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    seconds_per_measurement: float
    rounds: int
    seed: int
    torch: str
    threads: int  # threads the compiled batched loop is split across
    device: str = "cpu"  # where the batched engine ran: cpu, or a CUDA device's name
    load_average: float  # 1-minute load average when the run ended: ratios on a busy machine are lower
    games: tuple[GameReport, ...]
    platform: PlatformInfo

    @computed_field
    @property
    def median_ratio(self) -> float | None:
        return statistics.median(g.ratio for g in self.games) if self.games else None


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
    seed: int = 0,
    device: str = "cpu",
) -> BatchedRate:
    """Env steps/s of the batched engine under uniformly random flat actions, with auto-reset and frames."""
    game = get_game(game_id)
    batched = BatchedEngine(game, num_envs, device=device, seed=seed)
    dev = batched.device
    # GPU work is asynchronous: wait for it before reading the clock.
    sync = torch.cuda.synchronize if dev.type == "cuda" else lambda: None
    codec = ActionCodec(game.actions)
    decode = _decoder(codec, dev)
    generator = torch.Generator(device=dev).manual_seed(seed)
    batches = [decode(torch.randint(codec.n, (num_envs,), generator=generator, device=dev)) for _ in range(_BATCHES)]

    def run(count: int) -> None:
        for k in range(count):
            batched.step(*batches[k % _BATCHES], auto_reset=True)
            batched.frames()

    run(4)  # warm up (the first call loads the compiled kernels, or compiles them)
    sync()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run(8)
        sync()
        steps += 8
    return BatchedRate(num_envs=num_envs, batched_steps=steps, seconds=time.perf_counter() - start)


def run_batched_bench(
    game_ids: Sequence[str] | None = None,
    seconds: float = 1.0,
    *,
    num_envs: int = CPU_ENVS,
    rounds: int = ROUNDS,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    device: str = "cpu",
) -> BatchedBenchReport:
    """Measure every game: ``rounds`` x (scalar, then batched), back to back."""
    ids = list(game_ids) if game_ids else list_games()
    reports = []
    for game_id in ids:
        if progress:
            progress(game_id)
        scalar, rates = [], []
        for _ in range(rounds):
            scalar.append(measure_scalar(game_id, seconds, seed))
            rates.append(measure_batched(game_id, num_envs, seconds, seed=seed, device=device))
        reports.append(GameReport(game_id=game_id, scalar=tuple(scalar), batched=tuple(rates)))
    return BatchedBenchReport(
        seconds_per_measurement=seconds,
        rounds=rounds,
        seed=seed,
        torch=torch.__version__,
        threads=batch.THREADS,
        device=device_name(device),
        load_average=os.getloadavg()[0],
        games=tuple(reports),
        platform=platform_info(),
    )


def device_name(device: str) -> str:
    """``cpu``, or the GPU's name (``numba CUDA simulator`` under NUMBA_ENABLE_CUDASIM=1)."""
    if torch.device(device).type != "cuda":
        return "cpu"
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return "numba CUDA simulator (no GPU: these rates measure nothing)"
    return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"


# --- reporting -------------------------------------------------------------------


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:,.0f}"


def render_report(report: BatchedBenchReport) -> Table:
    p = report.platform
    table = Table(
        title=f"arcgames batched step rate, env steps/s ({report.seconds_per_measurement:g} s per measurement, "
        f"median of {report.rounds} alternating rounds)",
        caption=f"{p.cpu}, {p.cpus_available} CPUs, load average {report.load_average:.1f} | "
        f"{report.threads} threads | torch {report.torch} | batched engine on {report.device}",
    )
    n = next((r.num_envs for g in report.games for r in g.batched), CPU_ENVS)
    columns = ["game", "scalar", f"N={n} batched", "ratio"]
    for column in columns:
        table.add_column(column, justify="left" if column == "game" else "right")
    for g in report.games:
        ratio = g.ratio
        table.add_row(
            g.game_id,
            f"{g.scalar_steps_per_s:,.0f}",
            _rate(g.batched_steps_per_s),
            "-" if ratio is None else f"{ratio:.1f}x",
            style="red" if ratio is not None and ratio < TARGET_RATIO else None,
        )
    return table


def print_report(report: BatchedBenchReport, console: Console | None = None) -> None:
    console = console or Console()
    console.print(render_report(report))
    if report.device != "cpu" and report.games:
        median = statistics.median(g.batched_steps_per_s for g in report.games)
        mark = "[bold green]PASS[/]" if median >= CUDA_TARGET else "[bold red]FAIL[/]"
        console.print(f"{mark} median game, batched with frames on {escape(report.device)}: {median:,.0f} env "
                      f"steps/s (target >= {CUDA_TARGET:,.0f})", highlight=False)  # fmt: skip
    elif report.median_ratio is not None:
        passed = report.median_ratio >= TARGET_RATIO
        mark = "[bold green]PASS[/]" if passed else "[bold red]FAIL[/]"
        console.print(
            f"{mark} median game, batched with frames over scalar: {report.median_ratio:.1f}x "
            f"(target >= {TARGET_RATIO:g}x)",
            highlight=False,
        )


def main_batched_bench(
    games: list[str] | None, seconds: float, as_json: bool, num_envs: int = CPU_ENVS, device: str = "cpu"
) -> int:
    """Run the benchmark and print the table (or JSON); exit code 0, or 2 for bad arguments.

    For ``benchmarks/batched_step_rate.py`` and ``arcgames bench --batched``.
    """
    err = Console(stderr=True)
    try:
        if seconds <= 0:
            raise ValueError(f"--seconds must be positive, got {seconds!r}")
        if num_envs < 1:
            raise ValueError(f"--envs must be positive, got {num_envs!r}")
        for game_id in games or ():
            get_game(game_id)
        if torch.device(device).type not in ("cpu", "cuda"):
            raise ValueError(f"--device must be cpu or cuda, got {device!r}")
        if torch.device(device).type == "cuda":
            from arcgames.batched.cuda import tensor_device

            tensor_device(device)  # no GPU: say so now, not after the first scalar measurement
    except (UnknownGameError, ValueError, RuntimeError) as error:
        err.print(Text(f"error: {error}", style="bold red"))
        return 2
    report = run_batched_bench(
        games, seconds, num_envs=num_envs, device=device,
        progress=lambda gid: err.print(f"[dim]measuring {gid}[/]"),
    )  # fmt: skip
    if as_json:
        json.dump(report.model_dump(mode="json"), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report)
    return 0
