"""Golden plays: every game's solver solutions and a seeded random play, with the CRC-32 of every frame.

``tests/data/golden/<game id>.json`` (one file per game, so that changing one game's levels touches
one file) holds what the engine drew for them, so ``tests/test_golden.py`` proves that every engine
still gives byte-identical frames and the same counters for the same actions. Regenerate a game's file
only for a deliberate change of its behaviour or looks, never to make a failing equivalence test pass:

    python tests/golden.py GAME_ID [GAME_ID ...]     # or no ids: every game
"""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import numpy as np

from arcgames.actions import Action, ActionCodec, ActionId
from arcgames.engine import Engine, GameState
from arcgames.registry import get_game, list_games
from arcgames.solver import solve

RANDOM_STEPS = 80  # per level, starting there
GOLDEN_DIR = Path(__file__).parent / "data" / "golden"


def encode(action: Action) -> list[int]:
    """An action as [id] or [6, x, y], for JSON."""
    return [int(action.id)] if action.id != ActionId.ACTION6 else [6, action.x, action.y]


def decode(item: list[int]) -> Action:
    return Action.click(item[1], item[2]) if item[0] == ActionId.ACTION6 else Action(ActionId(item[0]))


def play(engine: Engine, actions: list[Action]) -> dict:
    """Step the actions (a new play after WIN); the frame CRC-32 after each, and the counters and state
    digest at the end."""
    crcs = []
    for action in actions:
        if engine.game_state == GameState.WIN:
            engine.reset(engine.level)
        engine.step(action)
        crcs.append(f"{zlib.crc32(engine.frame.tobytes()):08x}")
    return {
        "crcs": crcs,
        "end_level": engine.level,
        "levels_completed": engine.levels_completed,
        "action_count": engine.action_count,
        "state": str(engine.game_state),
        "digest": engine.state.digest(),
    }


def random_actions(game_id: str, level: int, steps: int, seed: int) -> list[Action]:
    """A seeded random play's actions from ``level``, RESET after GAME_OVER (the only action then allowed)."""
    game = get_game(game_id)
    codec = ActionCodec(game.actions)
    engine = Engine(game, level)
    rng = np.random.default_rng(seed)
    actions = []
    for _ in range(steps):
        if engine.game_state == GameState.WIN:
            engine.reset(engine.level)
        over = engine.game_state == GameState.GAME_OVER
        action = Action.RESET if over else codec.decode(int(rng.integers(codec.n)))
        engine.step(action)
        actions.append(action)
    return actions


def capture(game_id: str) -> dict:
    game = get_game(game_id)
    solutions = []
    for level in range(game.num_levels):
        actions = list(solve(game, level).actions)
        line = {"level": level, "actions": [encode(a) for a in actions]}
        solutions.append({**line, **play(Engine(game, level), actions)})
    plays = []
    for level in range(game.num_levels):
        actions = random_actions(game_id, level, RANDOM_STEPS, seed=100 * list_games().index(game_id) + level)
        plays.append({"level": level, "actions": [encode(a) for a in actions], **play(Engine(game, level), actions)})
    return {"version": game.version, "solutions": solutions, "random": plays}


if __name__ == "__main__":
    for game_id in sys.argv[1:] or list_games():
        (GOLDEN_DIR / f"{game_id}.json").write_text(json.dumps(capture(game_id), separators=(",", ":")) + "\n")
        print(f"wrote {GOLDEN_DIR / game_id}.json", file=sys.stderr)
