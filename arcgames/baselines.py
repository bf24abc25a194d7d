"""Baseline action counts per level: what efficiency is measured against.

Two sources, always labelled:
- ``human``: built by :func:`build_human_baselines` from real first-play human
  recordings with ARC-AGI-3's rules — per level the upper median of completers' action
  counts, used only where at least ``MIN_COMPLETERS`` people completed the level, and
  only for games that pass the human test: at least ``MIN_COMPLETERS`` first-time
  players solved every level (a game nobody can finish measures nothing about people);
- ``solver``: the solver's minimal counts shipped in ``games/solver_counts.json``, the
  fallback for every level without a human baseline. A lower bound on any player's
  count, never passed off as human data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from arcgames.registry import game_origin, get_game, list_games
from arcgames.solver import solve

SOLVER_COUNTS_FILE = "solver_counts.json"
MIN_COMPLETERS = 2


class LevelBaseline(BaseModel):
    count: int
    source: Literal["human", "solver"]
    completers: int | None = None  # human baselines: how many first-time players completed the level
    study: str = ""  # human baselines: the study (or studies) the players came from, where named


class Baseline(BaseModel):
    """The count each level of a game is measured against, with where each count came from."""

    game_id: str
    levels: list[LevelBaseline]

    @property
    def counts(self) -> list[int]:
        return [level.count for level in self.levels]

    @property
    def provenance(self) -> str:
        """``solver``, ``human (N players)`` or a mix, for tables and pages."""
        human = [lv for lv in self.levels if lv.source == "human"]
        if not human:
            return "solver"
        players = max(lv.completers or 0 for lv in human)
        kind = (
            "human" if len(human) == len(self.levels) else f"human for {len(human)}/{len(self.levels)} levels, solver"
        )
        studies = sorted({lv.study for lv in human if lv.study})
        return f"{kind} ({''.join(f'study {name}, ' for name in studies)}up to {players} players)"


class HumanLevel(BaseModel):
    count: int | None  # upper median of completers' actions; None when fewer than MIN_COMPLETERS completed it
    completers: int
    # ok: the level's baseline; insufficient: too few completers; game_not_validated: the count stands, but
    # the game failed the human test, so no level of it is a baseline (solver counts, labelled, instead)
    status: Literal["ok", "insufficient", "game_not_validated"]


class HumanGame(BaseModel):
    game_version: str
    players: int  # first-time players with a verified recording of this game
    levels: list[HumanLevel]
    full_completers: int = 0  # first-time players who solved every level
    validated: bool = False  # the human test: at least MIN_COMPLETERS full completers

    def failures(self, game_id: str) -> list[str]:
        """What failed the human test, for the author to redesign: the game, then each level."""
        problems = []
        if not self.validated:
            problems.append(f"game {game_id}: {self.full_completers} of {self.players} first-time players solved "
                            f"every level; the human test needs {MIN_COMPLETERS}")  # fmt: skip
        for number, level in enumerate(self.levels, start=1):
            if level.completers < MIN_COMPLETERS:
                problems.append(f"game {game_id} level {number}: {level.completers} of {self.players} players "
                                f"completed it; a baseline needs {MIN_COMPLETERS}")  # fmt: skip
        return problems


class HumanBaselines(BaseModel):
    """A human baseline file: provenance first, then per-game, per-level statistics."""

    provenance: Literal["human"] = "human"
    description: str = (
        "upper median of first-time players' action counts per level, completers only; games where at least "
        "min_completers first-time players solved every level"
    )
    built_at: datetime
    min_completers: int = MIN_COMPLETERS
    study: str = ""  # the study the recordings came from, where one is named (provenance)
    games: dict[str, HumanGame]

    def failures(self) -> list[str]:
        """Every game and level that failed the human test."""
        return [problem for game_id, game in self.games.items() for problem in game.failures(game_id)]


class StaleBaselineError(ValueError):
    """Baseline counts that no longer match the installed game."""


@cache
def _counts_file(path: Path) -> dict[str, dict]:
    return json.loads(path.read_text()) if path.is_file() else {}


def solver_counts_path(game_id: str) -> Path:
    """Solver counts live beside the game files: games/ for bundled games, the pack folder for packs."""
    return game_origin(game_id).parent / SOLVER_COUNTS_FILE


def solver_counts(game_id: str) -> list[int]:
    """The solver's minimal action count for each level of a game (source: solver)."""
    game = get_game(game_id)
    path = solver_counts_path(game_id)
    entry = _counts_file(path).get(game_id)
    if entry is None or entry["version"] != game.version or len(entry["counts"]) != game.num_levels:
        raise StaleBaselineError(
            f"no solver counts for game {game_id} version {game.version} in {path}; "
            "run `arcgames solve --write-counts` (add --pack DIR for a pack) to regenerate them"
        )
    return list(entry["counts"])


def upper_median(values: list[int]) -> int:
    """The upper median: the middle value, or the larger of the two middle values."""
    return sorted(values)[len(values) // 2]


def build_human_baselines(
    paths: list[Path], study: str = "", expected: list[str] | None = None
) -> tuple[HumanBaselines, list[str]]:
    """Human baselines from recordings; returns the baselines and why each skipped file was skipped.

    Only verified first plays by humans count: a second play of a game measures
    memory, not skill acquisition. ``expected``: games the study played, so that one with
    no usable recording at all is still reported (0 players, failed) rather than missing.
    """
    from arcgames.recording import read_recording
    from arcgames.replay import verify

    per_game: dict[str, list[list[int]]] = {}
    skipped = []
    for path in paths:
        check = verify(path)
        if not check.ok:
            skipped.append(f"{path}: not verified: {check.reason}")
            continue
        header = read_recording(path).header
        if header.player_kind != "human":
            skipped.append(f"{path}: played by an agent, not a human")
        elif header.first_play is not True:
            skipped.append(f"{path}: not a first play of game {header.game_id}")
        elif header.start_level != 0:
            skipped.append(f"{path}: started at level {header.start_level + 1}, not level 1")
        else:
            per_game.setdefault(header.game_id, []).append(check.level_actions)
    for game_id in expected or []:
        per_game.setdefault(game_id, [])
    games = {game_id: human_game(game_id, plays) for game_id, plays in sorted(per_game.items())}
    return HumanBaselines(built_at=datetime.now(UTC), study=study, games=games), skipped


def human_game(game_id: str, plays: list[list[int]]) -> HumanGame:
    """ARC-AGI-3's rules over one game's first plays (each the action counts of the levels it completed)."""
    game = get_game(game_id)
    full = sum(1 for play in plays if len(play) >= game.num_levels)
    validated = full >= MIN_COMPLETERS
    levels = []
    for level in range(game.num_levels):
        counts = [play[level] for play in plays if len(play) > level]
        enough = len(counts) >= MIN_COMPLETERS
        status = ("ok" if validated else "game_not_validated") if enough else "insufficient"
        levels.append(HumanLevel(count=upper_median(counts) if enough else None, completers=len(counts),
                                 status=status))  # fmt: skip
    return HumanGame(game_version=game.version, players=len(plays), levels=levels, full_completers=full,
                     validated=validated)  # fmt: skip


def load_human_baselines(path: Path) -> HumanBaselines:
    try:
        return HumanBaselines.model_validate_json(Path(path).read_text())
    except OSError as err:
        raise ValueError(f"cannot read baseline file {path}: {err.strerror}") from None
    except ValidationError as err:
        raise ValueError(f"{path} is not a human baseline file: {err.errors()[0]['msg']}") from None


def baseline_for(game_id: str, human_file: Path | None = None) -> Baseline:
    """Each level's baseline: human where the file has enough completers, else solver (labelled)."""
    levels = [LevelBaseline(count=n, source="solver") for n in solver_counts(game_id)]
    if human_file is not None:
        human = _human(Path(human_file)).games.get(game_id)
        if human is not None:
            if human.game_version != get_game(game_id).version:
                raise StaleBaselineError(
                    f"{human_file} was built for game {game_id} version {human.game_version}, but version "
                    f"{get_game(game_id).version} is installed; rebuild it from recordings of this version"
                )
            if len(human.levels) != len(levels):
                raise StaleBaselineError(
                    f"{human_file}: game {game_id} has {len(levels)} levels, the file lists {len(human.levels)}"
                )
            study = _human(Path(human_file)).study
            for i, level in enumerate(human.levels):
                if level.status == "ok" and level.count:
                    levels[i] = LevelBaseline(count=level.count, source="human", completers=level.completers,
                                              study=study)  # fmt: skip
    return Baseline(game_id=game_id, levels=levels)


@cache
def _human(path: Path) -> HumanBaselines:
    return load_human_baselines(path)


def level_budgets(game_id: str, human_file: Path | None = None) -> list[int]:
    """The per-level counts that action budgets scale from."""
    return baseline_for(game_id, human_file).counts


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


def write_solver_counts(game_ids: list[str] | None = None) -> dict[Path, list[str]]:
    """Solve the games and write each one's counts beside its file; returns the files written."""
    written: dict[Path, list[str]] = {}
    for game_id, entry in compute_solver_counts(game_ids).items():
        path = solver_counts_path(game_id)
        table = _counts_file(path) | {game_id: entry}
        path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
        _counts_file.cache_clear()
        written.setdefault(path, []).append(game_id)
    return written
