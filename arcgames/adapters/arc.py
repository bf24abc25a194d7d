"""Official ARC-AGI-3 games (``arcengine`` game files) as arcgames-style Gymnasium envs.

Needs Python 3.12+ and the ``arc`` extra (``pip install 'arcgames[arc]'``, which brings
``arcengine``), plus the game files themselves: no package on PyPI ships them. The
toolkit stores downloaded games as ``<dir>/<game>/<version>/metadata.json`` plus the
game's ``.py`` file (``arc_agi.Arcade`` in NORMAL mode downloads them there with an
API key); point :class:`OfficialArcEnv` at such a folder.

The env speaks arcgames' contract — 64x64 uint8 frames, the same ``info`` keys and
action codec as :class:`arcgames.env.ArcGameEnv` — so arcgames agents play official
games unchanged (:func:`run_agent`). RESET follows arcgames' rule (restart the level,
counted) instead of arcengine's (a RESET with no action since the level began
restarts the whole game). Plays are not recorded: arcgames recordings are verified
by replaying arcgames' own engine, which cannot re-run an official game.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from arcgames.actions import FRAME_SIZE, Action, ActionCodec, ActionId
from arcgames.agent import GameInfo, agent_view, load_agent_factory
from arcgames.registry import UnknownGameError


def _arcengine() -> Any:
    try:
        import arcengine
    except ImportError:
        raise ImportError(
            "official ARC-AGI-3 games need arcengine (Python 3.12+): pip install 'arcgames[arc]'"
        ) from None
    return arcengine


def find_games(environments_dir: str | Path) -> dict[str, Path]:
    """Game id (``ls20-9607627b``) -> folder, for every ``metadata.json`` under ``environments_dir``."""
    found = {}
    for metadata in sorted(Path(environments_dir).rglob("metadata.json")):
        game_id = json.loads(metadata.read_text()).get("game_id")
        if isinstance(game_id, str):
            found[game_id] = metadata.parent
    return found


def load_game_class(folder: Path) -> type:
    """The ARCBaseGame subclass defined in ``folder`` (its name is in metadata.json, or derived from the id)."""
    arcengine = _arcengine()
    metadata = json.loads((folder / "metadata.json").read_text())
    base = metadata["game_id"].split("-")[0]
    class_name = metadata.get("class_name") or base[:1].upper() + base[1:]
    source = next((p for p in (folder / f"{class_name.lower()}.py", folder / f"{class_name}.py") if p.is_file()), None)
    if source is None:
        raise FileNotFoundError(f"{folder}: no {class_name.lower()}.py beside metadata.json")
    name = f"arcgames_official_{metadata['game_id'].replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, source)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, arcengine.ARCBaseGame)):
        raise TypeError(f"{source}: no ARCBaseGame subclass named {class_name}")
    return cls


class OfficialArcEnv(gym.Env):
    """One official ARC-AGI-3 game with arcgames' observation, info and action encoding."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": [], "render_fps": 5}

    def __init__(self, game_id: str, environments_dir: str | Path, seed: int = 0) -> None:
        games = find_games(environments_dir)
        matches = [gid for gid in games if gid == game_id or gid.split("-")[0] == game_id]
        if not matches:
            raise UnknownGameError(f"official game {game_id!r} not in {environments_dir}; found: {', '.join(games)}")
        self.game_id = matches[0]
        self._cls = load_game_class(games[self.game_id])
        self._seed = seed
        self._new_game()
        self.codec = ActionCodec(tuple(ActionId(a) for a in self._available if a != 0))
        self.observation_space = gym.spaces.Box(0, 15, (FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        self.action_space = gym.spaces.Discrete(self.codec.n)

    def _new_game(self) -> None:
        takes_seed = "seed" in inspect.signature(self._cls).parameters
        self._game = self._cls(seed=self._seed) if takes_seed else self._cls()
        self._frame = np.zeros((FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        self.action_count = self.level_actions = 0
        self._pristine = True
        self._apply(ActionId.RESET, {})

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self._seed = seed
        self._new_game()
        return self._frame.copy(), self._info()

    def step(self, action: Action | ActionId | int):
        action = self.codec.to_action(action)
        state = self._state
        if state == "WIN" or (state == "GAME_OVER" and action.id != ActionId.RESET):
            raise ValueError(f"{action} is not allowed after {state}; call reset() (or send RESET after GAME_OVER)")
        before = self._levels
        self.action_count += 1
        self.level_actions += 1
        if action.id != ActionId.RESET or not self._pristine:  # arcengine would restart the game at a level start
            data = {"x": action.x, "y": action.y} if action.id == ActionId.ACTION6 else {}
            self._apply(action.id, data)
        self._pristine = action.id == ActionId.RESET
        completed = self._levels > before
        if completed:
            self.level_actions, self._pristine = 0, True
        terminated = self._state != "NOT_FINISHED"
        return self._frame.copy(), float(completed), terminated, False, self._info()

    def _apply(self, action_id: ActionId, data: dict[str, int]) -> None:
        arcengine = _arcengine()
        reply = self._game.perform_action(
            arcengine.ActionInput(id=arcengine.GameAction.from_id(int(action_id)), data=data), raw=True
        )
        if reply.frame:  # the last animation frame is the observation
            last = np.asarray(reply.frame[-1], dtype=np.uint8)
            self._frame[:] = 0
            self._frame[: last.shape[0], : last.shape[1]] = last[:FRAME_SIZE, :FRAME_SIZE]
        self._state, self._levels, self._num_levels = reply.state.value, reply.levels_completed, reply.win_levels
        self._available = list(reply.available_actions)

    def _info(self) -> dict[str, Any]:
        mask = self.codec.mask(only_reset=self._state == "GAME_OVER")
        return {
            "game_id": self.game_id,
            "level": min(self._levels, self._num_levels - 1),
            "levels_completed": self._levels,
            "num_levels": self._num_levels,
            "state": self._state,
            "available_actions": self.codec.available,
            "action_count": self.action_count,
            "level_action_count": self.level_actions,
            "action_mask": mask,
        }


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
