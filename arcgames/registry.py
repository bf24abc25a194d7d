"""The game registry: the bundled games plus game packs, looked up by opaque id.

A *pack* is a folder of game files outside the package (each ``*.py`` defines
``GAME``), so a private evaluation pack can be kept off the public code. Packs come
from ``$ARCGAMES_PACKS`` (folders separated by ``os.pathsep``) and from
:func:`use_pack` (the CLI's ``--pack``), which also sets the variable so worker
processes see the same games.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import pkgutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType

from arcgames.game import SPLITS, Game, GameDefinitionError

PACKS_ENV = "ARCGAMES_PACKS"
# Games not written to any file yet, visible to get_game and make() inside provisional() only.
_PROVISIONAL: dict[str, Game] = {}


class UnknownGameError(LookupError):
    """A game id that no loaded game has."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


def _game_of(module: ModuleType, where: str) -> Game:
    game = getattr(module, "GAME", None)
    if not isinstance(game, Game):
        raise GameDefinitionError(f"{where} must define GAME = arcgames.Game(...)")
    return game


def _load_pack_file(path: Path) -> ModuleType:
    """Import one pack file under a private module name (packs may reuse file names)."""
    tag = hashlib.blake2b(str(path.parent.resolve()).encode(), digest_size=4).hexdigest()
    name = f"arcgames_pack_{tag}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except GameDefinitionError as err:
        raise GameDefinitionError(f"{path}: {err}") from None
    except Exception as err:
        raise GameDefinitionError(f"{path}: failed to load: {type(err).__name__}: {err}") from err
    return module


def pack_dirs() -> list[Path]:
    """The pack folders in effect, from $ARCGAMES_PACKS."""
    return [Path(p) for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p]


@cache
def _games() -> dict[str, tuple[Game, Path]]:
    """Every loaded game with the file it came from."""
    import arcgames.games as package

    found: list[tuple[Game, Path]] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.append((_game_of(module, module.__name__), Path(module.__file__)))
    for folder in pack_dirs():
        if not folder.is_dir():
            raise GameDefinitionError(f"game pack {folder} is not a folder (from ${PACKS_ENV} or --pack)")
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                found.append((_game_of(_load_pack_file(path), str(path)), path))
    games: dict[str, tuple[Game, Path]] = {}
    for game, origin in found:
        if game.id in games:
            raise GameDefinitionError(f"{origin}: game id {game.id!r} is already used by {games[game.id][1]}")
        games[game.id] = (game, origin)
    return games


def use_pack(folder: str | Path) -> list[str]:
    """Add a pack folder for this process and its children; return the ids of its games."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise GameDefinitionError(f"game pack {folder} is not a folder")
    before = set(_games())
    if folder not in [p.resolve() for p in pack_dirs()]:
        os.environ[PACKS_ENV] = os.pathsep.join([*map(str, pack_dirs()), str(folder)])
        _games.cache_clear()
    from arcgames.env import register_envs

    register_envs()
    return sorted(set(_games()) - before)


def reload_games() -> None:
    """Load the games again from the bundled package and the packs now in $ARCGAMES_PACKS."""
    _games.cache_clear()
    from arcgames.env import register_envs

    register_envs()


def list_games(split: str | None = None) -> list[str]:
    """Ids of the known games, sorted; ``split`` is "public", "evaluation" or None for all."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)} or None for all")
    return sorted(gid for gid, (game, _) in _games().items() if split is None or game.split == split)


@contextmanager
def provisional(game: Game) -> Iterator[str]:
    """Make a game that no file defines yet reachable by id (get_game, make) inside the block.

    Why: the generator checks each candidate game with the same env checks and blind
    plays as a written game, before deciding to write it. The game stays out of
    ``list_games`` and is gone after the block.
    """
    import gymnasium as gym

    if game.id in _games() or game.id in _PROVISIONAL:
        raise GameDefinitionError(f"game id {game.id!r} is already in use; give the candidate another id")
    env_id = f"arcgames/{game.id}"
    known = env_id in gym.registry  # left by a pack unloaded since: the same entry point and id, kept as it is
    _PROVISIONAL[game.id] = game
    if not known:
        gym.register(id=env_id, entry_point="arcgames.env:ArcGameEnv", kwargs={"game_id": game.id})
    try:
        yield game.id
    finally:
        del _PROVISIONAL[game.id]
        if not known:
            gym.registry.pop(env_id, None)


def get_game(game_id: str) -> Game:
    """The game with this id; the error for an unknown id lists the known ones."""
    if isinstance(game_id, str) and game_id in _PROVISIONAL:
        return _PROVISIONAL[game_id]
    games = _games()
    try:
        return games[game_id][0]
    except (KeyError, TypeError):
        raise UnknownGameError(f"unknown game id {game_id!r}; known games: {', '.join(sorted(games))}") from None


def game_origin(game_id: str) -> Path:
    """The file a game was loaded from (its pack folder holds its solver counts)."""
    get_game(game_id)
    return _games()[game_id][1]
