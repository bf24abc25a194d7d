"""The evaluation harness: play agents on games, record every run, resume after a crash.

Each run (one game, one run index) plays from the first level until WIN, the action
budget, or a crash, recorded through :class:`RecordTrajectory`. A run is written to
``<game>-r<run>.jsonl.partial`` and renamed when it ends, so an interrupted
evaluation resumes by re-running exactly the runs without a final file. Results are
read back from the verified recordings, never from what the agent claims.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from arcgames.actions import Action, InvalidActionError
from arcgames.agent import AgentBudgetExceeded, GameInfo, agent_config, agent_view, load_agent_factory, make_agent
from arcgames.baselines import level_budgets
from arcgames.env import make
from arcgames.recording import read_recording
from arcgames.registry import get_game, list_games
from arcgames.replay import verify
from arcgames.wrappers import RecordTrajectory


class EvaluationInterrupted(RuntimeError):
    """A worker process died; finished runs are kept and the same call resumes the rest."""


class RunSpec(BaseModel):
    """Everything a worker needs to play one run (picklable, no live objects)."""

    game_id: str
    run: int
    seed: int
    agent: str  # built-in name or "package.module:Class"
    agent_kwargs: dict[str, Any] = {}
    budgets: list[int]  # maximum actions per level
    out_dir: Path

    @property
    def path(self) -> Path:
        return self.out_dir / f"{self.game_id}-r{self.run:03d}.jsonl"


class RunResult(BaseModel):
    game_id: str
    run: int
    path: Path
    verified: bool
    levels_completed: int
    num_levels: int
    actions: int
    level_actions: list[int]  # actions spent on each completed level
    end: str  # win, budget, crash, ... or "interrupted"
    detail: str | None = None  # why a run crashed, or why verification failed


class EvalResult(BaseModel):
    agent: str
    out_dir: Path
    runs: list[RunResult]

    def by_game(self) -> dict[str, list[RunResult]]:
        games: dict[str, list[RunResult]] = {}
        for run in sorted(self.runs, key=lambda r: (r.game_id, r.run)):
            games.setdefault(run.game_id, []).append(run)
        return games


def resolve_games(games: str | Sequence[str]) -> list[str]:
    """``"public"``, ``"evaluation"``, ``"all"``, a comma-separated string or a list of ids."""
    if isinstance(games, str):
        if games in ("public", "evaluation"):
            return list_games(games)
        if games == "all":
            return list_games()
        games = [g.strip() for g in games.split(",") if g.strip()]
    if not games:
        raise ValueError("no games given; use public, evaluation, all or a comma-separated list of ids")
    for game_id in games:
        get_game(game_id)
    return list(games)


def play_run(spec: RunSpec) -> RunResult:
    """Play one run and return its result as read back from the verified recording."""
    partial = spec.path.with_suffix(".jsonl.partial")
    partial.unlink(missing_ok=True)  # a leftover from an interrupted evaluation
    agent = make_agent(spec.agent, spec.seed, spec.agent_kwargs)
    env = RecordTrajectory(
        make(spec.game_id), path=partial, player=getattr(agent, "name", type(agent).__name__),
        config=agent_config(agent), mode="eval",
    )  # fmt: skip
    frame, info = env.reset(seed=spec.seed)
    try:
        agent.reset(GameInfo(game_id=spec.game_id, num_levels=info["num_levels"],
                             available_actions=info["available_actions"]))  # fmt: skip
        _play(env, agent, frame, info, spec.budgets)
    except AgentBudgetExceeded as err:  # the agent's own token/cost budget: a limit, not a bug
        env.finish("budget", detail=f"agent budget: {err}")
    except Exception as err:  # the agent's code raised: the run ends, the evaluation goes on
        env.finish("crash", detail=f"agent raised {type(err).__name__}: {err}")
    env.close()
    partial.rename(spec.path)
    return read_result(spec.path, get_game(spec.game_id).num_levels)


def _play(env: RecordTrajectory, agent: Any, frame: Any, info: dict[str, Any], budgets: list[int]) -> None:
    observe = getattr(agent, "observe", None)
    while True:
        if info["level_action_count"] >= budgets[info["level"]]:
            env.finish("budget", detail=f"level {info['level'] + 1} budget of {budgets[info['level']]} actions spent")
            return
        action = agent.act(frame, agent_view(info))
        if not isinstance(action, Action):
            env.finish("crash", detail=f"agent returned {action!r}, not an arcgames.Action")
            return
        usage = getattr(agent, "last_usage", None)  # LLM agents: tokens and cost of this action
        if usage:
            env.annotate(**usage)
        try:
            frame, reward, _, _, info = env.step(action)
        except InvalidActionError as err:
            env.finish("crash", detail=f"agent chose an invalid action {action}: {err}")
            return
        if callable(observe):
            from arcgames.agent import Transition

            observe(Transition(action=action, frame=frame, info=agent_view(info), reward=reward))
        if info["state"] == "WIN":
            return


def read_result(path: Path, num_levels: int) -> RunResult:
    """A run's result from its recording, after replay verification."""
    game_id, _, run = path.name.removesuffix(".jsonl").rpartition("-r")
    check = verify(path)
    end = "interrupted"
    detail = check.reason
    if check.ok:
        recording = read_recording(path)
        if recording.end is not None:
            end, detail = recording.end.reason, recording.end.detail
    return RunResult(
        game_id=game_id, run=int(run), path=path, verified=check.ok, levels_completed=check.levels_completed,
        num_levels=num_levels, actions=check.actions, level_actions=check.level_actions, end=end, detail=detail,
    )  # fmt: skip


def evaluate(
    agent: str,
    games: str | Sequence[str] = "public",
    runs: int = 1,
    seed: int = 0,
    out: str | Path = "eval-out",
    budget_factor: float = 5.0,
    max_actions: int | None = None,
    workers: int = 1,
    agent_kwargs: dict[str, Any] | None = None,
    console: Console | None = None,
    executor: str = "process",
    ray_address: str | None = None,
) -> EvalResult:
    """Evaluate an agent (built-in name or ``package.module:Class``) on games, recording every run.

    Each level's action budget is ``budget_factor`` x its baseline count (human where
    known, else solver), capped by ``max_actions`` if given. Runs already finished in
    ``out`` are kept and not re-run, so calling this again resumes an interrupted
    evaluation. ``workers`` > 1 plays runs in parallel processes; ``executor="ray"``
    runs them as Ray tasks instead (``ray_address`` joins a cluster; needs the
    ``arcgames[ray]`` extra), writing the same recordings.
    """
    if executor not in ("process", "ray"):
        raise ValueError(f"unknown executor {executor!r}; use 'process' or 'ray'")
    load_agent_factory(agent)  # fail early with a clear message
    if runs < 1 or workers < 1:
        raise ValueError(f"runs and workers must be at least 1, got runs={runs}, workers={workers}")
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise ValueError(f"--out {out_dir} is not a writable folder ({err.strerror}); choose another") from None
    specs = []
    for game_id in resolve_games(games):
        budgets = [max(1, round(budget_factor * n)) for n in level_budgets(game_id)]
        if max_actions is not None:
            budgets = [min(b, max_actions) for b in budgets]
        for run in range(runs):
            specs.append(RunSpec(game_id=game_id, run=run, seed=seed + run, agent=agent,
                                 agent_kwargs=agent_kwargs or {}, budgets=budgets, out_dir=out_dir))  # fmt: skip
    done = [read_result(s.path, get_game(s.game_id).num_levels) for s in specs if s.path.exists()]
    todo = [s for s in specs if not s.path.exists()]
    run_all = _run_all_ray if executor == "ray" else _run_all
    results = done + run_all(todo, workers, console or Console(stderr=True), already=len(done), address=ray_address)
    return EvalResult(agent=agent, out_dir=out_dir, runs=sorted(results, key=lambda r: (r.game_id, r.run)))


class _RunProgress:
    """A rich progress bar over runs, with levels completed and actions/s so far."""

    def __init__(self, console: Console, total: int, already: int) -> None:
        columns = (
            TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TextColumn("levels {task.fields[levels]}"),
            TextColumn("{task.fields[rate]} actions/s"), TimeElapsedColumn(),
        )  # fmt: skip
        self.progress = Progress(*columns, console=console, transient=True)
        self.task = self.progress.add_task("eval", total=total, completed=already, levels=0, rate=0)
        self.results: list[RunResult] = []
        self.start = time.perf_counter()

    def __enter__(self) -> _RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def record(self, result: RunResult) -> None:
        self.results.append(result)
        rate = sum(r.actions for r in self.results) / max(time.perf_counter() - self.start, 1e-9)
        levels = sum(r.levels_completed for r in self.results)
        self.progress.update(self.task, advance=1, levels=levels, rate=f"{rate:,.0f}")


def _run_all(
    specs: list[RunSpec], workers: int, console: Console, already: int, address: str | None
) -> list[RunResult]:
    with _RunProgress(console, len(specs) + already, already) as progress:
        record, results = progress.record, progress.results
        if workers == 1:
            for spec in specs:
                record(play_run(spec))
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                try:
                    for future in as_completed([pool.submit(play_run, spec) for spec in specs]):
                        record(future.result())
                except BrokenProcessPool:
                    raise EvaluationInterrupted(
                        f"a worker process died after {len(results)} of {len(specs)} runs; finished runs are saved "
                        "in the output folder, and running the same evaluation again resumes the rest"
                    ) from None
    return results


def _run_all_ray(specs: list[RunSpec], workers: int, console: Console, already: int, address: str | None):
    """The same runs as Ray tasks; each task writes its recording to the shared output folder."""
    try:
        import ray
    except ImportError:
        raise ValueError("--executor ray needs Ray: pip install 'arcgames[ray]'") from None
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                 log_to_driver=False)  # fmt: skip
    remote = ray.remote(play_run)
    with _RunProgress(console, len(specs) + already, already) as progress:
        pending = [remote.remote(spec) for spec in specs]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            progress.record(ray.get(ready[0]))
        return progress.results
