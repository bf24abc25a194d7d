"""The games as a TRL ``environment_factory`` for ``GRPOTrainer``: named tools, the engine's reward.

TRL builds one instance per rollout with no arguments, calls ``reset(**row)`` with the dataset
row (its string return is appended to the prompt), exposes every other public method as a
tool (typed arguments, an ``Args:`` docstring) and reads ``get_reward()`` when the rollout
ends. The tools are the LLM agent's actions by name; each returns what the action did and
the next frame, in the agent's own text. Use::

    from arcgames.train.trl_env import ArcGamesToolEnv, grpo_dataset
    trainer = GRPOTrainer(model=..., train_dataset=grpo_dataset(["e8gx", "pf91"]),
                          environment_factory=ArcGamesToolEnv, args=GRPOConfig(...))

The dataset row names the game (``game_id``); the prompt, which the model reads, never does.
Calls that TRL itself refuses before they reach the environment (an unknown tool name,
missing arguments) are not counted as actions: they earn nothing and use up the rollout's
``max_tool_calling_iterations`` and completion length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from arcgames.actions import Action
from arcgames.train.episode import DEFAULT_BUDGET_FACTOR, Episode, Turn, named_tools_prompt

START_TEXT = "Play the game."


class ArcGamesToolEnv:
    """One rollout's game, played through named tools; subclass to change the class-level settings."""

    budget_factor: ClassVar[float] = DEFAULT_BUDGET_FACTOR
    rle: ClassVar[bool] = True  # fewer prompt tokens: a frame is ~4,000 characters as hex rows
    history: ClassVar[int] = 0  # the conversation itself holds every earlier tool result

    def __init__(self) -> None:
        self.episode: Episode | None = None

    def reset(self, game_id: str | None = None, **row: Any) -> str:
        """Start the row's game (``game_id``) from its first level; returns the first frame as text."""
        if not isinstance(game_id, str):
            raise ValueError("each dataset row needs a game_id column naming an arcgames game (see grpo_dataset)")
        self.episode = Episode(game_id, budget_factor=self.budget_factor, history=self.history, rle=self.rle)
        return "\n\n" + self.episode.observation()

    def move(self, direction: str) -> str:
        """Move one step (ACTION1..ACTION4).

        Args:
            direction: up, down, left or right.
        """
        return self._said(self._episode().move(direction))

    def interact(self) -> str:
        """Interact / use (ACTION5)."""
        return self._said(self._episode().play_args({"action": "ACTION5"}))

    def click(self, x: int, y: int) -> str:
        """Click one pixel of the frame (ACTION6).

        Args:
            x: column of the pixel, 0 (left edge) to 63.
            y: row of the pixel, 0 (top) to 63.
        """
        return self._said(self._episode().play_args({"action": "ACTION6", "x": x, "y": y}))

    def undo(self) -> str:
        """Undo the last action (ACTION7)."""
        return self._said(self._episode().play_args({"action": "ACTION7"}))

    def reset_level(self) -> str:
        """Restart the current level from its start (RESET); after GAME OVER the only action that works."""
        return self._said(self._episode().play(Action.RESET))

    def get_reward(self) -> float:
        """The rollout's reward: the completed levels' scores, from the engine (see arcgames.train.episode)."""
        return self.episode.reward if self.episode is not None else 0.0

    def _episode(self) -> Episode:
        if self.episode is None:
            raise RuntimeError("reset() must be called before a tool")
        return self.episode

    def _said(self, turn: Turn) -> str:
        """A tool's answer: what the action did, then the next frame (or that the episode is over)."""
        episode = self._episode()
        head = f"Error: {turn.error}. It counted as an action." if turn.error else f"Result: {turn.outcome}."
        if turn.done:
            return f"{head}\nThe episode is over: {episode.levels_completed} levels completed. Stop calling tools."
        return f"{head}\n\n{episode.observation()}"


def grpo_dataset(games: Sequence[str], repeats: int = 1, rle: bool = True):  # -> datasets.Dataset
    """A GRPO dataset: one row per game (``repeats`` times), the prompt naming no game."""
    from datasets import Dataset

    if not games:
        raise ValueError("no games to train on")
    if repeats < 1:
        raise ValueError(f"repeats must be 1 or more, got {repeats}")
    prompt = [{"role": "system", "content": named_tools_prompt(rle)}, {"role": "user", "content": START_TEXT}]
    return Dataset.from_list([{"prompt": prompt, "game_id": game_id} for _ in range(repeats) for game_id in games])
