"""The exploit audit: can blind play beat a level without learning anything about it?

Five strategies play every level, each through the public env API only
(:func:`arcgames.make`, the agent-facing ``info`` of :func:`arcgames.agent.agent_view`):

- ``uniform``: the random agent, uniform over the available actions and the frame's pixels;
- ``aimed``: the random agent with clicks aimed at non-background pixels (read from the frame),
  played only in games with clicks: elsewhere it is the uniform strategy, and counting it
  twice would make every level that falls to chance fall to "two" strategies;
- ``repeat``: one action over and over, one play per action: each simple action in turn, and
  a click on each object of the level's first frame;
- ``frame-change``: :class:`FrameChangeAgent`, which prefers actions that changed the frame
  and backs off the rest;
- ``explorer``: the explorer agent (``arcgames/agents/explorer.py``), a systematic search.

Each play starts at the level (``env.reset(options={"level": k})``) and has the largest
budget, ``max(BUDGET_FACTORS)`` times the level's solver count. A winning play records how
many actions it took, which decides every smaller budget as well: none of the strategies
knows its budget, so under a smaller one it would have played the same first actions.

The suite's goals (issue 15), at the 5x budget: each strategy beats under 5% of the
levels it plays (one play of it beats, on average over those levels, under 5% of them: the
mean share of winning plays), and no level falls to more than one strategy, where a level
*falls* to a strategy when at least ``FALLS_AT`` of its plays win. A level that falls is
redesigned, not hidden (docs/authoring.md).

Plays are seeded, so an audit is reproducible; levels run in parallel worker processes.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
from pydantic import BaseModel, computed_field

from arcgames.actions import Action, ActionId
from arcgames.agent import Agent, GameInfo, agent_view, opaque_run_id
from arcgames.agents.explorer import ExplorerAgent, object_clicks
from arcgames.agents.random import RandomAgent
from arcgames.env import make
from arcgames.registry import PACKS_ENV, reload_games

BUDGET_FACTORS = (5, 20)  # budgets as multiples of the level's solver count; the goals are set at the smallest
GOAL_FACTOR = 5
GOAL_SHARE = 0.05  # each strategy must beat under this share of the suite's levels at GOAL_FACTOR
# One winning play in ten: a level that blind play beats this often can be farmed by retrying it.
FALLS_AT = 0.1
MAX_CLICKS = 64  # clicks per frame the repeat and frame-change strategies consider, as the explorer does


class RepeatAgent:
    """Plays one action over and over (RESET after GAME_OVER, then the same action again)."""

    name = "repeat"

    def __init__(self, action: Action) -> None:
        self.action = action

    def reset(self, game: GameInfo) -> None:
        pass

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action:
        return Action.RESET if info["state"] == "GAME_OVER" else self.action


def repeat_actions(frame: np.ndarray, available: Sequence[ActionId], max_clicks: int = MAX_CLICKS) -> list[Action]:
    """What the repeat strategy repeats: each simple action but RESET and undo, and a click on each object."""
    simple = [Action(a) for a in available if a not in (ActionId.RESET, ActionId.ACTION6, ActionId.ACTION7)]
    clicks = object_clicks(frame, max_clicks) if ActionId.ACTION6 in available else []
    return simple + clicks


class FrameChangeAgent:
    """A frame-change search: keep doing what changes the screen, back off what does not.

    Each candidate action (the simple actions but RESET and undo, and a click per object
    on screen) has a weight. An action that shows a frame not seen before on this level
    doubles its weight and is repeated at once; one that shows a known frame (nothing
    happened, or it undid itself, as a toggle clicked twice does) loses three quarters of
    its weight; one that led to GAME_OVER drops to the floor. The next action is drawn by
    weight. It reads nothing but frames, so it is what a player who only watches for
    change would do.
    """

    name = "frame-change"
    GROW, SHRINK, CAP, FLOOR = 2.0, 0.25, 8.0, 1 / 64

    def __init__(self, seed: int = 0, max_clicks: int = MAX_CLICKS) -> None:
        self.seed, self.max_clicks = seed, max_clicks
        self.reset(None)

    def reset(self, game: GameInfo | None) -> None:
        self.rng = np.random.default_rng(self.seed)
        self._new_level(-1)

    def _new_level(self, level: int) -> None:
        self.level = level
        self.weights: dict[Action, float] = {}
        self.seen: set[int] = set()
        self.arms: dict[int, list[Action]] = {}  # candidate actions per frame hash
        self.last: Action | None = None

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action:
        if info["level"] != self.level:
            self._new_level(info["level"])
        if info["state"] == "GAME_OVER":
            if self.last is not None:
                self.weights[self.last] = self.FLOOR
            self.last = None
            return Action.RESET
        key = zlib.crc32(np.ascontiguousarray(frame))
        novel = key not in self.seen
        self.seen.add(key)
        if self.last is not None:
            weight = self.weights.get(self.last, 1.0)
            if novel:
                self.weights[self.last] = min(weight * self.GROW, self.CAP)
                return self.last
            self.weights[self.last] = max(weight * self.SHRINK, self.FLOOR)
        if key not in self.arms:
            self.arms[key] = repeat_actions(frame, info["available_actions"], self.max_clicks)
        arms = self.arms[key]
        weights = np.array([self.weights.get(a, 1.0) for a in arms])
        self.last = arms[int(self.rng.choice(len(arms), p=weights / weights.sum()))]
        return self.last


@dataclass(frozen=True)
class Strategy:
    name: str
    # The agents of a level's plays, from the level's first frame, its available actions and one seed per play.
    agents: Callable[[np.ndarray, Sequence[ActionId], list[int]], list[Agent]]
    clicks_only: bool = False  # played only where ACTION6 is available


STRATEGIES = {
    s.name: s
    for s in (
        Strategy("uniform", lambda frame, available, seeds: [RandomAgent(seed) for seed in seeds]),
        Strategy(
            "aimed",
            lambda frame, available, seeds: [RandomAgent(seed, click_objects=True) for seed in seeds],
            clicks_only=True,
        ),
        Strategy("repeat", lambda frame, available, seeds: [RepeatAgent(a) for a in repeat_actions(frame, available)]),
        Strategy("frame-change", lambda frame, available, seeds: [FrameChangeAgent(seed) for seed in seeds]),
        Strategy("explorer", lambda frame, available, seeds: [ExplorerAgent(seed) for seed in seeds]),
    )
}


class StrategyResult(BaseModel):
    """One strategy's plays on one level."""

    plays: int
    win_actions: list[int]  # for each winning play (within the largest budget), the actions it took; ascending
    budgets: dict[int, int]  # budget factor -> that budget in actions

    def wins(self, factor: int) -> int:
        return sum(n <= self.budgets[factor] for n in self.win_actions)

    def share(self, factor: int) -> float:
        """The share of plays that beat the level within ``factor`` times its solver count."""
        return self.wins(factor) / self.plays if self.plays else 0.0

    @computed_field
    @property
    def beaten(self) -> dict[str, float]:
        """Share of winning plays per budget, keyed ``"5x"``, ``"20x"``."""
        return {f"{factor}x": self.share(factor) for factor in self.budgets}


class LevelAudit(BaseModel):
    game_id: str
    level: int  # 1-based
    solver_actions: int
    strategies: dict[str, StrategyResult]

    def falls_to(self, factor: int) -> list[str]:
        """The strategies that beat this level at ``factor`` times its solver count."""
        return [name for name, result in self.strategies.items() if result.share(factor) >= FALLS_AT]


class Goal(BaseModel):
    """One target of the suite, measured: what it asks, what was measured, whether it holds."""

    name: str
    target: str
    value: str
    passed: bool


class SuiteAudit(BaseModel):
    plays: int
    seed: int
    strategies: list[str]
    factors: tuple[int, ...] = BUDGET_FACTORS
    falls_at: float = FALLS_AT
    levels: list[LevelAudit]

    def played(self, strategy: str) -> list[LevelAudit]:
        """The levels ``strategy`` played (``aimed`` plays only games with clicks)."""
        return [lv for lv in self.levels if strategy in lv.strategies]

    def fallen(self, strategy: str, factor: int) -> list[LevelAudit]:
        """The levels that fall to ``strategy`` at ``factor`` times their solver count."""
        return [lv for lv in self.levels if strategy in lv.falls_to(factor)]

    def mean_share(self, strategy: str, factor: int) -> float:
        """The share of the levels it played that one play of ``strategy`` beats, on average: the goal's measure."""
        shares = [lv.strategies[strategy].share(factor) for lv in self.played(strategy)]
        return float(np.mean(shares)) if shares else 0.0

    def fall_to_several(self, factor: int) -> list[LevelAudit]:
        return [lv for lv in self.levels if len(lv.falls_to(factor)) > 1]

    @computed_field
    @property
    def goals(self) -> list[Goal]:
        """Issue 15's audit goals at the 5x budget, each PASS or FAIL."""
        goals = []
        for name in self.strategies:
            share, played = self.mean_share(name, GOAL_FACTOR), len(self.played(name))
            goals.append(Goal(name=f"{name} beats under {GOAL_SHARE:.0%} of levels at {GOAL_FACTOR}x",
                              target=f"< {GOAL_SHARE:.0%}", value=f"{share:.1%} of {played}",
                              passed=share < GOAL_SHARE))  # fmt: skip
        several = self.fall_to_several(GOAL_FACTOR)
        goals.append(Goal(name=f"no level falls to more than one strategy at {GOAL_FACTOR}x", target="0 levels",
                          value=f"{len(several)} levels", passed=not several))  # fmt: skip
        return goals

    @computed_field
    @property
    def summary(self) -> dict[str, dict[str, float | int]]:
        """Per strategy: the levels it played, and per budget the share of them one play beats on average
        (``beaten_5x``) and how many fall to it (``fallen_5x``)."""
        summary: dict[str, dict[str, float | int]] = {}
        for name in self.strategies:
            summary[name] = {"levels_played": len(self.played(name))}
            for f in self.factors:
                summary[name] |= {f"beaten_{f}x": self.mean_share(name, f), f"fallen_{f}x": len(self.fallen(name, f))}
        return summary


def play_seeds(seed: int, level: int, plays: int) -> list[int]:
    """Distinct, reproducible agent seeds for a level's plays."""
    return [int(s) for s in np.random.SeedSequence((seed, level)).generate_state(plays)]


def play_level(env: gym.Env, level: int, agent: Agent, budget: int, seed: int = 0) -> int | None:
    """Play ``agent`` on one level (0-based) for up to ``budget`` actions; the actions a win took, or None."""
    frame, info = env.reset(seed=seed, options={"level": level})
    run_id = opaque_run_id()
    agent.reset(GameInfo(game_id=run_id, num_levels=info["num_levels"], available_actions=info["available_actions"]))
    for actions in range(1, budget + 1):
        frame, reward, _, _, info = env.step(agent.act(frame, agent_view(info, run_id)))
        if reward:
            return actions
    return None


def audit_level(
    game_id: str, level: int, solver_actions: int, plays: int = 20, seed: int = 0,
    strategies: Sequence[str] = tuple(STRATEGIES), factors: Sequence[int] = BUDGET_FACTORS,
) -> LevelAudit:  # fmt: skip
    """Every strategy's plays on one level (0-based), each at the largest of the budgets ``factors``."""
    if plays < 1 or solver_actions < 1:
        raise ValueError(f"plays and the solver count must be at least 1, got {plays} and {solver_actions}")
    if GOAL_FACTOR not in factors or min(factors) < 1:
        raise ValueError(f"budget factors must be positive and include the goal's {GOAL_FACTOR}, got {list(factors)}")
    unknown = set(strategies) - set(STRATEGIES)
    if unknown:
        raise ValueError(f"unknown strategies {sorted(unknown)}; use some of {', '.join(STRATEGIES)}")
    budgets = {factor: factor * solver_actions for factor in sorted(factors)}
    env = make(game_id)
    frame, info = env.reset(options={"level": level})
    seeds = play_seeds(seed, level, plays)
    results = {}
    for name in strategies:
        if STRATEGIES[name].clicks_only and ActionId.ACTION6 not in info["available_actions"]:
            continue
        agents = STRATEGIES[name].agents(frame, info["available_actions"], seeds)
        wins = [play_level(env, level, agent, max(budgets.values()), seed) for agent in agents]
        results[name] = StrategyResult(plays=len(agents), win_actions=sorted(n for n in wins if n is not None),
                                       budgets=budgets)  # fmt: skip
    return LevelAudit(game_id=game_id, level=level + 1, solver_actions=solver_actions, strategies=results)


@dataclass(frozen=True)
class _Task:
    game_id: str
    level: int
    solver_actions: int
    plays: int
    seed: int
    strategies: tuple[str, ...]
    factors: tuple[int, ...]
    packs: str | None  # $ARCGAMES_PACKS of the caller: a fork-server worker may have started before --pack


def _run_task(task: _Task) -> LevelAudit:
    if os.environ.get(PACKS_ENV) != task.packs:
        os.environ.pop(PACKS_ENV, None)
        if task.packs is not None:
            os.environ[PACKS_ENV] = task.packs
        reload_games()
    return audit_level(task.game_id, task.level, task.solver_actions, task.plays, task.seed, task.strategies,
                       task.factors)  # fmt: skip


def audit_suite(
    game_ids: Sequence[str], plays: int = 20, seed: int = 0, workers: int = 1,
    strategies: Sequence[str] = tuple(STRATEGIES), factors: Sequence[int] = BUDGET_FACTORS,
    on_level: Callable[[LevelAudit], None] | None = None,
) -> SuiteAudit:  # fmt: skip
    """Audit every level of the games (solver counts from ``solver_counts.json``), ``workers`` levels at a time.

    ``on_level`` is called as each level finishes (for a progress bar). The result lists levels in
    game and level order whatever order they finished in, and does not depend on ``workers``.
    """
    from arcgames.baselines import solver_counts

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if not game_ids:
        raise ValueError("no games to audit: name some with --games, or a pack folder with --pack")
    packs = os.environ.get(PACKS_ENV)
    factors = tuple(sorted(factors))
    tasks = [_Task(game_id, level, count, plays, seed, tuple(strategies), factors, packs)
             for game_id in game_ids for level, count in enumerate(solver_counts(game_id))]  # fmt: skip
    audits = []
    if workers == 1 or len(tasks) < 2:
        for task in tasks:
            audits.append(_run_task(task))
            if on_level:
                on_level(audits[-1])
    else:
        from arcgames.evaluate import exit_with_parent, worker_context

        # The costliest levels first, so no worker is left with a long one at the end.
        ordered = sorted(tasks, key=lambda t: -t.solver_actions)
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=worker_context(),
                                 initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:  # fmt: skip
            try:
                for future in as_completed([pool.submit(_run_task, task) for task in ordered]):
                    audits.append(future.result())
                    if on_level:
                        on_level(audits[-1])
            except BaseException:  # Ctrl-C or a failed level: do not play the levels still queued
                pool.shutdown(cancel_futures=True)
                raise
    order = {(t.game_id, t.level + 1): i for i, t in enumerate(tasks)}
    audits.sort(key=lambda a: order[a.game_id, a.level])
    return SuiteAudit(plays=plays, seed=seed, strategies=list(strategies), factors=factors, levels=audits)
