"""Scorecard JSON in the shape the ARC-AGI-3 toolkit returns, scored with arcgames' formula.

The score is :func:`arcgames.scoring.run_score` (ARC-AGI-3's formula) times 100, the
toolkit's scale: a completed level scores ``min(115, 100 * (baseline / actions)^2)``,
levels are weighted by their number, a run is capped by the weighted share of
levels completed, a game takes its best run and the card the mean over its games.
Baselines come from :mod:`arcgames.baselines` and are labelled with their source
(``solver`` or ``human``) in fields the toolkit does not have.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from arcgames.engine import GameState
from arcgames.scoring import level_score, run_score
from arcgames.server.games import HostedGame
from arcgames.server.sessions import Card, Run

SCALE = 100.0
NO_BASELINE = "baseline action counts are not available for this game; its runs score 0"


@dataclass
class GamePlays:
    hosted: HostedGame
    runs: list[Run]


def snapshot(card: Card) -> list[GamePlays]:
    """Copies of the card's runs grouped by game, in order of first play (each session read under its lock)."""
    games: dict[str, GamePlays] = {}
    for session in list(card.sessions.values()):
        with session.lock:
            runs = [copy.deepcopy(run) for run in session.runs]
        games.setdefault(session.hosted.full_id, GamePlays(session.hosted, [])).runs.extend(runs)
    return list(games.values())


def _levels(run: Run, num_levels: int) -> list[int]:
    """Actions per level as the toolkit lists them: completed levels, the level in play, then zeros."""
    played = list(run.level_actions)
    if len(played) < num_levels:
        played.append(run.current_level_actions)
    return played + [0] * (num_levels - len(played))


def run_entry(run: Run, hosted: HostedGame) -> dict[str, Any]:
    num_levels = hosted.game.num_levels
    entry: dict[str, Any] = {
        "guid": run.guid,
        "levels_completed": run.levels_completed,
        "actions": run.actions,
        "resets": run.resets,
        "state": run.state.value,
        "completed": run.state == GameState.WIN,
        "level_actions": _levels(run, num_levels),
    }
    baseline = hosted.baseline
    if baseline is None:
        return entry | {
            "score": 0.0,
            "level_scores": [0.0] * num_levels,
            "level_baseline_actions": [-1] * num_levels,
            "message": NO_BASELINE,
        }
    counts = baseline.counts
    scores = [SCALE * level_score(counts[i], n) for i, n in enumerate(run.level_actions)]
    return entry | {
        "score": SCALE * run_score(run.level_actions, counts),
        "level_scores": scores + [0.0] * (num_levels - len(scores)),
        "level_baseline_actions": counts,
        "level_baseline_sources": [level.source for level in baseline.levels],
    }


def _best(runs: list[Run]) -> Run:
    """The toolkit's best run: most levels completed, the earliest on ties."""
    return max(runs, key=lambda run: run.levels_completed)  # max keeps the first of equal keys


def environment_entry(plays: GamePlays) -> dict[str, Any]:
    runs = [run_entry(run, plays.hosted) for run in plays.runs]
    baseline = plays.hosted.baseline
    return {
        "id": plays.hosted.full_id,
        "runs": runs,
        "score": max(r["score"] for r in runs),
        "levels_completed": max(r["levels_completed"] for r in runs),
        "actions": sum(r["actions"] for r in runs),
        "resets": sum(r["resets"] for r in runs),
        "completed": any(r["completed"] for r in runs),
        "level_count": plays.hosted.game.num_levels,
        "baseline_provenance": baseline.provenance if baseline else None,
    }


def tag_scores(games: list[GamePlays]) -> list[dict[str, Any]]:
    """Per public tag, the toolkit's pooled score over each game's best run (games without baselines skipped)."""
    pooled: dict[str, dict[str, Any]] = {}
    for plays in games:
        if plays.hosted.baseline is None:
            continue
        best = run_entry(_best(plays.runs), plays.hosted)
        for tag in plays.hosted.tags:
            acc = pooled.setdefault(tag, {"weights": [], "scores": [], "actions": 0, "done": 0, "games": 0})
            acc["weights"] += range(1, len(best["level_scores"]) + 1)
            acc["scores"] += best["level_scores"]
            acc["actions"] += sum(best["level_actions"])
            acc["done"] += best["levels_completed"]
            acc["games"] += 1
    out = []
    for tag, acc in pooled.items():
        weights, scores = acc["weights"], acc["scores"]
        total = sum(weights)
        score = min(sum(w * s for w, s in zip(weights, scores, strict=True)) / total,
                    SCALE * sum(w for w, s in zip(weights, scores, strict=True) if s > 0) / total)  # fmt: skip
        out.append({"id": tag, "score": score, "levels_completed": acc["done"], "actions": acc["actions"],
                    "number_of_levels": len(scores), "number_of_environments": acc["games"]})  # fmt: skip
    return out


SCORE_FIELDS = ("score",)
BASELINE_FIELDS = ("level_scores", "level_baseline_actions", "level_baseline_sources", "baseline_provenance", "message")


def redacted(body: dict[str, Any], show_scores: bool) -> dict[str, Any]:
    """A competition's scorecard: counts of the client's own play; scores only once the card is closed.

    Per-level scores and baseline counts are never shown: a level's score and its action count give
    its baseline (score = (baseline / actions)^2), which would tell a client the optimum to aim for.
    """
    hidden = BASELINE_FIELDS + (() if show_scores else SCORE_FIELDS)
    if isinstance(body, dict):
        return {k: redacted(v, show_scores) for k, v in body.items() if k not in hidden and k != "tags_scores"}
    if isinstance(body, list):
        return [redacted(v, show_scores) for v in body]
    return body


def scorecard_json(card: Card, competition: bool = False) -> dict[str, Any]:
    """``GET /api/scorecard/<card>`` and the reply to close (redacted in a competition)."""
    body = _scorecard(card)
    return redacted(body, show_scores=card.closed) if competition else body


def _scorecard(card: Card) -> dict[str, Any]:
    games = snapshot(card)
    environments = [environment_entry(plays) for plays in games]
    body: dict[str, Any] = {"card_id": card.card_id, "tags": card.tags}
    if card.source_url is not None:
        body["source_url"] = card.source_url
    if card.opaque is not None:
        body["opaque"] = card.opaque
    return body | {
        "score": sum(e["score"] for e in environments) / len(environments) if environments else 0.0,
        "environments": environments,
        "tags_scores": tag_scores(games),
        "total_actions": sum(e["actions"] for e in environments),
        "total_environments": len(environments),
        "total_environments_completed": sum(e["completed"] for e in environments),
        "total_levels": sum(e["level_count"] for e in environments),
        "total_levels_completed": sum(e["levels_completed"] for e in environments),
        "score_scale": "0..100 (arcgames.scoring.run_score x 100)",
    }


def raw_counters(card: Card, hosted: HostedGame) -> dict[str, Any]:
    """``GET /api/scorecard/<card>/<game>``: the toolkit's raw per-run counters for one game, totals for the card."""
    games = snapshot(card)
    cards = {}
    for plays in games:
        if plays.hosted is not hosted:
            continue
        cards[hosted.full_id] = {
            "game_id": hosted.full_id,
            "total_plays": len(plays.runs),
            "guids": [run.guid for run in plays.runs],
            "levels_completed": [run.levels_completed for run in plays.runs],
            "states": [run.state.value for run in plays.runs],
            "actions": [run.actions for run in plays.runs],
            "resets": [run.resets for run in plays.runs],
            "actions_by_level": [_cumulative(run) for run in plays.runs],
            "total_actions": sum(run.actions for run in plays.runs),
        }
    return {
        "cards": cards,
        "levels_completed": sum(_best(p.runs).levels_completed for p in games),
        "played": len(games),
        "total_actions": sum(run.actions for p in games for run in p.runs),
        "won": sum(any(run.state == GameState.WIN for run in p.runs) for p in games),
    }


def _cumulative(run: Run) -> list[list[int]]:
    """``[levels_completed, actions so far]`` at each level-up, as the toolkit's actions_by_level."""
    pairs, total = [], 0
    for level, actions in enumerate(run.level_actions, start=1):
        total += actions
        pairs.append([level, total])
    return pairs
