"""The step-rate benchmark: env steps per second, next to MiniGrid measured in the same run.

What is timed is what an RL loop or an agent harness pays: ``env.step`` through
``gymnasium.make`` (so the usual wrappers are included) with uniformly random actions
drawn from a seeded ``numpy.random.Generator``, a fresh frame returned by every step,
and ``reset()`` whenever an episode ends. Everything runs on one core in one process.

Why ratios and not raw numbers: steps/s depends on the CPU and on what else runs on it.
MiniGrid DoorKey-8x8 is measured in the same process, interleaved with the games
(before, between every few games, and after), so a busy shared machine slows both
sides alike and the ratio stays meaningful where the absolute numbers do not.

Targets (printed as PASS/FAIL lines, never asserted: speed belongs here, not in tests):
every game >= 1x MiniGrid, the median game >= 4x MiniGrid, and the median game >= 10x
ARC-AGI-3's official engine. Each is judged only against what ran in the same run: a
target whose reference did not run (minigrid or arc-agi not installed, no local ARC
game files) says so (SKIP) instead of comparing with a figure from another day.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import gymnasium as gym
import numpy as np
from pydantic import BaseModel, ConfigDict, computed_field
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import arcgames
from arcgames.registry import UnknownGameError, get_game, list_games

MINIGRID_ENV_ID = "MiniGrid-DoorKey-8x8-v0"
MINIGRID_NUM_ACTIONS = 7  # left, right, forward, pickup, drop, toggle, done

ARC_ENGINE_TARGET_FACTOR = 10.0  # the median game against ARC-AGI-3's official engine, when it runs here
MIN_GAME_RATIO = 1.0  # every game at least as fast as MiniGrid DoorKey-8x8
MEDIAN_GAME_RATIO = 4.0  # the median game at least 4x MiniGrid DoorKey-8x8

_CHUNK = 1024  # actions drawn per Generator call: keeps the RNG out of the per-step cost


# --- records ---------------------------------------------------------------------


class Measurement(BaseModel):
    """One timed run of random actions on one env."""

    model_config = ConfigDict(frozen=True)

    steps: int
    seconds: float  # wall time of the timed part (warm-up excluded), resets included
    episodes: int  # resets done because an episode ended (terminated or truncated)

    @computed_field
    @property
    def steps_per_s(self) -> float:
        return self.steps / self.seconds if self.seconds > 0 else 0.0


class GameRate(Measurement):
    """The step rate of one arcgames game."""

    game_id: str

    @property
    def us_per_step(self) -> float:
        return 1e6 / self.steps_per_s if self.steps_per_s else float("inf")


class Target(BaseModel):
    """One speed target; ``passed`` is None when it could not be checked in this run."""

    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool | None
    detail: str


class PlatformInfo(BaseModel):
    """Where the numbers were taken: they mean little without it."""

    model_config = ConfigDict(frozen=True)

    python: str
    implementation: str
    cpu: str
    machine: str
    system: str
    cpus_available: int
    numpy: str
    gymnasium: str
    minigrid: str | None
    arcgames: str


class BenchReport(BaseModel):
    """A benchmark run: per-game rates, MiniGrid measured alongside, ratios and targets."""

    model_config = ConfigDict(frozen=True)

    seconds_per_measurement: float
    seed: int
    games: tuple[GameRate, ...]
    minigrid_samples: tuple[float, ...]  # MiniGrid steps/s of each interleaved measurement, in run order
    arcengine_steps_per_s: float | None = None  # measured in this run, only when arc-agi is installed
    platform: PlatformInfo

    @computed_field
    @property
    def minigrid_steps_per_s(self) -> float | None:
        """Mean of the interleaved MiniGrid samples; None when minigrid is not installed."""
        return statistics.fmean(self.minigrid_samples) if self.minigrid_samples else None

    @computed_field
    @property
    def ratios(self) -> dict[str, float]:
        """Each game's steps/s over MiniGrid's, both measured in this run."""
        base = self.minigrid_steps_per_s
        return {g.game_id: g.steps_per_s / base for g in self.games} if base else {}

    @computed_field
    @property
    def median_steps_per_s(self) -> float | None:
        return statistics.median(g.steps_per_s for g in self.games) if self.games else None

    @computed_field
    @property
    def median_ratio(self) -> float | None:
        return statistics.median(self.ratios.values()) if self.ratios else None

    @computed_field
    @property
    def targets(self) -> tuple[Target, ...]:
        return check_targets(self)


# --- measuring -------------------------------------------------------------------


def _warmup_seconds(seconds: float) -> float:
    return min(0.25, 0.1 * seconds)


def _timed_loop(
    step: Callable[[int], bool], reset: Callable[[], object], n_actions: int, seconds: float, rng: np.random.Generator
) -> Measurement:
    """Call ``step(random action)`` until ``seconds`` have passed; ``step`` returns True when the episode ended."""
    steps = episodes = 0
    start = now = time.perf_counter()
    deadline = start + seconds
    while now < deadline:
        for action in rng.integers(0, n_actions, size=_CHUNK).tolist():
            if step(action):
                reset()
                episodes += 1
            steps += 1
            now = time.perf_counter()
            if now >= deadline:
                break
    return Measurement(steps=steps, seconds=now - start, episodes=episodes)


def _measure_gym(env: gym.Env, seconds: float, seed: int) -> Measurement:
    space = env.action_space
    if not isinstance(space, gym.spaces.Discrete):
        raise TypeError(f"the benchmark steps Discrete action spaces only, got {space}")
    offset = int(space.start)
    env_step = env.step

    def step(action: int) -> bool:
        _, _, terminated, truncated, _ = env_step(action + offset)
        return terminated or truncated

    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    _timed_loop(step, env.reset, int(space.n), _warmup_seconds(seconds), rng)
    return _timed_loop(step, env.reset, int(space.n), seconds, rng)


def measure_game(game_id: str, seconds: float = 2.0, seed: int = 0) -> GameRate:
    """Steps/s of ``arcgames.make(game_id)`` under uniformly random actions (after a short warm-up)."""
    env = arcgames.make(game_id)
    try:
        m = _measure_gym(env, seconds, seed)
    finally:
        env.close()
    return GameRate(game_id=game_id, steps=m.steps, seconds=m.seconds, episodes=m.episodes)


def measure_minigrid(seconds: float = 2.0, seed: int = 0, env_id: str = MINIGRID_ENV_ID) -> float | None:
    """Steps/s of MiniGrid DoorKey-8x8 (random actions 0..6); None when minigrid is not installed."""
    try:
        import minigrid  # noqa: F401  (importing it registers the MiniGrid envs with gymnasium)
    except ImportError:
        return None
    env = gym.make(env_id)
    try:
        return _measure_gym(env, seconds, seed).steps_per_s
    finally:
        env.close()


def measure_arcengine(game_id: str = "ls20", seconds: float = 2.0, seed: int = 0) -> float | None:
    """Steps/s of ARC-AGI-3's official engine on one local game, or None when it cannot run here.

    None when ``arc_agi``/``arcengine`` are not importable or the game's files are not on
    disk (offline mode never downloads). Mirrors the arc-agi README loop: random action
    from ``env.action_space``, random x/y for complex actions, reset on WIN or GAME_OVER.
    """
    try:
        import arc_agi
        from arcengine import GameState
    except ImportError:
        return None
    arc = arc_agi.Arcade(operation_mode=arc_agi.OperationMode.OFFLINE, logger=logging.getLogger(__name__))
    env = arc.make(game_id, seed=seed)
    if env is None:
        return None
    env.reset()
    actions = list(env.action_space)
    if not actions:
        return None
    rng = np.random.default_rng(seed)
    ended = (GameState.WIN, GameState.GAME_OVER)

    def step(index: int) -> bool:
        action = actions[index]
        data = {"x": int(rng.integers(64)), "y": int(rng.integers(64))} if action.is_complex() else None
        obs = env.step(action, data=data)
        return obs is None or obs.state in ended

    _timed_loop(step, env.reset, len(actions), _warmup_seconds(seconds), rng)
    return _timed_loop(step, env.reset, len(actions), seconds, rng).steps_per_s


def platform_info() -> PlatformInfo:
    """Python, CPU and library versions of this machine."""
    return PlatformInfo(
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        cpu=_cpu_model(),
        machine=platform.machine(),
        system=platform.platform(terse=True),
        cpus_available=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
        numpy=np.__version__,
        gymnasium=gym.__version__,
        minigrid=_version("minigrid"),
        arcgames=arcgames.__version__,
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def run_bench(
    game_ids: Sequence[str] | None = None,
    seconds: float = 2.0,
    seed: int = 0,
    *,
    minigrid_every: int = 4,
    progress: bool = False,
) -> BenchReport:
    """Measure every game (all of ``list_games()`` by default) and MiniGrid, interleaved.

    MiniGrid is measured before the first game, after every ``minigrid_every`` games and
    after the last one, each time for ``seconds``; the ratios use the mean of those samples.
    ``progress`` shows a transient rich progress bar on stderr.
    """
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds!r}")
    if minigrid_every < 1:
        raise ValueError(f"minigrid_every must be at least 1, got {minigrid_every!r}")
    game_ids = list(list_games() if game_ids is None else game_ids)
    for game_id in game_ids:
        get_game(game_id)  # an unknown id fails now, listing the known ones, not after minutes of measuring
    batches = [game_ids[i : i + minigrid_every] for i in range(0, len(game_ids), minigrid_every)]
    have_minigrid = _version("minigrid") is not None
    total = len(game_ids) + (len(batches) + 1 if have_minigrid else 0) + 1

    games: list[GameRate] = []
    samples: list[float] = []
    with _progress(progress, total) as advance:

        def minigrid_sample() -> None:
            if have_minigrid:
                advance(f"MiniGrid DoorKey-8x8 ({len(samples) + 1}/{len(batches) + 1})")
                rate = measure_minigrid(seconds, seed)
                if rate is not None:
                    samples.append(rate)

        minigrid_sample()
        for batch in batches:
            for game_id in batch:
                advance(f"game {game_id}")
                games.append(measure_game(game_id, seconds, seed))
            minigrid_sample()
        advance("ARC-AGI-3 engine (if installed)")
        arcengine = measure_arcengine(seconds=seconds, seed=seed)
    return BenchReport(
        seconds_per_measurement=seconds,
        seed=seed,
        games=tuple(games),
        minigrid_samples=tuple(samples),
        arcengine_steps_per_s=arcengine,
        platform=platform_info(),
    )


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    """Yield ``advance(label)``: marks the previous measurement done and names the next one."""
    if not enabled:
        yield lambda label: None
        return
    # No auto-refresh: a refresh thread would compete for the one core being measured.
    bar = Progress(
        TextColumn("[progress.description]{task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    )
    task = bar.add_task("starting", total=total)
    started = False

    def advance(label: str) -> None:
        nonlocal started
        bar.update(task, description=label, advance=1 if started else 0)
        started = True
        bar.refresh()

    with bar:
        yield advance


# --- targets and output ----------------------------------------------------------


def check_targets(report: BenchReport) -> tuple[Target, ...]:
    """The speed targets, judged on this report's numbers."""
    ratios, median_ratio = report.ratios, report.median_ratio
    no_minigrid = "not checked: minigrid is not installed (pip install minigrid)"
    if ratios:
        slowest = min(ratios, key=ratios.__getitem__)
        every = Target(
            name=f"every game >= {MIN_GAME_RATIO:g}x MiniGrid DoorKey-8x8",
            passed=ratios[slowest] >= MIN_GAME_RATIO,
            detail=f"slowest {slowest}: {ratios[slowest]:.2f}x",
        )
    else:
        every = Target(name=f"every game >= {MIN_GAME_RATIO:g}x MiniGrid DoorKey-8x8", passed=None, detail=no_minigrid)
    median = Target(
        name=f"median game >= {MEDIAN_GAME_RATIO:g}x MiniGrid DoorKey-8x8",
        passed=None if median_ratio is None else median_ratio >= MEDIAN_GAME_RATIO,
        detail=no_minigrid if median_ratio is None else f"median {median_ratio:.2f}x",
    )
    med, arc = report.median_steps_per_s, report.arcengine_steps_per_s
    arc_name = f"median game >= {ARC_ENGINE_TARGET_FACTOR:g}x ARC-AGI-3 engine"
    if arc and med is not None:
        ratio = med / arc
        arc_target = Target(name=f"{arc_name} (measured in this run)", passed=ratio >= ARC_ENGINE_TARGET_FACTOR,
                            detail=f"{ratio:.1f}x ({arc:,.0f} steps/s)")  # fmt: skip
    else:
        arc_target = Target(
            name=arc_name,
            passed=None,
            detail="not checked: ARC-AGI-3's engine did not run in this run (it needs pip install 'arcgames[arc]' "
            "on Python 3.12+ and the game files on disk); no figure from another run stands in for it",
        )
    targets = [every, median, arc_target]
    return tuple(targets)


def render_report(report: BenchReport) -> Table:
    """The per-game table, with MiniGrid and the medians underneath."""
    p = report.platform
    table = Table(
        title=f"arcgames step rate ({report.seconds_per_measurement:g} s per measurement, seed {report.seed})",
        caption=f"{p.cpu} | Python {p.python} | numpy {p.numpy} | gymnasium {p.gymnasium} | minigrid {p.minigrid}",
    )
    table.add_column("env")
    table.add_column("steps/s", justify="right")
    table.add_column("µs/step", justify="right")
    table.add_column("x MiniGrid", justify="right")
    table.add_column("episodes", justify="right")
    ratios = report.ratios
    for g in sorted(report.games, key=lambda g: g.steps_per_s):
        ratio = ratios.get(g.game_id)
        style = "red" if ratio is not None and ratio < MIN_GAME_RATIO else None
        table.add_row(
            g.game_id,
            f"{g.steps_per_s:,.0f}",
            f"{g.us_per_step:.1f}",
            "-" if ratio is None else f"{ratio:.2f}",
            f"{g.episodes:,}",
            style=style,
        )
    table.add_section()
    if report.median_steps_per_s is not None:
        median_ratio = "-" if report.median_ratio is None else f"{report.median_ratio:.2f}"
        table.add_row(
            "median game", f"{report.median_steps_per_s:,.0f}", f"{1e6 / report.median_steps_per_s:.1f}", median_ratio
        )
    mg = report.minigrid_steps_per_s
    if mg is None:
        table.add_row("MiniGrid DoorKey-8x8 (not installed)", "-", "-", "-")
    else:
        table.add_row(
            f"MiniGrid DoorKey-8x8 (mean of {len(report.minigrid_samples)})", f"{mg:,.0f}", f"{1e6 / mg:.1f}", "1.00"
        )
    if report.arcengine_steps_per_s:
        a = report.arcengine_steps_per_s
        table.add_row("ARC-AGI-3 engine (measured)", f"{a:,.0f}", f"{1e6 / a:.1f}", f"{a / mg:.2f}" if mg else "-")
    return table


def print_report(report: BenchReport, console: Console | None = None) -> None:
    """The table, then one PASS/FAIL line per target."""
    console = console or Console()
    console.print(render_report(report))
    if report.minigrid_samples:
        samples = ", ".join(f"{rate:,.0f}" for rate in report.minigrid_samples)
        console.print(f"[dim]{MINIGRID_ENV_ID} samples in run order (steps/s): {samples}[/]", highlight=False)
    for target in report.targets:
        mark = {True: "[bold green]PASS[/]", False: "[bold red]FAIL[/]", None: "[yellow]SKIP[/]"}[target.passed]
        console.print(f"{mark} {target.name}: {target.detail}", highlight=False)


def main_bench(games: list[str] | None, seconds: float, as_json: bool) -> int:
    """Run the benchmark and print the table (or JSON on stdout); the exit code: 0, or 2 for bad arguments.

    Shared by ``arcgames bench`` and ``benchmarks/step_rate.py``. Missed speed targets
    print FAIL lines but do not change the exit code.
    """
    err = Console(stderr=True)
    try:  # check the arguments first, so errors raised while measuring keep their traceback
        if seconds <= 0:
            raise ValueError(f"--seconds must be positive, got {seconds!r}")
        for game_id in games or ():
            get_game(game_id)
    except (UnknownGameError, ValueError) as error:
        err.print(Text.assemble(("error:", "bold red"), f" {error}"))  # plain text: the error quotes user input
        return 2
    if not as_json:
        print_report(run_bench(games or None, seconds, progress=True))
        return 0
    with stdout_to_stderr():
        report = run_bench(games or None, seconds, progress=True)
    json.dump(report.model_dump(mode="json"), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """While inside, whatever anyone writes to stdout goes to stderr, so stdout stays one JSON document.

    Why both levels: libraries measured here (arc-agi, arcengine) log through handlers or
    print() on ``sys.stdout``, and native code writes to file descriptor 1 directly.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


# --- recording cost --------------------------------------------------------------


class RecordingCost(BaseModel):
    """What recording adds to a step, measured side by side with the same env unrecorded."""

    game_id: str
    plain_steps_per_s: float
    recorded_steps_per_s: float
    bytes_per_action: float  # mean size of a step line

    @computed_field
    @property
    def overhead(self) -> float:
        """Extra time per step as a fraction of the plain step (0.1 = 10% slower)."""
        return self.plain_steps_per_s / self.recorded_steps_per_s - 1.0


def measure_recording(game_id: str, seconds: float = 2.0, seed: int = 0, rounds: int = 2) -> RecordingCost:
    """Steps/s with and without RecordTrajectory, alternated ``rounds`` times so machine noise hits both."""
    import tempfile

    from arcgames.wrappers import RecordTrajectory

    plain, recorded, sizes = [], [], []
    for _ in range(rounds):
        plain.append(measure_game(game_id, seconds, seed).steps_per_s)
        with tempfile.TemporaryDirectory() as folder:
            env = RecordTrajectory(arcgames.make(game_id), folder, player="bench")
            try:
                m = _measure_gym(env, seconds, seed)
            finally:
                env.close()
            lines = [line for f in Path(folder).glob("*.jsonl") for line in f.read_bytes().splitlines()]
            steps = [len(line) + 1 for line in lines if line.startswith(b'{"type":"step"')]
            sizes.append(sum(steps) / max(1, len(steps)))
        recorded.append(m.steps_per_s)
    return RecordingCost(
        game_id=game_id,
        plain_steps_per_s=float(np.mean(plain)),
        recorded_steps_per_s=float(np.mean(recorded)),
        bytes_per_action=float(np.mean(sizes)),
    )
