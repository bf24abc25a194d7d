"""A ``gymnasium.vector.VectorEnv`` over the batched engine: N copies of one game for RL.

Observations are the (N, 64, 64) uint8 frames, as numpy arrays (default) or torch
tensors on the engine's device (``as_tensor=True``, no host copy: what a GPU training
loop wants). Actions are flat per-game indices (:class:`arcgames.actions.ActionCodec`),
one per env: ``single_action_space`` is ``Discrete(n)`` and ``action_space`` its
batched ``MultiDiscrete``. Reward is 1.0 per completed level; an episode terminates
on WIN and on GAME_OVER (as :class:`arcgames.env.ArcGameEnv`) and is truncated after
``max_actions`` actions.

Autoreset: **SAME_STEP** (``metadata["autoreset_mode"]``). Why not gymnasium's default
NEXT_STEP: the engine resets finished envs inside the same batched step, with no
wasted step whose action is ignored, so every step of every env is a real one. The
step that ends an episode returns the new episode's first observation; the last
observation of the ended one is in ``info["final_obs"]`` (an object array with None for
envs that did not end; with ``as_tensor=True`` a (M, 64, 64) tensor for the M envs
where ``info["_final_obs"]`` holds) and its counters in ``info["final_info"]``.

``info`` carries, per env, ``level``, ``levels_completed``, ``action_count``,
``level_action_count``, ``state`` (0 NOT_FINISHED, 1 WIN, 2 GAME_OVER) and
``action_mask`` (N, n) int8 (a read-only view when all rows are equal), each with
gymnasium's ``_key`` mask.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space
from torch import Tensor

from arcgames.actions import FRAME_SIZE, ActionCodec, ActionId, InvalidActionError
from arcgames.batched.engine import GAME_OVER, BatchedEngine, FinalStates, _indices
from arcgames.env import check_options
from arcgames.game import Game
from arcgames.palette import NUM_COLOURS, to_rgb
from arcgames.registry import get_game


class BatchedVectorEnv(gym.vector.VectorEnv):
    """``num_envs`` plays of one game on the batched engine (see the module docstring)."""

    metadata: ClassVar[dict[str, Any]] = {"autoreset_mode": AutoresetMode.SAME_STEP, "render_modes": ["rgb_array"]}

    def __init__(
        self,
        game_id: str | Game,
        num_envs: int,
        *,
        device: str | torch.device = "cpu",
        as_tensor: bool = False,
        undo_depth: int = 32,
        max_actions: int | None = None,
        reset_level: int | None = 0,
        render_mode: str | None = None,
    ) -> None:
        """``reset_level``: the level each episode starts at (after ``reset()`` and each autoreset);
        None samples one uniformly per episode, from a generator seeded by ``reset(seed=...)``."""
        check_options(render_mode, self.metadata["render_modes"], max_actions)
        game = game_id if isinstance(game_id, Game) else get_game(game_id)
        self.engine = BatchedEngine(game, num_envs, device=device, undo_depth=undo_depth)
        self.num_envs = num_envs
        self.as_tensor = as_tensor
        self.max_actions = max_actions
        self.reset_level = reset_level
        self.render_mode = render_mode
        self.codec = ActionCodec(game.actions)
        self.single_observation_space = gym.spaces.Box(0, NUM_COLOURS - 1, (FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.single_action_space = gym.spaces.Discrete(self.codec.n)
        self.action_space = batch_space(self.single_action_space, num_envs)

        # Flat index -> (action type, click x, click y), as tables on the device: decoding is one gather.
        dev = self.engine.device
        n_simple = len(self.codec.simple)
        clicks = torch.arange(self.codec.n - n_simple)
        kinds = torch.cat(
            [torch.tensor([int(a) for a in self.codec.simple]), torch.full_like(clicks, ActionId.ACTION6)]
        )
        self._kind_of = kinds.to(dev)
        self._x_of = torch.cat([torch.zeros(n_simple, dtype=torch.long), clicks % FRAME_SIZE]).to(dev)
        self._y_of = torch.cat([torch.zeros(n_simple, dtype=torch.long), clicks // FRAME_SIZE]).to(dev)
        self._mask_all = self.codec.mask()
        self._mask_reset = self.codec.mask(only_reset=True)
        self._mask_rows = torch.from_numpy(np.stack([self._mask_all, self._mask_reset])).to(dev)
        self._everyone = np.ones(num_envs, dtype=bool)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start new plays. ``options``: ``level`` (int, or one per env), ``reset_mask`` ((N,) bool: only those)."""
        super().reset(seed=seed)
        if seed is not None:
            self.engine.seed(seed)
        options = options or {}
        unknown = set(options) - {"level", "reset_mask"}
        if unknown:
            raise ValueError(f"unknown reset options {sorted(unknown)}; known: 'level', 'reset_mask'")
        mask = options.get("reset_mask")
        if mask is not None:
            mask = torch.as_tensor(np.asarray(mask, dtype=bool), device=self.engine.device)
        level = options.get("level", self.reset_level)
        if level is None:
            level = self.engine.sample_levels()
        elif isinstance(level, int | np.integer) and not isinstance(level, bool):
            level = int(level)
        else:
            level = torch.as_tensor(np.asarray(level, dtype=np.int64), device=self.engine.device)
        self.engine.reset(mask, level)
        return self._observations(), self._info()

    def step(self, actions: np.ndarray | Tensor):
        index = self._action_tensor(actions)
        kind, x, y = (table.index_select(0, index) for table in (self._kind_of, self._x_of, self._y_of))
        out = self.engine.step(kind, x, y, auto_reset=True, reset_level=self.reset_level, max_actions=self.max_actions)
        terminated = out.won | out.lost
        reward = out.completed.to(torch.float32 if self.as_tensor else torch.float64)
        info = self._info()
        if out.final is not None:
            self._add_final(info, out.reset, out.final)
        if self.as_tensor:
            return self._observations(), reward, terminated, out.truncated, info
        return self._observations(), reward.cpu().numpy(), terminated.cpu().numpy(), out.truncated.cpu().numpy(), info

    def render(self) -> tuple[np.ndarray, ...] | None:
        if self.render_mode != "rgb_array":
            return None
        return tuple(to_rgb(frame) for frame in self.engine.frames().cpu().numpy())

    # --- helpers -------------------------------------------------------------------

    def _action_tensor(self, actions: np.ndarray | Tensor) -> Tensor:
        """Actions as a (N,) long tensor on the device, every index checked in one vectorised test."""
        if isinstance(actions, Tensor):
            index = actions.to(self.engine.device)
        else:
            array = np.asarray(actions)
            if array.dtype.kind not in "iu":
                raise InvalidActionError(f"actions must be integer flat indices, got dtype {array.dtype}")
            index = torch.from_numpy(array.astype(np.int64, copy=False)).to(self.engine.device)
        if index.dtype.is_floating_point or index.dtype == torch.bool or index.is_complex():
            raise InvalidActionError(f"actions must be integer flat indices, got dtype {index.dtype}")
        if tuple(index.shape) != (self.num_envs,):
            raise InvalidActionError(f"actions have shape {tuple(index.shape)}; expected ({self.num_envs},)")
        index = index.long()
        bad = (index < 0) | (index >= self.codec.n)
        if bad.any():
            raise InvalidActionError(
                f"envs {_indices(bad)} sent action indices {index[bad][:20].tolist()}; "
                f"this game's flat actions are 0..{self.codec.n - 1}"
            )
        return index

    def _observations(self) -> np.ndarray | Tensor:
        frames = self.engine.frames()
        # The engine's buffer is live: hand out a copy, so an observation stays what it was.
        return frames.clone() if self.as_tensor else frames.cpu().numpy().copy()

    def _info(self) -> dict[str, Any]:
        e = self.engine
        values = {
            "level": e.level,
            "levels_completed": e.levels_completed,
            "action_count": e.action_count,
            "level_action_count": e.level_actions,
            "state": e.game_state,
        }
        info: dict[str, Any] = {}
        for key, value in values.items():
            info[key] = value.clone() if self.as_tensor else value.cpu().numpy()
            info[f"_{key}"] = self._everyone
        # Only RESET is allowed after GAME_OVER. Autoreset restarts such envs at once, so in practice every
        # row allows everything and the mask is a broadcast view, not (N, n) bytes written per step.
        over = e.game_state == GAME_OVER
        shape = (self.num_envs, self.codec.n)
        if self.as_tensor:
            info["action_mask"] = self._mask_rows[over.long()] if over.any() else self._mask_rows[0].expand(shape)
        elif over.any():
            info["action_mask"] = np.where(over.cpu().numpy()[:, None], self._mask_reset, self._mask_all)
        else:
            info["action_mask"] = np.broadcast_to(self._mask_all, shape)
        info["_action_mask"] = self._everyone
        return info

    def _add_final(self, info: dict[str, Any], reset: Tensor, final: FinalStates) -> None:
        frames = self.engine.render(final.grid, final.vars, final.level, final.levels_completed, final.game_state)
        done = reset.cpu().numpy()
        if self.as_tensor:
            info["final_obs"] = frames
        else:
            final_obs = np.full(self.num_envs, None, dtype=object)
            for row, env in enumerate(final.index.tolist()):
                final_obs[env] = frames[row].cpu().numpy()
            info["final_obs"] = final_obs
        info["_final_obs"] = done
        fields = {
            "level": final.level,
            "levels_completed": final.levels_completed,
            "action_count": final.action_count,
            "level_action_count": final.level_actions,
            "state": final.game_state,
        }
        final_info: dict[str, Any] = {}
        for key, value in fields.items():
            full = torch.zeros(self.num_envs, dtype=value.dtype, device=value.device)
            full[final.index] = value
            final_info[key] = full if self.as_tensor else full.cpu().numpy()
            final_info[f"_{key}"] = done
        info["final_info"] = final_info
        info["_final_info"] = done


def make_vec(game_id: str, num_envs: int, **kwargs: Any) -> BatchedVectorEnv:
    """The batched vector env for ``game_id`` (keyword arguments as :class:`BatchedVectorEnv`)."""
    return BatchedVectorEnv(game_id, num_envs, **kwargs)
