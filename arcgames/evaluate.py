"""The evaluation harness: play agents on games, record every run, resume after a crash.

Each run (one game, one run index) plays from the first level until WIN, the action
budget, or a crash, recorded through :class:`RecordTrajectory`. A run is written to
``<game>-r<run>.jsonl.partial`` and renamed when it ends, so an interrupted
evaluation resumes by re-running exactly the runs without a final file. Results are
read back from the verified recordings, never from what the agent claims.

Runs are isolated: each one plays in a fresh worker process with a fresh agent (a pool
with one task per child), so nothing an agent keeps in memory survives into its next
run, and "mean over runs" measures skill rather than memory. The agent is told an
opaque random id per run, never the registry key. Workers come from a fork server
(started once, holding the imported framework, never running an agent itself), which
costs milliseconds per run instead of a fresh interpreter's second. Every recording's
header names the harness settings (agent, games, runs, run index, budgets), so a
resumed evaluation reuses only runs of the same evaluation and a leaderboard can hold
a submission to its own rules. What this does not stop: an agent on a machine that
holds the shipped games can recognise them by their frames, or keep notes on disk;
only hosted runs on private games measure generalisation (docs/evaluation.md).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import gymnasium as gym
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from arcgames.actions import Action, InvalidActionError
from arcgames.adapters.arc import OfficialArcEnv, OfficialGame, find_official
from arcgames.agent import (
    AgentBudgetExceeded,
    GameInfo,
    agent_config,
    agent_view,
    load_agent_factory,
    make_agent,
    opaque_run_id,
)
from arcgames.baselines import level_budgets
from arcgames.env import make
from arcgames.recording import EvalSettings, RecordingError, read_recording
from arcgames.registry import get_game, list_games, reload_games
from arcgames.replay import verify
from arcgames.wrappers import RecordTrajectory, config_hash


class EvaluationInterrupted(RuntimeError):
    """A worker process died; finished runs are kept and the same call resumes the rest."""


class RemoteTarget(BaseModel):
    """Where a remote run plays: a host's URL, the key, the scorecard and the host's id of the game."""

    url: str
    api_key: str | None
    card_id: str
    game_id: str


class RunSpec(BaseModel):
    """Everything a worker needs to play one run (picklable, no live objects)."""

    game_id: str
    run: int
    seed: int
    agent: str  # built-in name or "package.module:Class"
    agent_kwargs: dict[str, Any] = {}
    budgets: list[int]  # maximum actions per level
    out_dir: Path
    games: str  # the evaluation's game selection, as recorded in the header
    runs: int  # runs per game in the evaluation
    budget_factor: float
    # The caller's environment (API keys, $ARCGAMES_PACKS): a fork-server worker inherits the server's,
    # frozen when it started. None: keep the worker's own (Ray workers on other machines).
    environ: dict[str, str] | None = None
    remote: RemoteTarget | None = None  # a host's game: the host records the run, nothing is written here

    @property
    def path(self) -> Path:
        return self.out_dir / f"{self.game_id}-r{self.run:03d}.jsonl"

    @property
    def settings(self) -> EvalSettings:
        return EvalSettings(
            agent=self.agent, agent_kwargs_hash=config_hash(self.agent_kwargs), games=self.games, runs=self.runs,
            run=self.run, budget_factor=self.budget_factor, budgets=self.budgets,
        )  # fmt: skip


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
    hosted: bool = False  # played on a remote host, which recorded it (verified there, not here)


class EvalResult(BaseModel):
    agent: str
    out_dir: Path
    runs: list[RunResult]
    scorecard: dict[str, Any] | None = None  # remote evaluations: the host's final scorecard

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
        _num_levels(game_id)  # an unknown id raises, listing the known ones
    return list(games)


def _official(game_id: str) -> OfficialGame | None:
    """The official game (from a pack folder of arcengine files) this id names, if it is no arcgames game."""
    return None if game_id in list_games() else find_official(game_id)


def _num_levels(game_id: str) -> int:
    official = _official(game_id)
    return get_game(game_id).num_levels if official is None else official.num_levels


def _baseline_counts(game_id: str) -> list[int]:
    official = _official(game_id)
    return level_budgets(game_id) if official is None else official.baseline_counts()


def _make_env(game_id: str) -> gym.Env:
    official = _official(game_id)
    return make(game_id) if official is None else OfficialArcEnv(official.id)


def play_run(spec: RunSpec) -> RunResult:
    """Play one run and return its result as read back from the verified recording."""
    if spec.remote is not None:
        return play_remote_run(spec)
    if spec.environ is not None and spec.environ != os.environ:
        os.environ.clear()
        os.environ.update(spec.environ)
        reload_games()
    partial = spec.path.with_suffix(".jsonl.partial")
    partial.unlink(missing_ok=True)  # a leftover from an interrupted evaluation
    agent = make_agent(spec.agent, spec.seed, spec.agent_kwargs)
    env = RecordTrajectory(
        _make_env(spec.game_id), path=partial, player=getattr(agent, "name", type(agent).__name__),
        config=agent_config(agent), mode="eval", evaluation=spec.settings,
    )  # fmt: skip
    frame, info = env.reset(seed=spec.seed)
    run_id = opaque_run_id()
    try:
        agent.reset(GameInfo(game_id=run_id, num_levels=info["num_levels"],
                             available_actions=info["available_actions"]))  # fmt: skip
        _play(env, agent, frame, info, spec.budgets, run_id)
    except AgentBudgetExceeded as err:  # the agent's own token/cost budget: a limit, not a bug
        env.finish("budget", detail=f"agent budget: {err}")
    except Exception as err:  # the agent's code raised: the run ends, the evaluation goes on
        env.finish("crash", detail=f"agent raised {type(err).__name__}: {err}")
    env.close()
    partial.rename(spec.path)
    return read_result(spec.path, _num_levels(spec.game_id))


def play_remote_run(spec: RunSpec) -> RunResult:
    """Play one run on a remote host; the result is what the host answered (it holds the recording)."""
    from arcgames.remote import RemoteError, RemoteGame, RemoteHost

    target = spec.remote
    host = RemoteHost(target.url, target.api_key)
    env = RemoteGame(host, target.card_id, target.game_id)
    agent = make_agent(spec.agent, spec.seed, spec.agent_kwargs)
    run_id = opaque_run_id()
    try:
        frame, info = env.reset()
        agent.reset(GameInfo(game_id=run_id, num_levels=info["num_levels"],
                             available_actions=info["available_actions"]))  # fmt: skip
        _play(env, agent, frame, info, [], run_id)
    except RemoteError as err:
        env.finish("crash", f"host: {err}")
    except AgentBudgetExceeded as err:
        env.finish("budget", f"agent budget: {err}")
    except Exception as err:
        env.finish("crash", f"agent raised {type(err).__name__}: {err}")
    finally:
        host.close()
    info = getattr(env, "info", {"levels_completed": 0, "num_levels": 0, "state": "NOT_FINISHED"})
    end, detail = env.end or ("win", None)
    result = RunResult(
        game_id=spec.game_id, run=spec.run, path=spec.path.with_suffix(".remote.json"), verified=False,
        levels_completed=info["levels_completed"], num_levels=info["num_levels"], actions=env.action_count,
        level_actions=[], end=end, detail=detail or f"recorded by the host at {target.url} (guid {env.guid})",
        hosted=True,
    )  # fmt: skip
    result.path.write_text(result.model_dump_json(indent=1) + "\n")
    return result


def _play(env: Any, agent: Any, frame: Any, info: dict[str, Any], budgets: list[int], run_id: str) -> None:
    """Play until WIN, the budget or an invalid action; ``env`` is a recorded local env or a RemoteGame."""
    from arcgames.remote import RunEnded

    try:
        _play_steps(env, agent, frame, info, budgets, run_id)
    except RunEnded as err:  # the host ended the run (its budgets, its run count)
        env.finish(err.reason, detail=err.detail)


def _play_steps(env: Any, agent: Any, frame: Any, info: dict[str, Any], budgets: list[int], run_id: str) -> None:
    observe = getattr(agent, "observe", None)
    while True:
        if info["level"] < len(budgets) and info["level_action_count"] >= budgets[info["level"]]:
            env.finish("budget", detail=f"level {info['level'] + 1} budget of {budgets[info['level']]} actions spent")
            return
        action = agent.act(frame, agent_view(info, run_id))
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

            observe(Transition(action=action, frame=frame, info=agent_view(info, run_id), reward=reward))
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
    remote: str | None = None,
    api_key: str | None = None,
) -> EvalResult:
    """Evaluate an agent (built-in name or ``package.module:Class``) on games, recording every run.

    Each level's action budget is ``budget_factor`` x its baseline count (human where
    known, else solver), capped by ``max_actions`` if given. Runs already finished in
    ``out`` by the same evaluation (same agent, arguments, games, runs and budgets) are
    kept and not re-run, so calling this again resumes an interrupted evaluation; a
    folder holding another evaluation's runs is refused. Every run plays in a fresh
    process; ``workers`` of them at a time. ``executor="ray"`` runs them as Ray tasks
    instead (``ray_address`` joins a cluster; needs the ``arcgames[ray]`` extra), one
    task per worker process, writing the same recordings. ``remote`` plays the games of
    the host at that URL instead (``arcgames serve``; ``api_key`` is its key), on one
    scorecard: the host records and scores every run, and its final scorecard is returned.
    """
    if executor not in ("process", "ray"):
        raise ValueError(f"unknown executor {executor!r}; use 'process' or 'ray'")
    load_agent_factory(agent)  # fail early with a clear message
    if runs < 1 or workers < 1:
        raise ValueError(f"runs and workers must be at least 1, got runs={runs}, workers={workers}")
    out_dir = _writable_folder(Path(out))
    if remote is not None:
        return _evaluate_remote(agent, remote, api_key, runs, seed, out_dir, workers, agent_kwargs or {}, console)
    selection = games if isinstance(games, str) else ",".join(games)
    environ = None if executor == "ray" else dict(os.environ)
    specs = []
    for game_id in resolve_games(games):
        budgets = [max(1, round(budget_factor * n)) for n in _baseline_counts(game_id)]
        if max_actions is not None:
            budgets = [min(b, max_actions) for b in budgets]
        for run in range(runs):
            specs.append(RunSpec(game_id=game_id, run=run, seed=seed + run, agent=agent,
                                 agent_kwargs=agent_kwargs or {}, budgets=budgets, out_dir=out_dir, games=selection,
                                 runs=runs, budget_factor=budget_factor, environ=environ))  # fmt: skip
    _check_resumable(out_dir, specs)
    done = [read_result(s.path, _num_levels(s.game_id)) for s in specs if s.path.exists()]
    todo = [s for s in specs if not s.path.exists()]
    run_all = _run_all_ray if executor == "ray" else _run_all
    results = done + run_all(todo, workers, console or Console(stderr=True), already=len(done), address=ray_address)
    return EvalResult(agent=agent, out_dir=out_dir, runs=sorted(results, key=lambda r: (r.game_id, r.run)))


def _evaluate_remote(
    agent: str,
    url: str,
    api_key: str | None,
    runs: int,
    seed: int,
    out_dir: Path,
    workers: int,
    agent_kwargs: dict[str, Any],
    console: Console | None,
) -> EvalResult:
    """Every game of a host, ``runs`` times each (the host's own count in a competition), on one scorecard."""
    from arcgames.remote import RemoteHost, hosted_games, open_card

    if any(out_dir.glob("*.remote.json")):
        raise ValueError(f"--out {out_dir} holds an earlier remote evaluation; a host's scorecard cannot be "
                         "resumed from here: use a new --out folder")  # fmt: skip
    host = RemoteHost(url, api_key)
    try:
        games, host_runs = hosted_games(host)
        runs = host_runs or runs
        card_id = open_card(host, ["agent"])
        specs = [
            RunSpec(game_id=game_id, run=run, seed=seed + run, agent=agent, agent_kwargs=agent_kwargs, budgets=[],
                    out_dir=out_dir, games="remote", runs=runs, budget_factor=0.0, environ=dict(os.environ),
                    remote=RemoteTarget(url=url, api_key=api_key, card_id=card_id, game_id=game_id))
            for game_id in games for run in range(runs)
        ]  # fmt: skip
        try:
            results = _run_all(specs, workers, console or Console(stderr=True), already=0, address=None)
        finally:
            scorecard = host.request("POST", "/api/scorecard/close", {"card_id": card_id})
    finally:
        host.close()
    (out_dir / "scorecard.json").write_text(json.dumps(scorecard, indent=1) + "\n")
    ordered = sorted(results, key=lambda r: (r.game_id, r.run))
    return EvalResult(agent=agent, out_dir=out_dir, runs=ordered, scorecard=scorecard)


def _writable_folder(out_dir: Path) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".write-test"
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise ValueError(f"--out {out_dir} is not a writable folder ({err.strerror}); choose another") from None
    return out_dir


def _check_resumable(out_dir: Path, specs: list[RunSpec]) -> None:
    """Refuse a folder whose finished runs belong to another evaluation: resuming must never mix two."""
    expected = {spec.path.name: spec for spec in specs}
    for path in sorted(out_dir.glob("*.jsonl")):
        spec = expected.get(path.name)
        try:
            header = read_recording(path).header
        except RecordingError as err:
            raise ValueError(f"--out {out_dir} holds an unreadable recording ({err}); use a new --out folder") from None
        if spec is None or header.evaluation != spec.settings or header.seed != spec.seed:
            recorded = header.evaluation
            what = (
                f"agent {recorded.agent!r} on {recorded.games!r}, {recorded.runs} runs, "
                f"budgets x{recorded.budget_factor}"
                if recorded
                else f"a {header.mode} recording by {header.player!r}"
            )
            raise ValueError(
                f"--out {out_dir} holds runs of another evaluation ({path.name}: {what}); resuming only continues "
                "the same agent, arguments, games, runs and budgets. Use a new --out folder, or remove that one"
            )


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
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=worker_context(), max_tasks_per_child=1,
            initializer=exit_with_parent, initargs=(os.getpid(),),
        )  # fmt: skip
        with pool:
            try:
                for future in as_completed([pool.submit(play_run, spec) for spec in specs]):
                    record(future.result())
            except BrokenProcessPool:
                raise EvaluationInterrupted(
                    f"a worker process died after {len(results)} of {len(specs)} runs; finished runs are saved "
                    "in the output folder, and running the same evaluation again resumes the rest"
                ) from None
    return results


def worker_context() -> multiprocessing.context.BaseContext:
    """A fork server where the platform has one (a new process per run for milliseconds), else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["arcgames.evaluate"])
    return context


def exit_with_parent(parent_pid: int, interval_s: float = 0.5) -> None:
    """Worker initializer: end this worker when the evaluation's main process is gone.

    A killed ``arcgames eval`` must not leave workers writing into its output folder: the
    worker's parent (the fork server) exits with the main process, and this thread notices.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # alive, owned by someone else (pid reuse): keep watching the parent
                pass
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _run_all_ray(specs: list[RunSpec], workers: int, console: Console, already: int, address: str | None):
    """The same runs as Ray tasks; each task writes its recording to the shared output folder."""
    try:
        import ray
    except ImportError:
        raise ValueError("--executor ray needs Ray: pip install 'arcgames[ray]'") from None
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                 log_to_driver=False)  # fmt: skip
    remote = ray.remote(max_calls=1)(play_run)  # one run per worker process: no memory across runs
    with _RunProgress(console, len(specs) + already, already) as progress:
        pending = [remote.remote(spec) for spec in specs]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            progress.record(ray.get(ready[0]))
        return progress.results
