"""The game registry: finds the bundled games and looks them up by their opaque id."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from arcgames.game import SPLITS, Game, GameDefinitionError


class UnknownGameError(LookupError):
    """A game id that no loaded game has."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


@cache
def _bundled() -> dict[str, Game]:
    import arcgames.games as package

    games: dict[str, Game] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        game = getattr(module, "GAME", None)
        if not isinstance(game, Game):
            raise GameDefinitionError(f"{module.__name__} must define GAME = arcgames.Game(...)")
        if game.id in games:
            raise GameDefinitionError(f"{module.__name__}: game id {game.id!r} is already used by another game")
        games[game.id] = game
    return games


def list_games(split: str | None = None) -> list[str]:
    """Ids of the known games, sorted; ``split`` is "public", "evaluation" or None for all."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)} or None for all")
    return sorted(gid for gid, game in _bundled().items() if split is None or game.split == split)


def get_game(game_id: str) -> Game:
    """The game with this id; the error for an unknown id lists the known ones."""
    games = _bundled()
    try:
        return games[game_id]
    except (KeyError, TypeError):
        raise UnknownGameError(f"unknown game id {game_id!r}; known games: {', '.join(sorted(games))}") from None
