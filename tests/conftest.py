"""Shared fixtures. Plain helpers (tiny games, ASCII boards) live in helpers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import gymnasium as gym
import pytest

import arcgames.env
from arcgames.game import Game


@pytest.fixture
def serve_game(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Game], str]]:
    """Make unregistered test games reachable through ``arcgames.make`` and ``gymnasium.make``.

    Test games stay out of the bundled registry (and out of ``list_games``); this only
    widens the env module's lookup for the duration of one test.
    """
    extra: dict[str, Game] = {}
    real_get_game = arcgames.env.get_game

    def get_game(game_id: str) -> Game:
        return extra[game_id] if game_id in extra else real_get_game(game_id)

    monkeypatch.setattr(arcgames.env, "get_game", get_game)

    def serve(game: Game) -> str:
        extra[game.id] = game
        env_id = f"arcgames/{game.id}"
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point="arcgames.env:ArcGameEnv", kwargs={"game_id": game.id})
        return game.id

    yield serve
    for game_id in extra:
        gym.registry.pop(f"arcgames/{game_id}", None)


@pytest.fixture
def pack_dir(tmp_path):
    """A fresh game-pack folder; the registry and $ARCGAMES_PACKS are restored afterwards."""
    import os

    from arcgames import registry
    from arcgames.registry import PACKS_ENV

    saved = os.environ.pop(PACKS_ENV, None)
    registry._games.cache_clear()
    yield tmp_path
    os.environ.pop(PACKS_ENV, None)
    if saved is not None:
        os.environ[PACKS_ENV] = saved
    registry._games.cache_clear()
