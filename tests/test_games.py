"""One parametrised module over every registered game: a new file in games/ is picked up here.

Each game must pass Gymnasium's checker, have 5+ levels, an opaque id, a composition of
primitives, solvable levels whose solver solutions replay through the env, and
deterministic frames; the suite as a whole must cover both splits.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from helpers import frame_hash

import arcgames
import arcgames.games
from arcgames.actions import ActionCodec
from arcgames.baselines import solver_counts
from arcgames.game import Game
from arcgames.solver import solve

GAME_IDS = arcgames.list_games()
LEVELS = [(game_id, level) for game_id in GAME_IDS for level in range(arcgames.get_game(game_id).num_levels)]


@cache
def docstrings() -> dict[str, str]:
    """Game id -> the docstring of the module that defines it (authors only)."""
    found = {}
    for info in pkgutil.iter_modules(arcgames.games.__path__):
        module = importlib.import_module(f"arcgames.games.{info.name}")
        if isinstance(getattr(module, "GAME", None), Game):
            found[module.GAME.id] = module.__doc__ or ""
    return found


def random_action(rng: np.random.Generator, mask: np.ndarray, codec: ActionCodec) -> int:
    """A random allowed flat index; for click games half the draws are the few simple actions."""
    allowed = np.flatnonzero(mask)
    simple = allowed[allowed < len(codec.simple)]
    pool = simple if len(simple) and rng.random() < 0.5 else allowed
    return int(rng.choice(pool))


@pytest.mark.parametrize("game_id", GAME_IDS)
def test_check_env(game_id: str) -> None:
    check_env(arcgames.make(game_id, render_mode="rgb_array").unwrapped, skip_render_check=False)


@pytest.mark.parametrize("game_id", GAME_IDS)
def test_definition(game_id: str) -> None:
    game = arcgames.get_game(game_id)
    assert game.num_levels >= 5, "a game needs at least 5 levels"
    primitives = {*game.rules, *game.win, *game.lose}
    assert len(primitives) >= 2, "a game composes at least two primitives (rules + win + lose)"
    assert game.split in ("public", "evaluation")


@pytest.mark.parametrize("game_id", GAME_IDS)
def test_id_is_opaque(game_id: str) -> None:
    game = arcgames.get_game(game_id)
    assert re.fullmatch(r"[a-z0-9]{4}", game_id)
    words = re.findall(r"[a-z0-9]+", game.title.lower())
    for word in words:
        pieces = {word[i : i + 3] for i in range(len(word) - 2)}
        assert not any(piece in game_id for piece in pieces), f"id {game_id!r} gives away the title word {word!r}"


@pytest.mark.parametrize("game_id", GAME_IDS)
def test_agent_data_never_contains_title_or_docstring(game_id: str) -> None:
    game = arcgames.get_game(game_id)
    secrets = [game.title.lower()] + [
        line.strip().lower() for line in docstrings().get(game_id, "").splitlines() if len(line.strip()) >= 12
    ]
    env = arcgames.make(game_id, render_mode="ansi")
    obs, info = env.reset(seed=0)
    seen = [repr(info), env.render(), repr(env.spec)]
    rng = np.random.default_rng(0)
    for _ in range(20):
        obs, _, terminated, _, info = env.step(random_action(rng, info["action_mask"], env.unwrapped.codec))
        seen.append(repr(info))
        if terminated and info["state"] == "WIN":
            env.reset()
    assert obs.dtype == np.uint8 and obs.max() < 16
    leaks = [s for s in secrets if any(s in text.lower() for text in seen)]
    assert not leaks, f"agent-facing data contains author-only text: {leaks}"


@pytest.mark.parametrize(("game_id", "level"), LEVELS)
def test_solver_solves_the_level_and_the_solution_replays(game_id: str, level: int) -> None:
    game = arcgames.get_game(game_id)
    assert not all(win(game.parsed[level].start) for win in game.win), "the level is won before any action"
    solution = solve(game, level)
    assert solution is not None, f"level {level + 1} of {game_id} cannot be won"
    assert solution.length == solver_counts(game_id)[level], "games/solver_counts.json disagrees: rerun --write-counts"

    env = arcgames.make(game_id)
    _, info = env.reset(options={"level": level})
    assert info["level"] == level
    codec = env.unwrapped.codec
    rewards = []
    for action in solution.actions:
        assert info["state"] == "NOT_FINISHED"
        _, reward, terminated, _, info = env.step(codec.encode(action))
        rewards.append(reward)
    assert rewards == [0.0] * (solution.length - 1) + [1.0]
    assert (info["levels_completed"], info["action_count"]) == (1, solution.length)
    if level + 1 == game.num_levels:
        assert (terminated, info["state"]) == (True, "WIN")
    else:
        assert (terminated, info["state"], info["level"]) == (False, "NOT_FINISHED", level + 1)


@pytest.mark.parametrize("game_id", GAME_IDS)
def test_same_seed_and_actions_give_the_same_frames(game_id: str) -> None:
    runs = []
    for _ in range(2):
        env = arcgames.make(game_id, seed=123)
        obs, info = env.reset()
        rng = np.random.default_rng(2024)
        hashes = [frame_hash(obs)]
        for _ in range(300):
            obs, reward, terminated, truncated, info = env.step(
                random_action(rng, info["action_mask"], env.unwrapped.codec)
            )
            hashes.append((frame_hash(obs), reward, terminated, truncated, info["state"]))
            if terminated and info["state"] == "WIN":
                obs, info = env.reset()
                hashes.append(frame_hash(obs))
        runs.append(hashes)
    assert runs[0] == runs[1]


def test_both_splits_have_at_least_two_games() -> None:
    public, evaluation = arcgames.list_games("public"), arcgames.list_games("evaluation")
    assert len(public) >= 2, f"public games: {public}"
    assert len(evaluation) >= 2, f"evaluation games: {evaluation}"
    assert sorted(public + evaluation) == GAME_IDS


def test_suite_shape_meets_the_benchmark_design() -> None:
    """20+ games split evenly, 80+ levels, 12+ primitives, every prior in 3+ games, clicks, undo, generators."""
    from arcgames.actions import ActionId
    from arcgames.game import KNOWN_PRIORS
    from arcgames.primitives import CONDITIONS, RULES
    from arcgames.registry import game_origin

    games = [arcgames.get_game(g) for g in arcgames.list_games()]
    bundled = [g for g in games if game_origin(g.id).parent.name == "games"]
    assert len(arcgames.list_games("public")) >= 10 and len(arcgames.list_games("evaluation")) >= 10
    assert sum(g.num_levels for g in bundled) >= 80
    assert len(RULES) + len(CONDITIONS) >= 12
    for prior in sorted(KNOWN_PRIORS):
        covering = [g.id for g in bundled if g.card and prior in g.card.priors]
        assert len(covering) >= 3, f"prior {prior} is covered by {covering} only"
    assert sum(ActionId.ACTION6 in g.actions for g in bundled) >= 4
    assert sum(ActionId.ACTION7 in g.actions for g in bundled) >= 3
    generated = [g.id for g in bundled if hasattr(importlib.import_module(f"arcgames.games.{game_origin(g.id).stem}"),
                                                  "generate")]  # fmt: skip
    assert len(generated) >= 4
    mechanics = [frozenset(g.primitives) for g in bundled]
    assert len(set(mechanics)) == len(mechanics), "two games are composed of exactly the same primitives"
