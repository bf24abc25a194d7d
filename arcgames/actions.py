"""Actions: the ARC-AGI-3 action set as a structured type and a flat RL encoding.

People and LLMs use :class:`Action` (``Action.ACTION1``, ``Action.click(x, y)``);
RL code uses the flat ``Discrete`` index of an :class:`ActionCodec`, which covers
exactly the actions one game uses, so every index a policy can emit is legal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

import numpy as np

FRAME_SIZE = 64


class ActionId(IntEnum):
    """Action types, numbered as in ARC-AGI-3."""

    RESET = 0  # restart the current level
    ACTION1 = 1  # up
    ACTION2 = 2  # down
    ACTION3 = 3  # left
    ACTION4 = 4  # right
    ACTION5 = 5  # interact / use
    ACTION6 = 6  # click at (x, y), 0..63 each
    ACTION7 = 7  # undo


class InvalidActionError(ValueError):
    """An action that is malformed or not allowed in the current game or state."""


@dataclass(frozen=True, slots=True)
class Action:
    """One action: a type, plus frame coordinates for clicks (ACTION6)."""

    id: ActionId
    x: int | None = None
    y: int | None = None

    RESET: ClassVar[Action]
    ACTION1: ClassVar[Action]
    ACTION2: ClassVar[Action]
    ACTION3: ClassVar[Action]
    ACTION4: ClassVar[Action]
    ACTION5: ClassVar[Action]
    ACTION7: ClassVar[Action]
    UP: ClassVar[Action]
    DOWN: ClassVar[Action]
    LEFT: ClassVar[Action]
    RIGHT: ClassVar[Action]
    INTERACT: ClassVar[Action]
    UNDO: ClassVar[Action]

    def __post_init__(self) -> None:
        if isinstance(self.id, bool):
            raise InvalidActionError(f"action type must be an ActionId or 0..7, got {self.id!r}")
        try:
            object.__setattr__(self, "id", ActionId(self.id))
        except ValueError:
            raise InvalidActionError(
                f"unknown action type {self.id!r}; allowed: {', '.join(a.name for a in ActionId)} (0..7)"
            ) from None
        if self.id == ActionId.ACTION6:
            for name, value in (("x", self.x), ("y", self.y)):
                if not isinstance(value, int | np.integer) or isinstance(value, bool):
                    raise InvalidActionError(f"ACTION6 (click) needs integer {name}, got {value!r}")
                if not 0 <= value < FRAME_SIZE:
                    raise InvalidActionError(
                        f"click {name}={value} is outside the frame; {name} must be in 0..{FRAME_SIZE - 1}"
                    )
            object.__setattr__(self, "x", int(self.x))
            object.__setattr__(self, "y", int(self.y))
        elif self.x is not None or self.y is not None:
            raise InvalidActionError(f"only ACTION6 takes coordinates; {self.id.name} got x={self.x}, y={self.y}")

    @classmethod
    def click(cls, x: int, y: int) -> Action:
        """A click (ACTION6) at frame column ``x`` and row ``y``."""
        return cls(ActionId.ACTION6, x, y)

    def __str__(self) -> str:
        return f"ACTION6({self.x},{self.y})" if self.id == ActionId.ACTION6 else self.id.name

    @classmethod
    def parse(cls, text: str) -> Action:
        """Parse ``str(action)`` back: ``"ACTION3"``, ``"RESET"`` or ``"ACTION6(12,40)"``."""
        text = text.strip().upper()
        if text.startswith("ACTION6"):
            inner = text[len("ACTION6") :].strip().removeprefix("(").removesuffix(")")
            try:
                x, y = (int(part) for part in inner.split(","))
            except ValueError:
                raise InvalidActionError(f"cannot read click {text!r}; write it as ACTION6(x,y)") from None
            return cls.click(x, y)
        try:
            return cls(ActionId[text])
        except KeyError:
            raise InvalidActionError(
                f"unknown action {text!r}; allowed: {', '.join(a.name for a in ActionId)}"
            ) from None


for _id in ActionId:
    if _id != ActionId.ACTION6:
        setattr(Action, _id.name, Action(_id))
Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT = Action.ACTION1, Action.ACTION2, Action.ACTION3, Action.ACTION4
Action.INTERACT, Action.UNDO = Action.ACTION5, Action.ACTION7


class ActionCodec:
    """Flat integer encoding of one game's actions, for ``gymnasium.spaces.Discrete``.

    Index order: RESET, then the game's other simple actions in ActionId order, then
    (if the game uses clicks) 4096 clicks with index ``base + y * 64 + x``.
    """

    def __init__(self, available: tuple[ActionId, ...]) -> None:
        self.available = tuple(sorted(set(available) | {ActionId.RESET}))
        self.simple = tuple(a for a in self.available if a != ActionId.ACTION6)
        self.clicks = ActionId.ACTION6 in self.available
        self.n = len(self.simple) + (FRAME_SIZE * FRAME_SIZE if self.clicks else 0)
        self._index_of = {a: i for i, a in enumerate(self.simple)}
        # Decoded actions are cached: building and validating an Action costs ~2 µs per step.
        self._decoded: list[Action | None] = [None] * self.n

    def decode(self, index: int | np.integer) -> Action:
        """The Action for a flat index."""
        if not isinstance(index, int | np.integer) or isinstance(index, bool):
            raise InvalidActionError(f"a flat action must be an integer, got {type(index).__name__} {index!r}")
        if not 0 <= index < self.n:
            raise InvalidActionError(f"action index {index} is out of range; this game's actions are 0..{self.n - 1}")
        action = self._decoded[index]
        if action is None:
            if index < len(self.simple):
                action = Action(self.simple[index])
            else:
                y, x = divmod(int(index) - len(self.simple), FRAME_SIZE)
                action = Action.click(x, y)
            self._decoded[index] = action
        return action

    def encode(self, action: Action) -> int:
        """The flat index of an Action this game uses."""
        self.check(action)
        if action.id == ActionId.ACTION6:
            return len(self.simple) + action.y * FRAME_SIZE + action.x
        return self._index_of[action.id]

    def check(self, action: Action) -> None:
        """Raise InvalidActionError if this game does not use the action's type."""
        if action.id not in self.available:
            raise InvalidActionError(
                f"{action.id.name} is not used by this game; available actions: "
                + ", ".join(a.name for a in self.available)
            )

    def mask(self, only_reset: bool = False) -> np.ndarray:
        """An int8 mask over the flat indices (1 = allowed now)."""
        mask = np.zeros(self.n, dtype=np.int8)
        if only_reset:
            mask[self._index_of[ActionId.RESET]] = 1
        else:
            mask[:] = 1
        return mask

    def to_action(self, action: Action | ActionId | int | np.integer) -> Action:
        """Accept an Action, a bare ActionId (not ACTION6) or a flat index; return an Action."""
        if isinstance(action, ActionId):  # before int: ActionId is an IntEnum
            action = Action(action)
        if isinstance(action, Action):
            self.check(action)
            return action
        if isinstance(action, int | np.integer) and not isinstance(action, bool):
            return self.decode(action)
        raise InvalidActionError(
            f"an action must be an arcgames.Action or a flat index 0..{self.n - 1}, got {type(action).__name__}"
        )
