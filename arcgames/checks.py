"""Game checks for authors and pack maintainers: Gymnasium's env checker, determinism, solvability."""

from __future__ import annotations

import warnings

import numpy as np
from gymnasium.utils.env_checker import check_env
from pydantic import BaseModel

from arcgames.env import make
from arcgames.recording import frame_hash
from arcgames.registry import get_game
from arcgames.solver import SolverLimitError, solve


class GameCheck(BaseModel):
    game_id: str
    check_env: str  # "ok" or the failure
    deterministic: bool
    solver_counts: list[int | None]  # None: unsolvable or over the search budget
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def frame_hashes(game_id: str, seed: int, steps: int) -> list[str]:
    """Frame hashes of a seeded random play: equal lists from two runs mean a deterministic game."""
    env = make(game_id)
    rng = np.random.default_rng(seed)
    frame, _ = env.reset(seed=seed)
    hashes = [frame_hash(frame)]
    allowed = np.arange(env.action_space.n)
    for _ in range(steps):
        frame, _, _, _, info = env.step(int(rng.choice(allowed)))
        hashes.append(frame_hash(frame))
        # After GAME_OVER only RESET is allowed (the mask says so); after WIN only reset().
        if info["state"] == "WIN" or (info["state"] == "GAME_OVER" and rng.random() < 0.5):
            frame, info = env.reset(seed=seed)
        allowed = np.flatnonzero(info["action_mask"])
    return hashes


def check_game(game_id: str, steps: int = 300) -> GameCheck:
    """Run every check on one game and collect the problems instead of stopping at the first."""
    game = get_game(game_id)
    problems = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_env(make(game_id).unwrapped, skip_render_check=False)
        env_status = "ok"
    except Exception as err:  # check_env raises assorted types; report whatever it found
        env_status = f"{type(err).__name__}: {err}"
        problems.append(f"check_env: {env_status}")
    deterministic = frame_hashes(game_id, 1, steps) == frame_hashes(game_id, 1, steps)
    if not deterministic:
        problems.append("two plays with the same seed and actions gave different frames")
    counts: list[int | None] = []
    for level in range(game.num_levels):
        try:
            solution = solve(game, level)
        except SolverLimitError as err:
            solution = None
            problems.append(str(err))
        else:
            if solution is None:
                problems.append(f"level {level + 1} is unsolvable")
        counts.append(solution.length if solution else None)
    return GameCheck(game_id=game_id, check_env=env_status, deterministic=deterministic, solver_counts=counts,
                     problems=problems)  # fmt: skip
