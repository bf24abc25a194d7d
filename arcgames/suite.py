"""The suite at a glance, for authors and reviewers: cards, validity report, gallery.

Everything here reads game internals (titles, cards, the solver) and is never part
of an agent-facing path.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import BaseModel

from arcgames.baselines import solver_counts
from arcgames.engine import Engine
from arcgames.env import make
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
    random_completion: float  # share of random plays that beat the level within 5x the solver count


class GameReport(BaseModel):
    game_id: str
    title: str
    split: str
    idea: str | None
    priors: list[str]
    primitives: list[str]
    actions: list[str]
    levels: list[LevelReport]

    @property
    def mean_random_completion(self) -> float:
        return float(np.mean([lv.random_completion for lv in self.levels]))


def random_completion(game_id: str, level: int, budget: int, plays: int, seed: int = 0) -> float:
    """Share of random-agent plays (agents/random.py) that beat ``level`` within ``budget`` actions."""
    from arcgames.agents.random import RandomAgent

    env = make(game_id)
    wins = 0
    for play in range(plays):
        agent = RandomAgent(seed=seed * 1000 + play)
        frame, info = env.reset(options={"level": level})
        for _ in range(budget):
            frame, reward, _, _, info = env.step(agent.act(frame, info))
            if reward:
                wins += 1
                break
    return wins / plays


def game_report(game_id: str, plays: int = 20) -> GameReport:
    game = get_game(game_id)
    counts = solver_counts(game_id)
    levels = []
    for level in range(game.num_levels):
        solution = solve(game, level)
        levels.append(
            LevelReport(
                level=level + 1,
                insight=game.card.levels[level] if game.card else None,
                solver_actions=counts[level],
                branching=solution.branching,
                states_explored=solution.states_explored,
                random_completion=random_completion(game_id, level, 5 * counts[level], plays, seed=level),
            )
        )
    return GameReport(
        game_id=game.id, title=game.title, split=game.split, idea=game.card.idea if game.card else None,
        priors=list(game.card.priors) if game.card else [], primitives=list(game.primitives),
        actions=[a.name for a in game.actions], levels=levels,
    )  # fmt: skip


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
