"""Plays an arcgames server with the official ARC-AGI-3 client (arc-agi, Python 3.12+).

Run by tests/test_official_client.py inside a venv that has ``arc-agi``; it is not a
pytest module. Usage::

    python arc_client_script.py URL GAME_ID WINNING_ACTIONS_JSON RANDOM_STEPS [API_KEY]

It prints one JSON line with what the client saw; any failure raises (non-zero exit).
The client is constructed and used exactly as the reference (ARC-AGI-3-API.md §7) says.
"""

import json
import random
import re
import sys

from arc_agi import Arcade, OperationMode
from arcengine import GameAction, GameState


def to_call(text: str) -> tuple[GameAction, dict[str, int]]:
    """arcgames' "ACTION3" / "ACTION6(12,40)" as the client's (GameAction, data)."""
    click = re.fullmatch(r"ACTION6\((\d+),(\d+)\)", text)
    if click:
        return GameAction.ACTION6, {"x": int(click[1]), "y": int(click[2])}
    return GameAction.from_name(text), {}


def main() -> None:
    url, game_id, winning, random_steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
    key = sys.argv[5] if len(sys.argv) > 5 else ""  # "" makes the client ask /api/games/anonkey
    arc = Arcade(arc_api_key=key, arc_base_url=url, operation_mode=OperationMode.ONLINE)
    report: dict = {"api_key_from_server": not key and bool(arc.arc_api_key)}
    report["listed"] = [env.game_id for env in arc.get_environments()]

    # Random play: the client draws from the available actions the server reports.
    env = arc.make(game_id)
    assert env is not None, "make() returned None"
    rng = random.Random(0)
    steps = 0
    for _ in range(random_steps):
        action = rng.choice([a for a in env.action_space if a != GameAction.RESET])
        data = {"x": rng.randrange(64), "y": rng.randrange(64)} if action.is_complex() else {}
        frame = env.step(action, data=data, reasoning={"step": steps})
        assert frame is not None, f"step {action.name} failed"
        steps += 1
        if frame.state == GameState.GAME_OVER:
            assert env.reset() is not None, "reset after GAME_OVER failed"
        elif frame.state == GameState.WIN:
            break
    report["random_steps"] = steps
    report["full_id"] = env.info.game_id

    # The scripted winning line for level 1, on a fresh game of the same scorecard.
    env = arc.make(game_id)
    assert env is not None, "second make() returned None"
    first = env.observation_space
    report["start_levels_completed"] = first.levels_completed
    report["frame_shape"] = [len(first.frame), *first.frame[0].shape]
    for text in winning:
        action, data = to_call(text)
        frame = env.step(action, data=data)
        assert frame is not None, f"step {text} failed"
    report["levels_completed"] = frame.levels_completed
    report["win_levels"] = frame.win_levels
    report["state"] = frame.state.value

    card = arc.get_scorecard()
    report["scorecard_levels"] = card.total_levels_completed
    closed = arc.close_scorecard()
    report["closed_score"] = closed.score
    report["closed_runs"] = sum(len(e.runs) for e in closed.environments)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
