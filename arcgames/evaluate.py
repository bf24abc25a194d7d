"""The evaluation harness: play agents on games, record every run, resume after a crash.

Each run (one game, one run index) plays from the first level until WIN, the action
budget, or a crash, recorded through :class:`RecordTrajectory`. A run is written to
``<game>-r<run>.jsonl.partial`` and renamed when it ends, so an interrupted
evaluation resumes by re-running exactly the runs without a final file. Results are
read back from the verified recordings, never from what the agent claims.
"""

from __future__ import annotations

import inspect
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
from arcgames.agent import GameInfo, agent_config, agent_view, load_agent_factory
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


def _make_agent(spec: RunSpec) -> Any:
    factory = load_agent_factory(spec.agent)
    kwargs = dict(spec.agent_kwargs)
    try:
        accepts_seed = "seed" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        accepts_seed = False
    if accepts_seed:
        kwargs.setdefault("seed", spec.seed)
    return factory(**kwargs)


def play_run(spec: RunSpec) -> RunResult:
    """Play one run and return its result as read back from the verified recording."""
    partial = spec.path.with_suffix(".jsonl.partial")
    partial.unlink(missing_ok=True)  # a leftover from an interrupted evaluation
    agent = _make_agent(spec)
    env = RecordTrajectory(
        make(spec.game_id), path=partial, player=getattr(agent, "name", type(agent).__name__),
        config=agent_config(agent), mode="eval",
    )  # fmt: skip
    frame, info = env.reset(seed=spec.seed)
    try:
        agent.reset(GameInfo(game_id=spec.game_id, num_levels=info["num_levels"],
                             available_actions=info["available_actions"]))  # fmt: skip
        _play(env, agent, frame, info, spec.budgets)
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
) -> EvalResult:
    """Evaluate an agent (built-in name or ``package.module:Class``) on games, recording every run.

    Each level's action budget is ``budget_factor`` x its baseline count (human where
    known, else solver), capped by ``max_actions`` if given. Runs already finished in
    ``out`` are kept and not re-run, so calling this again resumes an interrupted
    evaluation. ``workers`` > 1 plays runs in parallel processes.
    """
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
    results = done + _run_all(todo, workers, console or Console(stderr=True), already=len(done))
    return EvalResult(agent=agent, out_dir=out_dir, runs=sorted(results, key=lambda r: (r.game_id, r.run)))


def _run_all(specs: list[RunSpec], workers: int, console: Console, already: int) -> list[RunResult]:
    results: list[RunResult] = []
    start = time.perf_counter()
    columns = (
        TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(), TextColumn("levels {task.fields[levels]}"),
        TextColumn("{task.fields[rate]} actions/s"), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("eval", total=len(specs) + already, completed=already, levels=0, rate=0)

        def record(result: RunResult) -> None:
            results.append(result)
            rate = sum(r.actions for r in results) / max(time.perf_counter() - start, 1e-9)
            levels = sum(r.levels_completed for r in results)
            progress.update(task, advance=1, levels=levels, rate=f"{rate:,.0f}")

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
