"""The Gymnasium environment: frames in, actions out, level progress in ``info``.

Agents see only what is here: the 64x64 frame, the available actions, the action
mask and level progress. Game titles, rules and internals never appear.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from arcgames.actions import FRAME_SIZE, Action, ActionCodec, ActionId
from arcgames.engine import Engine, GameState
from arcgames.palette import NUM_COLOURS, to_rgb
from arcgames.registry import get_game
from arcgames.render import frame_to_text


class ArcGameEnv(gym.Env):
    """One arcgames game as a Gymnasium env.

    Reward is 1.0 for each level completed. ``terminated`` is true on WIN and on
    GAME_OVER; after GAME_OVER the env still accepts RESET (retry the level, as in
    ARC-AGI-3), while ``reset()`` starts a new play from the first level.
    Actions are flat indices of ``action_space`` or :class:`arcgames.Action` values.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array", "ansi"], "render_fps": 10}

    def __init__(
        self, game_id: str, render_mode: str | None = None, max_actions: int | None = None, seed: int | None = None
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode {render_mode!r} is not supported; use one of {self.metadata['render_modes']}"
            )
        if max_actions is not None and (
            isinstance(max_actions, bool) or not isinstance(max_actions, int) or max_actions < 1
        ):
            raise ValueError(f"max_actions must be a positive integer or None, got {max_actions!r}")
        self.game = get_game(game_id)
        self.render_mode = render_mode
        self.max_actions = max_actions
        self.codec = ActionCodec(self.game.actions)
        self._full_mask, self._reset_mask = self.codec.mask(), self.codec.mask(only_reset=True)
        self.observation_space = gym.spaces.Box(0, NUM_COLOURS - 1, (FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        self.action_space = gym.spaces.Discrete(self.codec.n)
        self.engine = Engine(self.game)
        self._default_seed = _check_seed(seed)
        self._window = None  # the pygame window of render_mode="human", opened on first render

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Start a new play. ``options={"level": k}`` starts at level k (0-based)."""
        seed = _check_seed(seed)
        if seed is None:  # the seed given to make() applies to the first reset only
            seed, self._default_seed = self._default_seed, None
        super().reset(seed=seed)
        options = options or {}
        unknown = set(options) - {"level"}
        if unknown:
            raise ValueError(f"unknown reset options {sorted(unknown)}; the only option is 'level'")
        self.engine.reset(options.get("level", 0))
        if self.render_mode == "human":
            self.render()
        return self.engine.frame.copy(), self._info()

    def step(self, action: Action | ActionId | int):
        action = self.codec.to_action(action)
        completed = self.engine.step(action)
        state = self.engine.game_state
        terminated = state != GameState.NOT_FINISHED
        truncated = not terminated and self.max_actions is not None and self.engine.action_count >= self.max_actions
        if self.render_mode == "human":
            self.render()
        return self.engine.frame.copy(), float(completed), terminated, truncated, self._info()

    def _info(self) -> dict[str, Any]:
        engine = self.engine
        return {
            "game_id": self.game.id,
            "level": engine.level,
            "levels_completed": engine.levels_completed,
            "num_levels": self.game.num_levels,
            "state": engine.game_state.value,
            "available_actions": self.codec.available,
            "action_count": engine.action_count,
            "level_action_count": engine.level_actions,
            "action_mask": (self._reset_mask if engine.game_state == GameState.GAME_OVER else self._full_mask).copy(),
        }

    def render(self) -> np.ndarray | str | None:
        if self.render_mode == "rgb_array":
            return to_rgb(self.engine.frame)
        if self.render_mode == "ansi":
            return frame_to_text(self.engine.frame)
        if self.render_mode == "human":
            self._show()
        return None

    def _show(self) -> None:
        """Draw the frame in a pygame window (opened on first use), as Gymnasium's human mode does."""
        from arcgames.window import draw_frame, draw_status, open_window, pygame

        if self._window is None:
            self._window = open_window(f"arcgames {self.game.id}", interactive=False)
            self._clock = pygame.time.Clock()
        pygame.event.pump()  # keep the window responsive; input belongs to `arcgames play`
        info = self._info()
        draw_frame(self._window, self.engine.frame)
        status = f"level {info['level'] + 1} of {info['num_levels']}   actions {info['action_count']}   {info['state']}"
        draw_status(self._window, status)
        pygame.display.flip()
        self._clock.tick(self.metadata["render_fps"])

    def close(self) -> None:
        if self._window is not None:
            from arcgames.window import pygame

            pygame.display.quit()
            self._window = None


def check_options(render_mode: str | None, render_modes: list[str], max_actions: int | None) -> None:
    """Validate the options every arcgames env takes (the scalar one and the batched vector env)."""
    if render_mode is not None and render_mode not in render_modes:
        raise ValueError(f"render_mode {render_mode!r} is not supported; use one of {render_modes}")
    if max_actions is not None and (
        isinstance(max_actions, bool) or not isinstance(max_actions, int) or max_actions < 1
    ):
        raise ValueError(f"max_actions must be a positive integer or None, got {max_actions!r}")


def _check_seed(seed: object) -> int | None:
    if seed is not None and (not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0):
        raise TypeError(f"seed must be a non-negative integer or None, got {type(seed).__name__} {seed!r}")
    return None if seed is None else int(seed)


def make(
    game_id: str,
    *,
    seed: int | None = None,
    render_mode: str | None = None,
    max_actions: int | None = None,
    **kwargs: Any,
) -> gym.Env:
    """Create the env for ``game_id`` through ``gymnasium.make`` (so the usual wrappers apply).

    ``seed`` seeds the first ``reset()``; ``max_actions`` truncates a play after that many actions.
    """
    get_game(game_id)  # fail with the list of known ids before gymnasium's own error
    _check_seed(seed)
    return gym.make(f"arcgames/{game_id}", render_mode=render_mode, max_actions=max_actions, seed=seed, **kwargs)


def register_envs() -> None:
    """Register every known game as ``arcgames/<id>`` with Gymnasium."""
    from arcgames.registry import list_games

    for game_id in list_games():
        env_id = f"arcgames/{game_id}"
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point="arcgames.env:ArcGameEnv", kwargs={"game_id": game_id})
