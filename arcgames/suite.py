"""The suite at a glance, for authors and reviewers: cards, validity and depth report, gallery.

Everything here reads game internals (titles, cards, the solver) and is never part
of an agent-facing path.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from statistics import median

import numpy as np
from PIL import Image
from pydantic import BaseModel, computed_field

from arcgames.audit import GOAL_FACTOR, Goal, StrategyResult, SuiteAudit
from arcgames.baselines import solver_counts
from arcgames.engine import Engine
from arcgames.palette import to_rgb
from arcgames.registry import get_game, list_games
from arcgames.solver import solve

GALLERY_SCALE = 3  # gallery pixels per frame pixel: a level is 192x192


class LevelReport(BaseModel):
    level: int  # 1-based
    insight: str | None
    solver_actions: int
    branching: float  # mean distinct successor states per state the solver expanded
    states_explored: int
    audit: dict[str, StrategyResult] = {}  # the exploit audit's plays on this level, per strategy
    falls_to: list[str] = []  # the strategies this level falls to at the audit's goal budget


class GameReport(BaseModel):
    game_id: str
    title: str
    split: str
    idea: str | None
    priors: list[str]
    primitives: list[str]
    actions: list[str]
    levels: list[LevelReport]

    @computed_field
    @property
    def first_level_actions(self) -> int:
        return self.levels[0].solver_actions

    @computed_field
    @property
    def last_level_actions(self) -> int:
        return self.levels[-1].solver_actions

    @computed_field
    @property
    def total_actions(self) -> int:
        """Solver-optimal actions for the whole game, level after level."""
        return sum(lv.solver_actions for lv in self.levels)


def game_report(game_id: str, audit: SuiteAudit | None = None) -> GameReport:
    """A game's card, solver counts and search statistics, with the audit's results where one is given."""
    game = get_game(game_id)
    counts = solver_counts(game_id)
    audits = {lv.level: lv for lv in audit.levels if lv.game_id == game_id} if audit else {}
    levels = []
    for level in range(game.num_levels):
        solution = solve(game, level)
        audited = audits.get(level + 1)
        levels.append(
            LevelReport(
                level=level + 1,
                insight=game.card.levels[level] if game.card else None,
                solver_actions=counts[level],
                branching=solution.branching,
                states_explored=solution.states_explored,
                audit=audited.strategies if audited else {},
                falls_to=audited.falls_to(GOAL_FACTOR) if audited else [],
            )
        )
    return GameReport(
        game_id=game.id, title=game.title, split=game.split, idea=game.card.idea if game.card else None,
        priors=list(game.card.priors) if game.card else [], primitives=list(game.primitives),
        actions=[a.name for a in game.actions], levels=levels,
    )  # fmt: skip


# Issue 15's depth targets for the suite: games per split, levels per game, solver-optimal actions.
MIN_GAMES_PER_SPLIT = 12
MIN_LEVELS = 7
MIN_FIRST_LEVEL_MEDIAN = 8
MIN_LAST_LEVEL_MEDIAN = 40
MIN_WHOLE_GAME_MEDIAN = 200


def depth_goals(games: Sequence[tuple[str, Sequence[int]]]) -> list[Goal]:
    """The suite's size and depth against issue 15's targets, each PASS or FAIL.

    ``games``: each game's split and solver-optimal action counts, level by level.
    """
    if not games:
        return []
    splits = [split for split, _ in games]
    goals = [_at_least("games", len(games), 2 * MIN_GAMES_PER_SPLIT)]
    goals += [_at_least(f"{s} games", splits.count(s), MIN_GAMES_PER_SPLIT) for s in ("public", "evaluation")]
    goals.append(_at_least("levels, the smallest game", min(len(counts) for _, counts in games), MIN_LEVELS))
    goals.append(_at_least("levels per game, median", median(len(counts) for _, counts in games), MIN_LEVELS))
    for name, values, target in (
        ("solver actions of level 1, median", [counts[0] for _, counts in games], MIN_FIRST_LEVEL_MEDIAN),
        ("solver actions of the last level, median", [counts[-1] for _, counts in games], MIN_LAST_LEVEL_MEDIAN),
        ("solver actions of the whole game, median", [sum(counts) for _, counts in games], MIN_WHOLE_GAME_MEDIAN),
    ):
        goals.append(_at_least(name, median(values), target))
    return goals


def _at_least(name: str, value: float, target: int) -> Goal:
    return Goal(name=name, target=f">= {target}", value=f"{value:g}", passed=value >= target)


def level_frames(game_id: str) -> list[np.ndarray]:
    """Each level's first frame."""
    game = get_game(game_id)
    return [Engine(game, level).frame.copy() for level in range(game.num_levels)]


def write_gallery(out_dir: Path, game_ids: list[str] | None = None) -> Path:
    """A contact sheet PNG per game, one of the whole suite, and an index.html; returns the page."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    game_ids = game_ids or list_games()
    side, gap = 64 * GALLERY_SCALE, 8
    sheets = []
    sections = []
    for game_id in game_ids:
        frames = level_frames(game_id)
        sheet = Image.new("RGB", (len(frames) * (side + gap) - gap, side), (40, 40, 40))
        for i, frame in enumerate(frames):
            image = Image.fromarray(np.ascontiguousarray(to_rgb(frame))).resize((side, side), Image.NEAREST)
            sheet.paste(image, (i * (side + gap), 0))
        sheet.save(out_dir / f"{game_id}.png")
        sheets.append(sheet)
        game = get_game(game_id)
        counts = ", ".join(str(n) for n in solver_counts(game_id))
        card = game.card
        insights = "".join(f"<li>{html.escape(t)}</li>" for t in card.levels) if card else ""
        sections.append(
            f"<section><h2>{html.escape(game_id)} — {html.escape(game.title)} <small>({game.split})</small></h2>"
            f'<p>{html.escape(card.idea) if card else ""}</p><img src="{game_id}.png" alt="levels of {game_id}">'
            f"<p>solver counts (solver, not human data): {counts}</p><ol>{insights}</ol></section>"
        )
    width = max(s.width for s in sheets)
    suite = Image.new("RGB", (width, len(sheets) * (side + gap) - gap), (24, 24, 24))
    for i, sheet in enumerate(sheets):
        suite.paste(sheet, (0, i * (side + gap)))
    suite.save(out_dir / "suite.png")
    page = out_dir / "index.html"
    page.write_text(
        "<!doctype html><meta charset=utf-8><title>arcgames gallery</title>"
        "<style>body{background:#181818;color:#ddd;font-family:sans-serif;margin:2em}img{image-rendering:pixelated}"
        "small{color:#999}</style><h1>arcgames gallery</h1>"
        f"<p>{len(game_ids)} games. Each row shows a game's levels in order (first frames). For authors and "
        "reviewers only: titles and cards never reach agents.</p>" + "".join(sections)
    )
    return page
