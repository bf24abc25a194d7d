"""Skill-acquisition efficiency: scores from verified recordings against baseline action counts.

The formula is ARC-AGI-3's, as published in 2026 and implemented by its official
toolkit (``EnvironmentScoreCalculator`` in arc-agi 0.9.9; see docs/scoring.md),
on a 0..1 scale instead of 0..100:

- a completed level i scores ``min(1.15, (h_i / a_i) ** 2)``, where h_i is the level's
  baseline action count and a_i the actions the player spent on it (RESET and undo
  included); a level not completed scores 0;
- with weights w_i = i (1-based level number), a run scores
  ``min(sum(w_i * s_i) / sum(w_i), sum(w_i for completed i) / sum(w_i))``;
- a game's headline score is the mean over its runs (the ARC-compatible best run is
  reported beside it); the total is the mean over the split's games, unplayed games 0.

Only recordings that replay-verify are scored; the agent's own claims are never read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from arcgames.baselines import Baseline, baseline_for
from arcgames.recording import RecordingError, read_recording
from arcgames.registry import UnknownGameError, get_game, list_games
from arcgames.replay import Verification, verify

LEVEL_CAP = 1.15
BOOTSTRAP_SAMPLES = 2000


def level_score(baseline: int, actions: int) -> float:
    """Score of one completed level: ``min(1.15, (baseline / actions) ** 2)``."""
    if baseline <= 0 or actions <= 0:
        raise ValueError(f"baseline and actions must be positive, got baseline={baseline}, actions={actions}")
    return min(LEVEL_CAP, (baseline / actions) ** 2)


def run_score(level_actions: Sequence[int], baselines: Sequence[int]) -> float:
    """Score of one run: ``level_actions`` are the actions spent on each *completed* level, in order."""
    if len(level_actions) > len(baselines):
        raise ValueError(f"{len(level_actions)} completed levels but only {len(baselines)} baselines")
    weights = np.arange(1, len(baselines) + 1, dtype=float)
    scores = np.zeros(len(baselines))
    for i, actions in enumerate(level_actions):
        scores[i] = level_score(baselines[i], actions)
    completed = weights[: len(level_actions)].sum() / weights.sum()
    return float(min((weights * scores).sum() / weights.sum(), completed))


class RunScore(BaseModel):
    path: Path
    game_id: str
    player: str
    score: float
    levels_completed: int
    actions: int
    efficiency: list[float]  # baseline / actions for each completed level (uncapped, 1.0 = baseline pace)


class GameScore(BaseModel):
    game_id: str
    runs: list[RunScore]
    score: float  # mean over runs: the headline
    best_run_score: float  # max over runs: ARC-AGI-3's scorecard convention
    levels_completed: float  # mean over runs
    num_levels: int
    baseline: Baseline


class ScoreReport(BaseModel):
    player: str | None
    games: list[GameScore]
    total: float  # mean over the split's games (unplayed = 0)
    total_ci: tuple[float, float]  # 95% stratified bootstrap over runs within games
    iqm: float  # interquartile mean of run scores (robust aggregate, as rliable recommends)
    iqm_ci: tuple[float, float]
    best_run_total: float
    levels_completed: int  # summed over games of the best run's levels
    total_levels: int
    efficiency_curve: list[float | None]  # mean baseline/actions by level number, over all completed levels
    rejected: list[str]  # recordings that failed verification, with the reason
    over: str = ""  # what the total is a mean over, e.g. "all 8 games of the public split"


class PlayedRun(BaseModel):
    """What scoring needs of one verified run (from a recording, or as a leaderboard stored it)."""

    path: Path
    game_id: str
    player: str
    levels_completed: int
    actions: int
    level_actions: list[int]  # actions spent on each completed level, in order


def played_run(check: Verification) -> PlayedRun:
    return PlayedRun(path=check.path, game_id=check.game_id, player=check.player or "unknown",
                     levels_completed=check.levels_completed, actions=check.actions,
                     level_actions=check.level_actions)  # fmt: skip


def score_recordings(
    paths: Sequence[Path], games: Sequence[str] | None = None, baselines_file: Path | None = None, seed: int = 0
) -> ScoreReport:
    """Verify and score recordings over ``games`` (default: every game any recording is of)."""
    played, rejected, seen = [], [], {}
    for path in sorted(paths):
        check = verify(path)
        problem = _rejection(check, games, seen)
        if problem:
            rejected.append(f"{path}: {problem}")
        else:
            played.append(played_run(check))
    game_ids = list(games) if games is not None else sorted({run.game_id for run in played})
    baselines = {game_id: baseline_for(game_id, baselines_file) for game_id in game_ids}
    return score_runs(played, game_ids, baselines, seed).model_copy(update={"rejected": rejected})


def score_runs(
    runs: Sequence[PlayedRun], games: Sequence[str], baselines: Mapping[str, Baseline], seed: int = 0
) -> ScoreReport:
    """Score verified runs over ``games`` (unplayed games score 0) against ``baselines``: the one definition
    behind ``arcgames score``, ``arcgames submit`` and a leaderboard's re-scoring."""
    by_game: dict[str, list[RunScore]] = {game_id: [] for game_id in games}
    for run in runs:
        counts = baselines[run.game_id].counts
        efficiency = [h / a for h, a in zip(counts, run.level_actions, strict=False)]
        by_game[run.game_id].append(
            RunScore(path=run.path, game_id=run.game_id, player=run.player, score=run_score(run.level_actions, counts),
                     levels_completed=run.levels_completed, actions=run.actions, efficiency=efficiency)
        )  # fmt: skip
    game_scores = [_game_score(game_id, by_game[game_id], baselines[game_id]) for game_id in games]
    matrix = [[r.score for r in g.runs] or [0.0] for g in game_scores]
    total = float(np.mean([np.mean(m) for m in matrix])) if matrix else 0.0
    flat = [s for m in matrix for s in m]
    rng = np.random.default_rng(seed)
    max_levels = max((g.num_levels for g in game_scores), default=0)
    return ScoreReport(
        player=", ".join(sorted({run.player for run in runs})) or None,
        games=game_scores,
        total=total,
        total_ci=_bootstrap(matrix, lambda sample: float(np.mean([np.mean(s) for s in sample])), rng),
        iqm=interquartile_mean(flat),
        iqm_ci=_bootstrap(matrix, lambda sample: interquartile_mean([x for s in sample for x in s]), rng),
        best_run_total=float(np.mean([g.best_run_score for g in game_scores])) if game_scores else 0.0,
        levels_completed=sum(max((r.levels_completed for r in g.runs), default=0) for g in game_scores),
        total_levels=sum(g.num_levels for g in game_scores),
        efficiency_curve=_efficiency_curve(game_scores, max_levels),
        rejected=[],
    )


def _rejection(check: Verification, games: Sequence[str] | None, seen: dict[bytes, Path]) -> str | None:
    """Why a recording must not be scored, or None. ``seen`` maps content hashes to paths already scored."""
    if not check.ok:
        return check.reason
    if check.start_level != 0:
        return f"started at level {check.start_level + 1}; only plays from level 1 are scored"
    if games is not None and check.game_id not in games:
        return f"game {check.game_id} is not among the games scored"
    content = hashlib.blake2b(check.path.read_bytes(), digest_size=16).digest()
    if content in seen:
        return f"a byte-identical copy of {seen[content]}; each run counts once"
    seen[content] = check.path
    return None


def score_directory(run_dir: Path, split: str | None = None, baselines_file: Path | None = None) -> ScoreReport:
    """Score every recording in ``run_dir`` over a whole split, as a leaderboard does (unplayed games score 0).

    The split is ``split``, else the one split all the recorded games belong to; recordings of
    games from several splits are scored over the games played, and ``ScoreReport.over`` says so.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ValueError(f"{run_dir} is not a folder of recordings")
    paths = sorted(run_dir.glob("*.jsonl"))
    if not paths:
        raise ValueError(f"{run_dir} holds no recordings (*.jsonl); run `arcgames eval --out {run_dir}` first")
    if split is None:
        split = _common_split(paths)
    games = list_games(split) if split else None
    report = score_recordings(paths, games, baselines_file)
    over = f"all {len(report.games)} games of the {split} split" if split else f"the {len(report.games)} games played"
    return report.model_copy(update={"over": over})


def _common_split(paths: Sequence[Path]) -> str | None:
    """The split every readable recording's game is in, or None when they differ."""
    splits = set()
    for path in paths:
        try:
            splits.add(get_game(read_recording(path).header.game_id).split)
        except (RecordingError, UnknownGameError):
            continue  # scoring reports it as rejected
    return splits.pop() if len(splits) == 1 else None


def _game_score(game_id: str, runs: list[RunScore], baseline: Baseline) -> GameScore:
    scores = [r.score for r in runs]
    return GameScore(
        game_id=game_id,
        runs=runs,
        score=float(np.mean(scores)) if scores else 0.0,
        best_run_score=max(scores, default=0.0),
        levels_completed=float(np.mean([r.levels_completed for r in runs])) if runs else 0.0,
        num_levels=len(baseline.counts),
        baseline=baseline,
    )


def interquartile_mean(values: Sequence[float]) -> float:
    """Mean of the middle 50% of values (trimming 25% from each end)."""
    if not len(values):
        return 0.0
    ordered = np.sort(np.asarray(values, dtype=float))
    cut = int(np.floor(len(ordered) * 0.25))
    middle = ordered[cut : len(ordered) - cut] if len(ordered) > 2 * cut else ordered
    return float(middle.mean())


def _bootstrap(matrix: list[list[float]], statistic, rng: np.random.Generator) -> tuple[float, float]:
    """95% percentile interval, resampling games and, within each game, its runs (stratified)."""
    if not matrix:
        return (0.0, 0.0)
    stats = []
    for _ in range(BOOTSTRAP_SAMPLES):
        games = rng.integers(len(matrix), size=len(matrix))
        sample = [np.asarray(matrix[g])[rng.integers(len(matrix[g]), size=len(matrix[g]))] for g in games]
        stats.append(statistic(sample))
    low, high = np.percentile(stats, [2.5, 97.5])
    return (float(low), float(high))


def _efficiency_curve(games: list[GameScore], max_levels: int) -> list[float | None]:
    curve = []
    for level in range(max_levels):
        values = [r.efficiency[level] for g in games for r in g.runs if len(r.efficiency) > level]
        curve.append(float(np.mean(values)) if values else None)
    return curve
