"""The scalar engine: one play of one game, with levels, action counting, undo and frames.

It is the single source of truth for game semantics; the Gymnasium env, the solver,
recordings and replays all drive it.
"""

from __future__ import annotations

from enum import Enum, StrEnum

import numpy as np

from arcgames.actions import FRAME_SIZE, Action, ActionId, InvalidActionError
from arcgames.draw import GAME_OVER, NOT_FINISHED, SOLVED, STRIP_KEYS, WIN, draw_play
from arcgames.game import Game, Layout
from arcgames.kernels import GameKernels, act_array, game_kernels, warm
from arcgames.kinds import FLAGS
from arcgames.state import MOVES, Act, State


class GameState(StrEnum):
    """Where a play stands, named as in ARC-AGI-3."""

    NOT_FINISHED = "NOT_FINISHED"
    WIN = "WIN"
    GAME_OVER = "GAME_OVER"


class GameEndedError(InvalidActionError):
    """An action sent after the play has ended."""


class Outcome(Enum):
    """What one action did to a level."""

    CONTINUE = 0
    WON = 1
    LOST = 2


_OUTCOMES = (Outcome.CONTINUE, Outcome.WON, Outcome.LOST)
_STATE_CODES = {GameState.NOT_FINISHED: NOT_FINISHED, GameState.WIN: WIN, GameState.GAME_OVER: GAME_OVER}


def compiled(game: Game) -> GameKernels:
    """The game's compiled kernels, compiled (or loaded from the disk cache) on first use."""
    found = game.__dict__.get("_kernels")
    if found is None:
        found = game_kernels(game)
        object.__setattr__(game, "_kernels", found)
    return found


def advance(game: Game, state: State, act: Act) -> Outcome:
    """Apply one action's rules to ``state`` in place, then judge it (a win takes precedence): the game's
    rule and condition kernels, composed into one compiled ``advance`` (see arcgames/kernels.py)."""
    return _OUTCOMES[compiled(game).advance(state.grid, state.vars, act_array(act), FLAGS)]


def check_level(game: Game, level: object) -> None:
    """Refuse anything but a 0-based level index of ``game``."""
    if isinstance(level, bool) or not isinstance(level, int | np.integer) or not 0 <= level < game.num_levels:
        raise ValueError(
            f"level must be an integer in 0..{game.num_levels - 1} (a 0-based index: "
            f"levels 1..{game.num_levels} as people count them), got {level!r}"
        )


def to_act(action: Action, layout: Layout) -> Act:
    """Translate an Action into what rules see: a move direction or a clicked board cell."""
    if action.id == ActionId.ACTION6:
        row, col = layout.cell_at(action.x, action.y)
        return Act(action.id, row=row, col=col)
    return MOVES.get(action.id) or Act(action.id)


class Engine:
    """Plays one game from a start level; every action counts, RESET and undo included."""

    def __init__(self, game: Game, level: int = 0) -> None:
        self.game = game
        self._undoable = ActionId.ACTION7 in game.actions
        self._frame = np.full((FRAME_SIZE, FRAME_SIZE), game.background, dtype=np.uint8)
        # What the frame shows, for redrawing only what changed: a flat copy of the board as drawn (room for the
        # largest level), the strip's inputs and the level drawn (arcgames/draw.py).
        self._look = game.look
        self._arrays = game.look.arrays()
        height = max(lv.layout.height for lv in game.parsed)
        width = max(lv.layout.width for lv in game.parsed)
        self._shown = np.zeros(2 * height * width, dtype=np.uint8)
        self._seen = np.full(STRIP_KEYS, -1, dtype=np.int64)
        self._drawn_level = np.full(1, -1, dtype=np.int64)
        # The board as the last level-completing action left it: the next level's frame replaces it at once,
        # so the play window shows this one for a moment. Drawn only on completions, never part of a step's result.
        self.solved_frame: np.ndarray | None = None
        compiled(game)
        warm("the frame drawing", draw_play, lambda: self.reset(level))  # reset draws the first frame

    def reset(self, level: int = 0) -> None:
        """Start a new play at ``level`` (0-based) with all counters at zero."""
        check_level(self.game, level)
        self.game_state = GameState.NOT_FINISHED
        self.levels_completed = 0
        self.action_count = 0
        self._start_level(int(level))

    @property
    def frame(self) -> np.ndarray:
        """The current 64x64 frame. A live buffer: copy it to keep it."""
        return self._frame

    def step(self, action: Action) -> bool:
        """Apply one action; return True when it completed a level."""
        if self.game_state == GameState.WIN:
            raise GameEndedError("the game is won; call reset() to play again")
        if self.game_state == GameState.GAME_OVER and action.id != ActionId.RESET:
            raise GameEndedError(
                f"game over: {action} is not allowed; send RESET to retry the level or call reset() to start over"
            )
        if action.id != ActionId.RESET and action.id not in self.game.actions:
            raise InvalidActionError(
                f"{action.id.name} is not used by this game; available actions: RESET, "
                + ", ".join(a.name for a in self.game.actions)
            )
        self.action_count += 1
        self.level_actions += 1
        completed = False
        if action.id == ActionId.RESET:
            self.game_state = GameState.NOT_FINISHED
            self._start_level(self.level, keep_count=True)
            return False
        if action.id == ActionId.ACTION7:
            if self._history:
                self.state = self._history.pop()
        else:
            if self._undoable:  # games without undo keep no history: no copy, no memory growth
                self._history.append(self.state.copy())
            completed = self._apply(to_act(action, self.layout))
        if not completed:
            self._draw()
        return completed

    def _apply(self, act: Act) -> bool:
        outcome = advance(self.game, self.state, act)
        if outcome == Outcome.WON:
            self.levels_completed += 1
            if self.level + 1 == self.game.num_levels:
                self.game_state = GameState.WIN
                self._draw()
                self.solved_frame = self._frame.copy()
            else:
                self._draw(SOLVED)
                self.solved_frame = self._frame.copy()
                self._start_level(self.level + 1)
            return True
        if outcome == Outcome.LOST:
            self.game_state = GameState.GAME_OVER
        return False

    def _start_level(self, level: int, keep_count: bool = False) -> None:
        self.level = level
        if not keep_count:
            self.level_actions = 0
        start = self.game.parsed[level]
        self.state: State = start.start.copy()
        self.layout = start.layout
        self._history: list[State] = []
        self._drawn = None
        self._draw()

    def _draw(self, state: int | None = None) -> None:
        """Bring the frame up to date (arcgames/draw.py: the kernel the batched engine draws with too).
        ``state`` overrides what the strip shows (draw.SOLVED for :attr:`solved_frame`)."""
        code = _STATE_CODES[self.game_state] if state is None else state
        # Many actions change nothing (bumping a wall); skipping their redraw saves the kernel call.
        key = (self.state.key(), self.levels_completed, code)
        if key == self._drawn:
            return
        self._drawn = key
        draw_play(self._frame, self._shown, self._seen, self._drawn_level, self.state.grid, self.state.vars,
                  self.level, self.levels_completed, code, self._look.layouts, self._arrays)  # fmt: skip
