"""The board's baseline sets: what every submission to a board is scored against.

A board never takes its yardstick from a submitter. Its first set is the solver's
minimal counts of every installed game (labelled ``solver``); later versions add human
baselines built only from recordings a host signed as first plays of its human
participants (:func:`human_baseline_set`), so agent runs can never be passed off as
human ones. A new version re-scores every stored submission (``arcgames leaderboard
baselines --update``).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from arcgames.baselines import (
    Baseline,
    HumanGame,
    LevelBaseline,
    StaleBaselineError,
    build_human_baselines,
    solver_counts,
)
from arcgames.leaderboard.store import BaselineSet, add_baselines, list_submissions
from arcgames.registry import get_game, list_games


def solver_baseline_set(description: str = "solver counts of every installed game") -> BaselineSet:
    """A baseline set of the solver's counts for every installed game that has current counts."""
    baselines, versions = {}, {}
    for game_id in list_games():
        try:
            counts = solver_counts(game_id)
        except StaleBaselineError:
            continue  # a game without current counts cannot be scored; submit names the fix
        baselines[game_id] = Baseline(game_id=game_id, levels=[LevelBaseline(count=n, source="solver") for n in counts])
        versions[game_id] = get_game(game_id).version
    return BaselineSet(version=0, created_at=datetime.now(UTC), description=description, game_versions=versions,
                       baselines=baselines)  # fmt: skip


def human_levels(folders: list[Path], conn: sqlite3.Connection) -> tuple[dict[str, HumanGame], int, str, list[str]]:
    """Human baselines from hosted scorecards of human participants: their first play of each game only.

    Each folder must carry a manifest signed by a host the board trusts, name a human participant,
    and hold exactly the signed recordings; anything else is skipped with the reason. Returns the
    per-game statistics, how many scorecards were used, the studies they name, and the reasons for what was skipped.
    """
    from arcgames.leaderboard.submit import SubmissionRejected, trusted_manifest

    first_plays, skipped, used, studies = [], [], 0, set()
    for folder in folders:
        try:
            manifest = trusted_manifest(conn, folder, sorted(folder.glob("*.jsonl")))
        except SubmissionRejected as err:
            skipped.append(f"{folder}: {err}")
            continue
        if manifest.player_kind != "human":
            skipped.append(f"{folder}: played by {manifest.participant!r}, whom the host registered as an agent")
            continue
        first_plays += [folder / entry.file for entry in manifest.recordings if entry.run == 0]
        used += 1
        studies |= {manifest.study} - {""}
    study = "+".join(sorted(studies))
    built, reasons = build_human_baselines(first_plays, study=study)
    return built.games, used, study, skipped + reasons


def update_baselines(
    conn: sqlite3.Connection, human_folders: list[Path] | None = None
) -> tuple[BaselineSet, list[str]]:
    """A new baseline version: solver counts of the installed games, human counts where hosted studies have
    enough completers; every stored submission is re-scored against it in the same transaction."""
    from arcgames.leaderboard.submit import rescore

    fresh = solver_baseline_set()
    skipped: list[str] = []
    if human_folders:
        games, used, study, skipped = human_levels(human_folders, conn)
        for game_id, human in games.items():
            levels = list(fresh.baselines[game_id].levels)
            for i, level in enumerate(human.levels):
                if level.status == "ok" and level.count:
                    levels[i] = LevelBaseline(count=level.count, source="human", completers=level.completers,
                                              study=study)  # fmt: skip
            fresh.baselines[game_id] = Baseline(game_id=game_id, levels=levels)
        fresh = fresh.model_copy(update={"description": f"{fresh.description}, human where {used} hosted "
                                         "scorecards of human participants give at least 2 completers"})  # fmt: skip
    rescored = [rescore(sub, fresh) for sub in list_submissions(conn)]
    return add_baselines(conn, fresh, rescored), skipped
