"""The batched engine: N plays of one game stepped at once, batch dimension first, exposed as torch tensors.

It implements exactly the scalar :class:`arcgames.engine.Engine` semantics (action
counting, RESET, undo, level advance, WIN, GAME_OVER) for every env at once by running
the game's own rule kernels (the one definition the scalar engine runs too, see
:mod:`arcgames.kernels`) over all envs in a compiled parallel loop
(:mod:`arcgames.batch`). The state lives in numpy arrays that the loop updates in place;
the public tensors (``grid``, ``vars``, ``level``, ...) are ``torch.from_numpy`` views of
them, so handing them to torch (PPO, :class:`~arcgames.batched.vector_env.BatchedVectorEnv`)
copies nothing. ``tests/test_batched.py`` checks states, counters and frames against one
scalar engine per env.

One difference, by design: the scalar engine's undo history is unbounded, while the
batched engine keeps the last ``undo_depth`` states per env in a ring buffer (fixed-size
arrays). Undoing more than ``undo_depth`` times in a row leaves the env at the oldest
state it remembers (further undos are counted no-ops, as undo with an empty history is
in the scalar engine).

Boards of different levels have different sizes. Each env keeps its board packed: the first
2 x h x w bytes of its row of the state array, which the kernels see as a C-ordered (2, h, w)
board, the very array type the scalar engine hands them, so that a game's rule kernels are
compiled once for every engine (padded views of one size took a second compile of every
kernel, 1-3 s a game on the first run). :attr:`BatchedEngine.grid` gives the boards padded
to the largest level's size (H, W) with the :data:`PAD` terrain, and :meth:`~BatchedEngine.board`
one env's board as a live view.

The engine runs on the CPU (its loop is split across threads, see :mod:`arcgames.batch`), or
with ``device="cuda"`` on an NVIDIA GPU: one CUDA thread per env, compiled by numba from the
same kernels, the state in torch tensors on the GPU (:mod:`arcgames.batched.cuda`, which says
what is tested without a GPU and what is not measured yet).
"""

from __future__ import annotations

from typing import Literal, NamedTuple, overload

import numpy as np
import torch
from torch import Tensor

from arcgames import batch
from arcgames.actions import FRAME_SIZE, ActionId, InvalidActionError
from arcgames.draw import STRIP_KEYS
from arcgames.engine import GameEndedError, GameState, compiled
from arcgames.game import Game
from arcgames.kernels import warm
from arcgames.kinds import FLAGS
from arcgames.state import NUM_VARS

# game_state codes, and the GameState each stands for.
NOT_FINISHED, WIN, GAME_OVER = batch.NOT_FINISHED, batch.WIN, batch.GAME_OVER
GAME_STATES = (GameState.NOT_FINISHED, GameState.WIN, GameState.GAME_OVER)
PAD = batch.PAD  # the padding terrain

_SHOWN_INDICES = 20  # env indices listed in an error message before "and N more"


class FinalStates(NamedTuple):
    """Snapshot of the envs an auto-reset step reset, taken just before their reset."""

    index: Tensor  # (M,) env indices
    grid: Tensor  # (M, 2, H, W) uint8, padded as BatchedEngine.grid
    vars: Tensor  # (M, NUM_VARS) int32
    level: Tensor  # (M,) long
    levels_completed: Tensor
    game_state: Tensor
    action_count: Tensor
    level_actions: Tensor


class StepOutcome(NamedTuple):
    """What an auto-reset step did, per env (all (N,) bool)."""

    completed: Tensor  # the action completed a level (the scalar step's return value)
    won: Tensor  # the game reached WIN (its last level completed)
    lost: Tensor  # the game reached GAME_OVER
    truncated: Tensor  # not won or lost, but the play reached max_actions
    reset: Tensor  # the env was reset to a new play in this step
    final: FinalStates | None  # the reset envs' states before their reset; None when none was reset


class BatchedEngine:
    """N copies of one game, stepped together.

    State (public, read-only for callers): ``vars`` (N, 8) int32 and (N,) long tensors ``level``,
    ``levels_completed``, ``game_state`` (0 NOT_FINISHED, 1 WIN, 2 GAME_OVER),
    ``action_count`` and ``level_actions``, live views of the arrays the kernels write; ``grid``,
    the boards padded to (N, 2, H, W) (H, W the largest level's), a snapshot.

    ``undo_depth`` bounds the undo history (see the module docstring); ``seed`` seeds the
    generator of sampled auto-reset levels. ``device`` is ``"cpu"`` or ``"cuda"`` (then the engine is a
    :class:`arcgames.batched.cuda.CudaBatchedEngine`, see the module docstring).
    """

    DEVICE_TYPE = "cpu"  # the torch device type this class runs on

    def __new__(cls, game: Game, num_envs: int, device: str | torch.device = "cpu", *args, **kwargs):
        if cls is BatchedEngine and torch.device(device).type == "cuda":
            from arcgames.batched.cuda import CudaBatchedEngine  # numba.cuda only loads when asked for

            cls = CudaBatchedEngine
        return super().__new__(cls)

    def __init__(
        self,
        game: Game,
        num_envs: int,
        device: str | torch.device = "cpu",
        undo_depth: int = 32,
        seed: int | None = None,
    ) -> None:
        if torch.device(device).type != self.DEVICE_TYPE:
            raise ValueError(
                f"the batched engine runs on the CPU or on CUDA, not {device}; create it with device='cpu' "
                "(and move its frames to your device with frames().to(device)) or device='cuda'"
            )
        for name, value in (("num_envs", num_envs), ("undo_depth", undo_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.game = game
        self.num_envs = n = num_envs
        self.device = torch.device("cpu")
        self.undo_depth = undo_depth
        self.num_levels = game.num_levels
        kernels = compiled(game)
        self._step_range, self._serve_range, self._run_step = kernels.step_range, kernels.serve_range, kernels.run_step

        levels = game.parsed
        self.height = height = max(lv.layout.height for lv in levels)
        self.width = width = max(lv.layout.width for lv in levels)
        row = batch.row_size(height, width)
        starts = np.zeros((len(levels), row), dtype=np.uint8)
        for index, lv in enumerate(levels):
            starts[index, : lv.start.grid.size] = lv.start.grid.reshape(-1)
        start_vars = np.stack([lv.start.vars for lv in levels])
        self._config = (starts, start_vars, game.look.layouts, FLAGS.copy())
        allowed = np.zeros(8, dtype=bool)
        allowed[[ActionId.RESET, *game.actions]] = True
        # legal[state, action type]: what each game state allows (after WIN nothing, after GAME_OVER RESET).
        self._legal = np.zeros((3, 8), dtype=bool)
        self._legal[NOT_FINISHED] = allowed
        self._legal[GAME_OVER, ActionId.RESET] = True
        self._generator = torch.Generator()
        if seed is not None:
            self._generator.manual_seed(seed)

        counters = [np.zeros(n, dtype=np.int64) for _ in range(5)]
        self._undo = ActionId.ACTION7 in game.actions
        slots = undo_depth + 1 if self._undo else 1  # only games that use undo (ACTION7) pay for the ring
        self._state = (
            np.zeros((n, row), dtype=np.uint8),
            np.zeros((n, NUM_VARS), dtype=np.int32),
            *counters,
            np.zeros((n, slots, row), dtype=np.uint8),
            np.zeros((n, slots, NUM_VARS), dtype=np.int32),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
        )
        # The public tensors are views of the arrays the kernels write: no copies either way.
        self.vars, self.level, self.levels_completed, self.game_state = (torch.from_numpy(a) for a in self._state[1:5])
        self.action_count, self.level_actions = torch.from_numpy(self._state[5]), torch.from_numpy(self._state[6])
        self._reset_level = np.zeros(n, dtype=np.int64)
        self._options = np.zeros(4, dtype=np.int64)
        self._acts = np.zeros((n, 5), dtype=np.int64)
        self._flags = np.zeros((5, n), dtype=bool)  # completed, won, lost, truncated, reset: one copy a step
        self._outputs = (
            *self._flags,
            np.zeros((n, row), dtype=np.uint8),
            np.zeros((n, NUM_VARS), dtype=np.int32),
            np.zeros((n, 5), dtype=np.int64),
            np.zeros(n, dtype=bool),
        )
        # The reset envs' final states, gathered by the step (batch.gather_finals): env index and counters, boards
        # padded as ``grid``, vars.
        self._finals = (np.zeros((6, n), dtype=np.int64), np.zeros((n, 2, height, width), dtype=np.uint8),
                        np.zeros((n, NUM_VARS), dtype=np.int32))  # fmt: skip
        frames = np.full((n, FRAME_SIZE, FRAME_SIZE), game.background, dtype=np.uint8)
        self._view = (game.look.arrays(), frames, *self._drawn(n))
        self._frames = torch.from_numpy(frames)
        self._frames_stale = True
        self._place()
        self.reset()
        self._warm()

    def _place(self) -> None:
        """Put the state where the kernels run: on the CPU it stays in the numpy arrays just made, which a step
        loop runs the compiled step over, split across threads (the CUDA engine moves it to the GPU here)."""
        self._actions = tuple(np.zeros(self.num_envs, dtype=np.int64) for _ in range(3))  # each step's type, x, y
        inputs = (*self._actions, self._reset_level, self._options, self._acts)
        self._loop = batch.StepLoop(self._step_range, self._serve_range, self.num_envs,
                                    (self._state, self._config, inputs, self._outputs, self._view))  # fmt: skip

    def _warm(self) -> None:
        """Compile (or load) the step and the drawing now, with a progress line on the first run: an empty
        range of envs (0, 0) has the step's own argument types and changes nothing."""
        loop = self._loop

        def compile_step() -> None:
            self._serve_range(loop.ctl, 0, 0, 0, 0, *loop.args)  # no polls: returns at once
            # RESET everywhere (the action buffers' zeros), judged legal and taken, but no env stepped and no
            # worker posted: a control array without workers' rows.
            no_workers = np.zeros((1, loop.ctl.shape[1]), dtype=np.int64)
            self._run_step(no_workers, 0, 0, 0, self._actions, self._legal, (0, 0, -1, 0, -1), *loop.args, self._finals)
            batch.gather_finals(self._config, self._outputs, self._finals)
            self._packed(self._padded(self._outputs[5][:0], self._state[2][:0]), self._state[2][:0])  # no boards

        warm(f"the batched step of game {self.game.id}", self._step_range, compile_step)
        warm("the batched drawing", batch.draw_range, self.frames)

    # --- public API --------------------------------------------------------------

    def seed(self, seed: int) -> None:
        """Seed the generator that samples auto-reset levels (``reset_level=None``)."""
        self._generator.manual_seed(seed)

    def sample_levels(self) -> Tensor:
        """(N,) levels drawn uniformly with the engine's generator, e.g. for ``reset(level=...)``."""
        return torch.randint(self.num_levels, (self.num_envs,), generator=self._generator)

    def reset(self, mask: Tensor | None = None, level: int | Tensor = 0) -> None:
        """Start new plays at ``level`` (an int, or a (N,) long tensor) for the envs in ``mask`` (None: all)."""
        n = self.num_envs
        if mask is None:
            envs = np.arange(n)
        else:
            check_tensor("mask", mask, torch.bool, n, self.device)
            envs = np.flatnonzero(mask.numpy())
        if isinstance(level, Tensor):
            check_tensor("level", level, torch.long, n, self.device)
            wanted = level.numpy()
            bad = np.zeros(n, dtype=bool)
            bad[envs] = (wanted[envs] < 0) | (wanted[envs] >= self.num_levels)
            if bad.any():
                raise ValueError(self.bad_levels_message(torch.from_numpy(bad), level))
            levels = wanted[envs]
        elif isinstance(level, bool) or not isinstance(level, int) or not 0 <= level < self.num_levels:
            raise ValueError(self.level_message(level))
        else:
            levels = level
        state = self._state
        state[2][envs] = levels
        for counter in state[3:7]:
            counter[envs] = 0
        starts, start_vars = self._config[0], self._config[1]
        state[0][envs] = starts[state[2][envs]]
        state[1][envs] = start_vars[state[2][envs]]
        state[10][envs] = 0
        self._frames_stale = True

    def bad_levels_message(self, bad: Tensor, level: Tensor) -> str:
        """What reset() says when the envs in ``bad`` were given levels out of range."""
        return f"levels must be in 0..{self.num_levels - 1}; envs {_indices(bad)} got {level[bad].tolist()}"

    def level_message(self, level: object) -> str:
        """What reset() says when ``level`` is neither a level index nor a tensor."""
        return f"level must be an integer in 0..{self.num_levels - 1} or a (N,) tensor, got {level!r}"

    @overload
    def step(self, action_type: Tensor, x: Tensor, y: Tensor, *, auto_reset: Literal[False] = False) -> Tensor: ...

    @overload
    def step(
        self,
        action_type: Tensor,
        x: Tensor,
        y: Tensor,
        *,
        auto_reset: Literal[True],
        reset_on_game_over: bool = True,
        reset_level: int | None = 0,
        max_actions: int | None = None,
    ) -> StepOutcome: ...

    def step(
        self,
        action_type: Tensor,
        x: Tensor,
        y: Tensor,
        *,
        auto_reset: bool = False,
        reset_on_game_over: bool = True,
        reset_level: int | None = 0,
        max_actions: int | None = None,
    ) -> Tensor | StepOutcome:
        """Apply one action per env: ``action_type`` (N,) ActionId values, click ``x``/``y`` (N,) in 0..63.

        ``x`` and ``y`` matter only where the action is ACTION6. Returns (N,) bool: the
        action completed a level. Raises (before changing anything) when an env sends an
        action its game does not use, a click outside the frame, any action after WIN or
        a non-RESET action after GAME_OVER, naming the offending envs.

        With ``auto_reset=True`` (for RL), envs that reached WIN, GAME_OVER (unless
        ``reset_on_game_over=False``) or ``max_actions`` actions start a new play at
        ``reset_level`` (None: a level sampled uniformly with the engine's generator),
        and a :class:`StepOutcome` says what happened.
        """
        actions = tuple(self._action_array(name, value) for name, value in (("action_type", action_type), ("x", x),
                                                                             ("y", y)))  # fmt: skip
        if auto_reset:
            check_settings(reset_level, max_actions, self.num_levels)
            if reset_level is None:
                self._reset_level[:] = self.sample_levels().numpy()
        keep = -1 if reset_level is None or not auto_reset else reset_level
        settings = (int(auto_reset), int(reset_on_game_over), -1 if max_actions is None else max_actions,
                    self.undo_depth if self._undo else 0, keep)  # fmt: skip
        loop = self._loop
        resets = self._run_step(loop.ctl, 0, self.num_envs, batch.WAIT_POLLS, actions, self._legal,
                                settings, *loop.args, self._finals)  # fmt: skip
        if resets == batch.ILLEGAL:
            raise_illegal(self.game, self.game_state, action_type, x, y)
        if resets == batch.PENDING:
            loop.finish()
            resets = batch.gather_finals(self._config, self._outputs, self._finals)
        if not auto_reset:
            return torch.from_numpy(self._flags[0].copy())  # a fresh tensor: the buffer is reused
        completed, won, lost, truncated, reset = torch.from_numpy(self._flags.copy()).unbind()
        final = None
        if resets:
            index, *counters = torch.from_numpy(self._finals[0][:, :resets].copy()).unbind()
            grid, vars = (torch.from_numpy(a[:resets].copy()) for a in self._finals[1:])
            final = FinalStates(index, grid, vars, *counters)
        return StepOutcome(completed, won, lost, truncated, reset, final)

    def _action_array(self, name: str, value: object) -> np.ndarray:
        """The step's (N,) int64 input ``name`` as a C-contiguous array the compiled step reads: checked in a few
        attribute reads when it is one already, with :func:`check_tensor`'s clear errors when it is not."""
        if (
            type(value) is not Tensor
            or value.dtype is not torch.long
            or value.shape != (self.num_envs,)
            or (value.device.type != "cpu")
        ):
            check_tensor(name, value, torch.long, self.num_envs, self.device)
        array = value.numpy()
        return array if array.flags.c_contiguous else np.ascontiguousarray(array)

    def frames(self) -> Tensor:
        """The current frames (N, 64, 64) uint8. A live buffer, updated in place: clone it to keep it."""
        if self._frames_stale:  # after reset(): a step draws its frames itself
            batch.run_ranges(batch.draw_range, self.num_envs, self._state, self._config, self._view)
            self._frames_stale = False
        return self._frames

    def _drawn(self, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What m frames show, as nothing drawn yet: the boards as drawn, levels, the strips' inputs."""
        return (np.zeros((m, batch.row_size(self.height, self.width)), dtype=np.uint8), np.full(m, -1, dtype=np.int64),
                np.full((m, STRIP_KEYS), -1, dtype=np.int64))  # fmt: skip

    def render(self, grid: Tensor, vars: Tensor, level: Tensor, levels_completed: Tensor, game_state: Tensor) -> Tensor:
        """Frames (M, 64, 64) of any plays: padded boards (M, 2, H, W), their vars (M, 8), and (M,) levels,
        levels completed and game states, e.g. a ``FinalStates``' fields."""
        m = grid.shape[0]
        frames = np.empty((m, FRAME_SIZE, FRAME_SIZE), dtype=np.uint8)
        frames[:, :, :] = self.game.background
        view = (self._view[0], frames, *self._drawn(m))

        def column(values: Tensor, dtype: type) -> np.ndarray:
            return np.ascontiguousarray(values.numpy(), dtype=dtype)

        # A state tuple of the same types as the engine's, so that the compiled drawing loop is reused.
        levels = column(level, np.int64)
        state = (self._packed(column(grid, np.uint8), levels), column(vars, np.int32), levels,
                 column(levels_completed, np.int64), column(game_state, np.int64), *self._state[5:])  # fmt: skip
        batch.run_ranges(batch.draw_range, m, state, self._config, view)
        return torch.from_numpy(frames)

    @property
    def grid(self) -> Tensor:
        """Every env's board, padded to (N, 2, H, W) with the :data:`PAD` terrain: a snapshot (a copy)."""
        return torch.from_numpy(self._padded(self._state[0], self._state[2]))

    def board(self, env: int) -> Tensor:
        """Env ``env``'s board, (2, h, w): equal to the scalar engine's ``state.grid``. A live view."""
        layout = self.game.parsed[int(self.level[env])].layout
        packed = torch.from_numpy(self._state[0][env])
        return packed[: 2 * layout.height * layout.width].view(2, layout.height, layout.width)

    def _padded(self, packed: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """Packed boards (M, R) of plays at ``levels`` (M,), as padded boards (M, 2, H, W)."""
        boards = np.zeros((len(packed), 2, self.height, self.width), dtype=np.uint8)
        boards[:, 0] = PAD
        batch.repack_boards(np.ascontiguousarray(packed), boards, np.ascontiguousarray(levels, dtype=np.int64),
                            self.game.look.layouts, True)  # fmt: skip
        return boards

    def _packed(self, boards: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """Padded boards (M, 2, H, W) of plays at ``levels`` (M,), packed as the kernels read them (M, R), R being
        :func:`arcgames.batch.row_size`."""
        packed = np.zeros((len(boards), batch.row_size(self.height, self.width)), dtype=np.uint8)
        batch.repack_boards(packed, np.ascontiguousarray(boards), np.ascontiguousarray(levels, dtype=np.int64),
                            self.game.look.layouts, False)  # fmt: skip
        return packed

    def states(self) -> list[GameState]:
        """The GameState of every env (a Python list: for inspection, not for hot loops)."""
        return [GAME_STATES[code] for code in self.game_state.tolist()]


# --- validation ---------------------------------------


def check_tensor(name: str, value: object, dtype: torch.dtype, n: int, device: torch.device) -> None:
    """Type, dtype, shape and device checks: plain Python, no device sync."""
    what = {torch.long: "torch.long (int64)", torch.bool: "torch.bool"}[dtype]
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a {what} tensor of shape ({n},), got {type(value).__name__}")
    if value.dtype != dtype:
        raise TypeError(f"{name} has dtype {value.dtype}; it must be {what}, e.g. {name}.to({dtype})")
    if tuple(value.shape) != (n,):
        raise ValueError(f"{name} has shape {tuple(value.shape)}; it must be ({n},), one entry per env")
    if _normalise(value.device) != device:
        raise ValueError(f"{name} is on {value.device} but the engine is on {device}; use .to('{device}')")


def check_settings(reset_level: object, max_actions: object, num_levels: int) -> None:
    """An auto-reset step's ``reset_level`` (None or a level index) and ``max_actions`` (None or a positive int)."""
    if reset_level is not None and (isinstance(reset_level, bool) or not isinstance(reset_level, int)
                                    or not 0 <= reset_level < num_levels):  # fmt: skip
        raise ValueError(f"reset_level must be None (a sampled level) or an integer in 0..{num_levels - 1}, "
                         f"got {reset_level!r}")  # fmt: skip
    if max_actions is not None and (isinstance(max_actions, bool) or not isinstance(max_actions, int)
                                    or max_actions < 1):  # fmt: skip
        raise ValueError(f"max_actions must be None (no limit) or a positive integer, got {max_actions!r}")


def raise_illegal(game: Game, game_state: Tensor, action_type: Tensor, x: Tensor, y: Tensor) -> None:
    """Name the envs whose action is not allowed, most basic problem first."""
    allowed = torch.zeros(8, dtype=torch.bool, device=action_type.device)
    allowed[[ActionId.RESET, *game.actions]] = True
    kind = action_type.clamp(0, 7)
    unknown = (action_type != kind) | ~allowed[kind]
    off_frame = (action_type == ActionId.ACTION6) & ((x < 0) | (x >= FRAME_SIZE) | (y < 0) | (y >= FRAME_SIZE))
    won = game_state == WIN
    over = (game_state == GAME_OVER) & (action_type != ActionId.RESET)
    if unknown.any():
        names = ", ".join(f"{a.name} ({a.value})" for a in (ActionId.RESET, *game.actions))
        raise InvalidActionError(
            f"envs {_indices(unknown)} sent action types {action_type[unknown][:_SHOWN_INDICES].tolist()}, "
            f"which this game does not use; its action types are {names}"
        )
    if off_frame.any():
        raise InvalidActionError(
            f"envs {_indices(off_frame)} sent clicks (ACTION6) outside the frame; x and y must be in "
            f"0..{FRAME_SIZE - 1}"
        )
    if won.any():
        raise GameEndedError(f"envs {_indices(won)} have won the game (WIN); call reset(mask) to play again")
    raise GameEndedError(
        f"envs {_indices(over)} are GAME_OVER and sent actions other than RESET; send RESET (0) to retry "
        "the level or call reset(mask) to start over"
    )


def _normalise(device: torch.device) -> torch.device:
    """``cuda`` and ``cuda:0`` name the same device; compare them as equal."""
    if device.type == "cuda" and device.index is None:
        return torch.device("cuda", torch.cuda.current_device())
    return device


def _indices(mask: Tensor) -> str:
    """The env indices where mask holds, for error messages (the first few, then a count)."""
    index = mask.nonzero().squeeze(1).tolist()
    shown = ", ".join(map(str, index[:_SHOWN_INDICES]))
    more = f" and {len(index) - _SHOWN_INDICES} more" if len(index) > _SHOWN_INDICES else ""
    return f"[{shown}]{more}"
