"""arcgames: an open, local, fast interactive reasoning benchmark.

Reading order: ``actions`` (what agents send), ``kinds`` and ``state`` (what a board
holds), ``primitives`` (the rule pieces), ``game`` (maps + rules = a game), ``engine``
(one play), ``env`` (the Gymnasium API), ``solver``, ``cli``.
"""

from arcgames.actions import Action, ActionCodec, ActionId, InvalidActionError
from arcgames.engine import Engine, GameEndedError, GameState
from arcgames.env import ArcGameEnv, make, register_envs
from arcgames.game import ENGINE_VERSION, Game, GameDefinitionError
from arcgames.registry import UnknownGameError, get_game, list_games

__version__ = ENGINE_VERSION

register_envs()

__all__ = [
    "ENGINE_VERSION",
    "Action",
    "ActionCodec",
    "ActionId",
    "ArcGameEnv",
    "Engine",
    "Game",
    "GameDefinitionError",
    "GameEndedError",
    "GameState",
    "InvalidActionError",
    "UnknownGameError",
    "get_game",
    "list_games",
    "make",
    "register_envs",
]
