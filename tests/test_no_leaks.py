"""No title, card text or description of a game reaches anything an agent sees."""

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

import arcgames
from arcgames.agent import agent_view
from arcgames.registry import game_origin
from arcgames.wrappers import RecordTrajectory


def secrets_of(game_id: str) -> list[str]:
    """Author-only text: the title, the card, the module docstring's lines."""
    game = arcgames.get_game(game_id)
    texts = [game.title]
    if game.card is not None:
        texts += [game.card.idea, *game.card.levels]
    origin = game_origin(game_id)
    if origin.parent.name == "games":
        module = importlib.import_module(f"arcgames.games.{origin.stem}")
        texts += [line.strip() for line in (module.__doc__ or "").splitlines()]
    return [t.lower() for t in texts if len(t.strip()) >= 6]


def visible_text(game_id: str, out: Path) -> str:
    """Everything an agent can read during a short random play, as one string."""
    env = RecordTrajectory(arcgames.make(game_id, render_mode="ansi"), out, player="leak-test")
    rng = np.random.default_rng(0)
    _, info = env.reset()
    seen = [json.dumps(agent_view(info, "0000"), default=str), json.dumps(info, default=str), env.render()]
    for _ in range(30):
        _, _, terminated, _, info = env.step(int(rng.integers(env.action_space.n)))
        seen.append(json.dumps(info, default=str))
        if terminated:
            break
    env.close()
    seen.append(env.recordings[0].read_text())
    seen.append(repr(env.observation_space) + repr(env.action_space) + json.dumps(env.spec.kwargs, default=str))
    return "\n".join(seen).lower()


@pytest.mark.parametrize("game_id", arcgames.list_games())
def test_no_author_text_reaches_agents(game_id: str, tmp_path: Path) -> None:
    secrets = secrets_of(game_id)
    assert secrets, "every game has a title"
    visible = visible_text(game_id, tmp_path)
    leaked = [s for s in secrets if s in visible]
    assert not leaked, f"author-only text visible to agents: {leaked}"
