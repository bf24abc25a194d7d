"""The random agent: uniform over the available actions, clicks uniform over the frame."""

from __future__ import annotations

from typing import Any

import numpy as np

from arcgames.actions import FRAME_SIZE, Action, ActionId
from arcgames.agent import GameInfo
from arcgames.draw import BOARD_TOP


class RandomAgent:
    """Picks an available action type uniformly (never RESET unless the game is over).

    A click goes to a uniformly random pixel; with ``click_objects=True`` it goes to a
    random pixel of the board area (below the status strip, whose marks are never the board) whose colour
    differs from the frame's most common colour, which is where things usually are.
    """

    name = "random"

    def __init__(self, seed: int = 0, click_objects: bool = False) -> None:
        self.seed = seed
        self.click_objects = click_objects
        self.rng = np.random.default_rng(seed)

    def config(self) -> dict[str, Any]:
        return {"agent": self.name, "seed": self.seed, "click_objects": self.click_objects}

    def reset(self, game: GameInfo | None = None) -> None:
        self.rng = np.random.default_rng(self.seed)

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action:
        if info["state"] == "GAME_OVER":
            return Action.RESET
        choices = [a for a in info["available_actions"] if a != ActionId.RESET]
        choice = ActionId(choices[self.rng.integers(len(choices))])
        if choice != ActionId.ACTION6:
            return Action(choice)
        if self.click_objects:
            colours, counts = np.unique(frame, return_counts=True)
            ys, xs = np.nonzero(frame[BOARD_TOP:] != colours[counts.argmax()])
            if len(ys):
                i = self.rng.integers(len(ys))
                return Action.click(int(xs[i]), int(ys[i]) + BOARD_TOP)
        x, y = self.rng.integers(FRAME_SIZE, size=2)
        return Action.click(int(x), int(y))
