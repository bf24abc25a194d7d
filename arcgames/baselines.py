"""Baseline action counts per level: what efficiency is measured against.

Shipped today: the solver's minimal counts (``games/solver_counts.json``), labelled
``solver`` wherever they are shown. They are a lower bound on any player's count,
never human data; human baselines built from first-play recordings take precedence
where they exist.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from arcgames.registry import get_game, list_games
from arcgames.solver import solve

SOLVER_COUNTS_FILE = "solver_counts.json"


class StaleBaselineError(ValueError):
    """Shipped solver counts that no longer match the installed game."""


@cache
def _shipped_solver_counts() -> dict[str, dict]:
    path = resources.files("arcgames.games") / SOLVER_COUNTS_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def solver_counts(game_id: str) -> list[int]:
    """The solver's minimal action count for each level of a game (source: solver)."""
    game = get_game(game_id)
    entry = _shipped_solver_counts().get(game_id)
    if entry is None or entry["version"] != game.version:
        raise StaleBaselineError(
            f"no solver counts for game {game_id} version {game.version}; "
            "run `arcgames solve --write-counts` to regenerate games/solver_counts.json"
        )
    return list(entry["counts"])


def level_budgets(game_id: str) -> list[int]:
    """The per-level counts that action budgets scale from."""
    return solver_counts(game_id)


def compute_solver_counts(game_ids: list[str] | None = None) -> dict[str, dict]:
    """Solve every level of the games and return the solver_counts.json content."""
    table = {}
    for game_id in game_ids or list_games():
        game = get_game(game_id)
        counts = []
        for level in range(game.num_levels):
            solution = solve(game, level)
            if solution is None:
                raise RuntimeError(f"game {game_id} level {level + 1} is unsolvable")
            counts.append(solution.length)
        table[game_id] = {"version": game.version, "source": "solver", "counts": counts}
    return table


def write_solver_counts(path: Path) -> dict[str, dict]:
    table = compute_solver_counts()
    path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    _shipped_solver_counts.cache_clear()
    return table
