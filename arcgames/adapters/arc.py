"""Official ARC-AGI-3 games (``arcengine`` game files) as arcgames engines, envs and recordings.

Needs Python 3.12+ and the ``arc`` extra (``pip install 'arcgames[arc]'``, which brings
``arcengine``), plus the game files themselves: no package on PyPI ships them. The
toolkit stores downloaded games as ``<dir>/<game>/<version>/metadata.json`` plus the
game's ``.py`` file (``arc_agi.Arcade`` in NORMAL mode downloads them there with an
API key). Such a folder works as a pack: ``--pack DIR`` (or ``$ARCGAMES_PACKS``) makes
its games playable by ``arcgames eval`` and replayable by ``arcgames replay --verify``.

:class:`OfficialEngine` gives an arcengine game the surface of :class:`arcgames.engine.Engine`
(``step(action) -> bool``, ``frame``, level and action counters, ``game_state``), so the
env, the recorder and the verifier treat it as they treat arcgames' own engine.
:class:`OfficialArcEnv` speaks arcgames' env contract (64x64 uint8 frames, the same
``info`` keys and action codec), so arcgames agents play official games unchanged.
RESET follows arcgames' rule (restart the level, counted) instead of arcengine's (a
RESET with no action since the level began restarts the whole game).

Recordings of official games name their engine (``engine: arcengine`` in the header)
and carry a hash of the game's source file as its version; :func:`replay_engine`
re-runs them through arcengine, which is deterministic for a seed and action sequence.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import sys
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import gymnasium as gym
import numpy as np

from arcgames.actions import FRAME_SIZE, Action, ActionCodec, ActionId, InvalidActionError
from arcgames.agent import GameInfo, agent_view, load_agent_factory
from arcgames.engine import GameEndedError, GameState
from arcgames.recording import RecordingError
from arcgames.registry import PACKS_ENV, UnknownGameError, pack_dirs

if TYPE_CHECKING:
    from arcgames.recording import Header

ENGINE = "arcengine"  # the name recordings of official games give their engine


def _arcengine() -> Any:
    try:
        import arcengine
    except ImportError:
        raise ImportError(
            "official ARC-AGI-3 games need arcengine (Python 3.12+): pip install 'arcgames[arc]'"
        ) from None
    return arcengine


def engine_version() -> str:
    """The installed arcengine's version, as recordings of official games name it."""
    try:
        return version("arcengine")
    except PackageNotFoundError:
        return "unknown"


def find_games(environments_dir: str | Path) -> dict[str, Path]:
    """Game id (``ls20-9607627b``) -> folder, for every ``metadata.json`` under ``environments_dir``."""
    found = {}
    for metadata in sorted(Path(environments_dir).rglob("metadata.json")):
        try:
            game_id = json.loads(metadata.read_text()).get("game_id")
        except (OSError, ValueError, AttributeError):
            continue  # not a toolkit metadata file (a pack may hold other JSON)
        if isinstance(game_id, str):
            found[game_id] = metadata.parent
    return found


@dataclass(frozen=True)
class OfficialGame:
    """One official game file: its id, version and metadata, before arcengine loads it."""

    id: str  # the full id, e.g. "ls20-9607627b"
    folder: Path

    @cached_property
    def metadata(self) -> dict[str, Any]:
        return json.loads((self.folder / "metadata.json").read_text())

    @cached_property
    def source(self) -> Path:
        base = self.id.split("-")[0]
        class_name = self.class_name
        for path in (self.folder / f"{class_name.lower()}.py", self.folder / f"{class_name}.py"):
            if path.is_file():
                return path
        raise FileNotFoundError(f"{self.folder}: no {class_name.lower()}.py (game {base}) beside metadata.json")

    @property
    def class_name(self) -> str:
        base = self.id.split("-")[0]
        return self.metadata.get("class_name") or base[:1].upper() + base[1:]

    @cached_property
    def version(self) -> str:
        """A hash of the game's source: a recording replays only on the file it was made with."""
        return hashlib.blake2b(self.source.read_bytes(), digest_size=8).hexdigest()

    @cached_property
    def num_levels(self) -> int:
        """How many levels the game has (arcengine loads the game to tell)."""
        return OfficialEngine(self).num_levels

    def baseline_counts(self) -> list[int]:
        """metadata.json's per-level ``baseline_actions`` (the toolkit's human counts)."""
        counts = self.metadata.get("baseline_actions")
        if not (isinstance(counts, list) and len(counts) == self.num_levels and all(_positive(n) for n in counts)):
            raise ValueError(
                f"{self.folder / 'metadata.json'}: baseline_actions must list {self.num_levels} positive integers "
                f"(one per level) for action budgets; found {counts!r}"
            )
        return list(counts)


def _positive(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n > 0


def find_official(game_id: str, environments_dir: str | Path | None = None) -> OfficialGame | None:
    """The official game with this full or short id in ``environments_dir`` (default: the pack folders)."""
    folders = [Path(environments_dir)] if environments_dir is not None else pack_dirs()
    for folder in folders:
        for gid, game_folder in find_games(folder).items():
            if game_id in (gid, gid.split("-")[0]):
                return OfficialGame(gid, game_folder)
    return None


def get_official(game_id: str, environments_dir: str | Path | None = None) -> OfficialGame:
    """Like :func:`find_official`; an unknown id raises UnknownGameError naming where it looked and the fix."""
    game = find_official(game_id, environments_dir)
    if game is not None:
        return game
    folders = [Path(environments_dir)] if environments_dir is not None else pack_dirs()
    fix = "pass the folder of official game files (<game>/<version>/metadata.json + .py) with --pack DIR"
    if not folders:
        raise UnknownGameError(f"official game {game_id!r}: no game folder given (--pack or ${PACKS_ENV}); {fix}")
    found = sorted(gid for folder in folders for gid in find_games(folder))
    raise UnknownGameError(
        f"official game {game_id!r} not found in {', '.join(map(str, folders))} "
        f"(found: {', '.join(found) or 'none'}); {fix}"
    )


def load_game_class(game: OfficialGame) -> type:
    """The ARCBaseGame subclass defined in the game's source file."""
    arcengine = _arcengine()
    name = f"arcgames_official_{game.id.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, game.source)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    cls = getattr(module, game.class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, arcengine.ARCBaseGame)):
        raise TypeError(f"{game.source}: no ARCBaseGame subclass named {game.class_name}")
    return cls


class OfficialEngine:
    """One play of an official game with arcgames' Engine surface; every action counts, RESET included."""

    def __init__(self, game: OfficialGame, seed: int = 0) -> None:
        self.game, self.seed = game, seed
        self._cls = load_game_class(game)
        self._frame = np.zeros((FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        self.reset()

    def reset(self) -> None:
        """Start a new play from the first level with all counters at zero."""
        takes_seed = "seed" in inspect.signature(self._cls).parameters
        self._game = self._cls(seed=self.seed) if takes_seed else self._cls()
        self.action_count = self.level_actions = 0
        self._pristine = True  # no action since the level began: arcengine's RESET would restart the game
        self._apply(ActionId.RESET, {})
        self.actions = tuple(ActionId(a) for a in self._available if a != 0)

    @property
    def frame(self) -> np.ndarray:
        """The current 64x64 frame. A live buffer: copy it to keep it."""
        return self._frame

    @property
    def level(self) -> int:
        return self._game.level_index

    def step(self, action: Action) -> bool:
        """Apply one action; return True when it completed a level. Refusals raise as arcgames' Engine does."""
        if self.game_state == GameState.WIN:
            raise GameEndedError("the game is won; call reset() to play again")
        if self.game_state == GameState.GAME_OVER and action.id != ActionId.RESET:
            raise GameEndedError(f"game over: {action} is not allowed; send RESET to retry the level")
        if action.id != ActionId.RESET and action.id not in self.actions:
            raise InvalidActionError(
                f"{action.id.name} is not used by this game; available actions: RESET, "
                + ", ".join(a.name for a in self.actions)
            )
        before = self.levels_completed
        self.action_count += 1
        self.level_actions += 1
        if action.id != ActionId.RESET or not self._pristine:
            self._apply(action.id, {"x": action.x, "y": action.y} if action.id == ActionId.ACTION6 else {})
        self._pristine = action.id == ActionId.RESET
        completed = self.levels_completed > before
        if completed:
            self.level_actions, self._pristine = 0, True
        return completed

    def _apply(self, action_id: ActionId, data: dict[str, int]) -> None:
        arcengine = _arcengine()
        reply = self._game.perform_action(
            arcengine.ActionInput(id=arcengine.GameAction.from_id(int(action_id)), data=data), raw=True
        )
        if reply.frame:  # the last animation frame is the observation
            last = np.asarray(reply.frame[-1], dtype=np.uint8)
            self._frame[:] = 0
            self._frame[: last.shape[0], : last.shape[1]] = last[:FRAME_SIZE, :FRAME_SIZE]
        self.game_state = GameState(reply.state.value)
        self.levels_completed, self.num_levels = reply.levels_completed, reply.win_levels
        self._available = list(reply.available_actions)


class OfficialArcEnv(gym.Env):
    """One official ARC-AGI-3 game with arcgames' observation, info and action encoding.

    ``environments_dir`` is a folder of official game files; by default the pack folders.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": [], "render_fps": 5}
    engine_name = ENGINE  # what RecordTrajectory writes into the header
    max_actions = None

    def __init__(self, game_id: str, environments_dir: str | Path | None = None, seed: int = 0) -> None:
        self.game = get_official(game_id, environments_dir)
        self.game_id = self.game.id
        self.engine = OfficialEngine(self.game, seed)
        self.codec = ActionCodec(self.engine.actions)
        self.observation_space = gym.spaces.Box(0, 15, (FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        self.action_space = gym.spaces.Discrete(self.codec.n)

    @property
    def engine_version(self) -> str:
        return engine_version()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self.engine.seed = seed
        self.engine.reset()
        return self.engine.frame.copy(), self._info()

    def step(self, action: Action | ActionId | int):
        completed = self.engine.step(self.codec.to_action(action))
        terminated = self.engine.game_state != GameState.NOT_FINISHED
        return self.engine.frame.copy(), float(completed), terminated, False, self._info()

    def _info(self) -> dict[str, Any]:
        engine = self.engine
        return {
            "game_id": self.game_id,
            "level": engine.level,
            "levels_completed": engine.levels_completed,
            "num_levels": engine.num_levels,
            "state": engine.game_state.value,
            "available_actions": self.codec.available,
            "action_count": engine.action_count,
            "level_action_count": engine.level_actions,
            "action_mask": self.codec.mask(only_reset=engine.game_state == GameState.GAME_OVER),
        }


def replay_engine(header: Header, path: Path) -> OfficialEngine:
    """A fresh engine for replaying a recording of an official game; RecordingError when it cannot be made."""
    game = get_official(header.game_id)
    try:
        return _replay_engine(game, header, path)
    except (ImportError, OSError, TypeError) as err:  # arcengine missing, game file unreadable or not a game
        raise RecordingError(f"{path}: cannot replay official game {game.id}: {err}") from None


def _replay_engine(game: OfficialGame, header: Header, path: Path) -> OfficialEngine:
    if game.version != header.game_version:
        raise RecordingError(
            f"{path}: recorded with game file version {header.game_version}, but {game.source} is version "
            f"{game.version} (arcengine {engine_version()}, recorded with {header.engine_version}); "
            "it replays only on the game file it was made with"
        )
    if header.start_level != 0:
        raise RecordingError(f"{path}: official games are replayed from level 1; this one starts at level "
                             f"{header.start_level + 1}")  # fmt: skip
    return OfficialEngine(game, header.seed)


def run_agent(agent_spec: str, env: OfficialArcEnv, max_actions: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Play an arcgames agent (``explorer``, ``random`` or ``module:Class``) until WIN or ``max_actions``."""
    factory = load_agent_factory(agent_spec)
    agent = factory(seed=seed) if "seed" in inspect.signature(factory).parameters else factory()
    frame, info = env.reset(seed=seed)
    agent.reset(
        GameInfo(game_id=env.game_id, num_levels=info["num_levels"], available_actions=info["available_actions"])
    )
    while info["action_count"] < max_actions and info["state"] != "WIN":
        frame, _, _, _, info = env.step(agent.act(frame, agent_view(info, env.game_id)))
    keys = ("game_id", "levels_completed", "num_levels", "state", "action_count")
    return {"agent": agent_spec, **{key: info[key] for key in keys}}


def main(argv: list[str] | None = None) -> int:
    """``python -m arcgames.adapters.arc DIR GAME [--agent explorer] [--max-actions N]``: print a JSON summary."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("environments_dir", type=Path, help="folder of <game>/<version>/metadata.json + game file")
    parser.add_argument("game", help="game id, short (ls20) or full (ls20-9607627b)")
    parser.add_argument("--agent", default="explorer", help="random, explorer or package.module:Class")
    parser.add_argument("--max-actions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    env = OfficialArcEnv(args.game, args.environments_dir, seed=args.seed)
    print(json.dumps(run_agent(args.agent, env, args.max_actions, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
