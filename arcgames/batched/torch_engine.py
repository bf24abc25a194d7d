"""The torch batched engine, for games whose rules are not all compiled kernels yet (issue 14 migrates
them; :class:`arcgames.batched.engine.BatchedEngine` picks this engine only for those).

It implements exactly the scalar :class:`arcgames.engine.Engine` semantics (action
counting, RESET, undo, level advance, WIN, GAME_OVER) for every env at once, with
the vectorised rules of :mod:`arcgames.batched.rules`; ``tests/test_batched.py``
checks states, counters and frames against one scalar engine per env.

One difference, by design: the scalar engine's undo history is unbounded, while the
batched engine keeps the last ``undo_depth`` states per env in a ring buffer (a
fixed-size tensor is what lets it live on a GPU). Undoing more than ``undo_depth``
times in a row leaves the env at the oldest state it remembers (further undos are
counted no-ops, as undo with an empty history is in the scalar engine).

Boards of different levels are padded to one size with the PAD terrain (see
:mod:`arcgames.batched.rules`); ``grid[n, :, :h, :w]`` is the scalar state of env n on
a level of h x w cells, and the rest stays PAD / empty.
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
import torch
from torch import Tensor

from arcgames.actions import FRAME_SIZE, ActionId
from arcgames.batched.engine import (
    GAME_OVER,
    GAME_STATES,
    NOT_FINISHED,
    WIN,
    FinalStates,
    StepOutcome,
    _indices,
    _normalise,
    check_tensor,
    raise_illegal,
)
from arcgames.batched.frames import FrameBuffer, FrameTables, render
from arcgames.batched.rules import (
    BATCHED_CONDITIONS,
    BATCHED_RULES,
    PAD,
    Batch,
    BatchAct,
    BoardSpec,
    unsupported_reason,
)
from arcgames.game import Game
from arcgames.state import NUM_VARS


class TorchBatchedEngine:
    """N copies of one game, stepped together on one device.

    State (public, read-only for callers): ``grid`` (N, 2, H, W) uint8 padded boards (H, W
    at least one more than the largest level, see :func:`arcgames.batched.rules.padded_size`),
    ``vars`` (N, 8) int32, and (N,) long tensors ``level``, ``levels_completed``,
    ``game_state`` (0 NOT_FINISHED, 1 WIN, 2 GAME_OVER), ``action_count`` and
    ``level_actions``; per-level start states stay on the device.

    ``undo_depth`` bounds the undo history (see the module docstring); ``seed`` seeds the
    generator of sampled auto-reset levels; ``compile=True`` runs the rules through
    ``torch.compile`` (slower on CPU in our measurements: benchmark before choosing it).
    """

    def __init__(
        self,
        game: Game,
        num_envs: int,
        device: str | torch.device = "cpu",
        undo_depth: int = 32,
        seed: int | None = None,
        compile: bool = False,
    ) -> None:
        reason = unsupported_reason(game)
        if reason is not None:
            raise ValueError(f"game {game.id} cannot run on the batched engine: {reason}")
        for name, value in (("num_envs", num_envs), ("undo_depth", undo_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.game = game
        self.num_envs = num_envs
        self.device = _normalise(torch.device(device))
        self.undo_depth = undo_depth
        self.num_levels = game.num_levels

        levels = game.parsed
        self.spec = BoardSpec.fit([lv.start.grid for lv in levels], self.device)
        height, width = self.spec.height, self.spec.width
        starts = torch.zeros((len(levels), 2, height, width), dtype=torch.uint8)
        starts[:, 0] = PAD
        for index, lv in enumerate(levels):
            h, w = lv.layout.height, lv.layout.width
            starts[index, :, :h, :w] = torch.from_numpy(lv.start.grid)
        self._starts = starts.to(self.device)
        self._start_vars = torch.from_numpy(np.stack([lv.start.vars for lv in levels])).to(self.device)
        self._rules = [BATCHED_RULES[fn.__name__] for fn in game.rules]
        self._win = [BATCHED_CONDITIONS[fn.__name__] for fn in game.win]
        self._lose = [BATCHED_CONDITIONS[fn.__name__] for fn in game.lose]
        allowed = torch.zeros(8, dtype=torch.bool)
        allowed[[ActionId.RESET, *game.actions]] = True
        self._allowed = allowed.to(self.device)
        self._clicks = ActionId.ACTION6 in game.actions
        self._no_click = torch.full((num_envs,), -1, dtype=torch.long, device=self.device)
        # legal[state * 8 + action type]: what each game state allows (after WIN nothing, after GAME_OVER RESET).
        legal = torch.zeros((3, 8), dtype=torch.bool)
        legal[NOT_FINISHED] = allowed
        legal[GAME_OVER, ActionId.RESET] = True
        self._legal = legal.view(-1).to(self.device)
        self._tables = FrameTables(game, self.spec, self.device)
        self._generator = torch.Generator(device=self.device)
        if seed is not None:
            self._generator.manual_seed(seed)

        n = num_envs
        self.grid = torch.empty((n, 2, height, width), dtype=torch.uint8, device=self.device)
        self.vars = torch.zeros((n, NUM_VARS), dtype=torch.int32, device=self.device)
        zeros = torch.zeros(n, dtype=torch.long, device=self.device)
        self.level, self.levels_completed, self.game_state = zeros.clone(), zeros.clone(), zeros.clone()
        self.action_count, self.level_actions = zeros.clone(), zeros.clone()
        # The undo ring buffer (see _undo_step): per env, ``head`` is the slot written next and ``count``
        # how many slots below it are history. Only games that use undo (ACTION7) pay for it.
        self._undo = ActionId.ACTION7 in game.actions
        if self._undo:
            slots = n * (undo_depth + 1)
            self._undo_grid = torch.zeros((slots, 2, height, width), dtype=torch.uint8, device=self.device)
            self._undo_vars = torch.zeros((slots, NUM_VARS), dtype=torch.int32, device=self.device)
            self._ring_base = torch.arange(n, device=self.device) * (undo_depth + 1)
        self._undo_head, self._undo_count = zeros.clone(), zeros.clone()
        self._frames = FrameBuffer(self._tables, n, self.spec.cells, self.device)
        # Why compiling is optional and off by default: measured on CPU, torch.compile made the
        # rules slower (the in-place updates of board views and the scatters do not fuse well);
        # benchmarks/batched_step_rate.py compares both.
        self._advance = (
            torch.compile(self._rules_and_conditions, dynamic=False) if compile else self._rules_and_conditions
        )
        self._frames_stale = True
        self.reset()

    # --- public API --------------------------------------------------------------

    def seed(self, seed: int) -> None:
        """Seed the generator that samples auto-reset levels (``reset_level=None``)."""
        self._generator.manual_seed(seed)

    def sample_levels(self) -> Tensor:
        """(N,) levels drawn uniformly with the engine's generator, e.g. for ``reset(level=...)``."""
        return torch.randint(self.num_levels, (self.num_envs,), generator=self._generator, device=self.device)

    def reset(self, mask: Tensor | None = None, level: int | Tensor = 0) -> None:
        """Start new plays at ``level`` (an int, or a (N,) long tensor) for the envs in ``mask`` (None: all)."""
        n = self.num_envs
        if mask is None:
            mask = torch.ones(n, dtype=torch.bool, device=self.device)
        else:
            self._check_tensor("mask", mask, torch.bool)
        if isinstance(level, Tensor):
            self._check_tensor("level", level, torch.long)
            bad = mask & ((level < 0) | (level >= self.num_levels))
            if bad.any():
                raise ValueError(
                    f"levels must be in 0..{self.num_levels - 1}; envs {_indices(bad)} got {level[bad].tolist()}"
                )
            levels = level
        elif isinstance(level, bool) or not isinstance(level, int) or not 0 <= level < self.num_levels:
            raise ValueError(f"level must be an integer in 0..{self.num_levels - 1} or a (N,) tensor, got {level!r}")
        else:
            levels = level
        self._restart(mask, levels)

    def _restart(self, mask: Tensor, level: int | Tensor, load: Tensor | None = None) -> None:
        """New plays at ``level`` for the envs in ``mask`` (arguments already checked); the envs in
        ``load`` are loaded at their level's start in the same go."""
        self.level = torch.where(mask, level, self.level)
        for counter in (self.levels_completed, self.game_state, self.action_count, self.level_actions):
            counter.masked_fill_(mask, 0)
        self._load(mask if load is None else mask | load)

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
        self._check_tensor("action_type", action_type, torch.long)
        self._check_tensor("x", x, torch.long)
        self._check_tensor("y", y, torch.long)
        self._check_values(action_type, x, y)
        completed, load = self._step(action_type, x, y)
        if not auto_reset:
            self._load(load)
            return completed
        return self._auto_reset(completed, load, reset_on_game_over, reset_level, max_actions)

    def frames(self) -> Tensor:
        """The current frames (N, 64, 64) uint8. A live buffer, updated in place: clone it to keep it."""
        if self._frames_stale:
            self._frames.update(self.grid, self.level)
            self._frames_stale = False
        return self._frames.frames

    def render(self, grid: Tensor, level: Tensor) -> Tensor:
        """Frames (M, 64, 64) of any padded boards (M, 2, H, W) on levels (M,), e.g. ``FinalStates``."""
        return render(self._tables, grid, level)

    def board(self, env: int) -> Tensor:
        """Env ``env``'s board without padding, (2, h, w): equal to the scalar engine's ``state.grid``."""
        layout = self.game.parsed[int(self.level[env])].layout
        return self.grid[env, :, : layout.height, : layout.width]

    def states(self) -> list:
        """The GameState of every env (a Python list: for inspection, not for hot loops)."""
        return [GAME_STATES[code] for code in self.game_state.tolist()]

    # --- stepping ----------------------------------------------------------------

    def _step(self, action_type: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """One action per env; returns (completed, the envs to load at their level's start), leaving the
        loading to the caller so that auto-reset loads every env in one go."""
        is_reset = action_type == ActionId.RESET
        is_undo = action_type == ActionId.ACTION7
        play = ~(is_reset | is_undo)  # the envs whose rules run, as in the scalar Engine.step
        self.action_count += 1
        self.level_actions += 1
        if self._clicks:
            last_pixel = FRAME_SIZE - 1
            pixel = self.level * FRAME_SIZE**2 + y.clamp(0, last_pixel) * FRAME_SIZE + x.clamp(0, last_pixel)
            cell = self._tables.click_cells.index_select(0, pixel)
        else:
            cell = self._no_click
        if self._undo:
            before_grid, before_vars = self.grid.clone(), self.vars.clone()
        # Rules run on every env, branch-free: the RESET and undo envs' results are overwritten below.
        won, lost = self._advance(self.grid, self.vars, action_type, cell)
        won &= play
        lost &= play & ~won  # a win takes precedence
        if self._undo:
            self._undo_step(play, is_undo, before_grid, before_vars)

        last = self.level == self.num_levels - 1
        advance = won & ~last
        self.levels_completed += won
        self.game_state = torch.where(
            won & last,
            WIN,
            torch.where(lost, GAME_OVER, torch.where(is_reset, NOT_FINISHED, self.game_state)),
        )
        self.level += advance
        self.level_actions.masked_fill_(advance, 0)
        return won, is_reset | advance  # RESET restarts the level (keeping counts); a win loads the next

    def _rules_and_conditions(self, grid: Tensor, vars: Tensor, action_type: Tensor, cell: Tensor) -> tuple:
        """The scalar ``advance`` for every env: the rules in order on (grid, vars) in place, then
        (all win conditions hold, any lose condition holds). A pure function of its tensors, so that
        ``torch.compile`` can take it whole."""
        batch = Batch(grid, vars, self.spec)
        act = BatchAct.make(action_type, cell, self.spec)
        for rule in self._rules:
            rule(batch, act)
        won = self._win[0](batch)
        for condition in self._win[1:]:
            won = won & condition(batch)
        lost = torch.zeros_like(won)
        for condition in self._lose:
            lost = lost | condition(batch)
        return won, lost

    def _undo_step(self, play: Tensor, is_undo: Tensor, before_grid: Tensor, before_vars: Tensor) -> None:
        """Pop the history of undo envs (an empty one keeps the state) and push the played envs' previous state.

        The ring has ``undo_depth + 1`` slots per env, stored flat (slot ``env * slots + i``):
        the slot at ``head`` is never part of the history, so every env can write its
        previous state there unconditionally (one copy, no masks), and only the played
        envs' ``head`` and ``count`` advance to keep it.
        """
        slots = self.undo_depth + 1
        before = _rows(before_grid), _rows(before_vars)
        rings = _rows(self._undo_grid), _rows(self._undo_vars)
        undo = is_undo.nonzero().squeeze(1)
        if undo.numel():  # usually few envs: index just those
            head, count = self._undo_head.index_select(0, undo), self._undo_count.index_select(0, undo)
            below, has = (head - 1) % slots, count > 0
            where = undo * slots + below
            for state, ring, previous in zip((self.grid, self.vars), rings, before, strict=True):
                restored = torch.where(has[:, None], ring.index_select(0, where), previous.index_select(0, undo))
                _rows(state).index_copy_(0, undo, restored)
            self._undo_head.index_copy_(0, undo, torch.where(has, below, head))
            self._undo_count.index_copy_(0, undo, count - has.long())
        where = self._ring_base + self._undo_head
        for ring, previous in zip(rings, before, strict=True):
            ring.index_copy_(0, where, previous)
        self._undo_head = torch.where(play, (self._undo_head + 1) % slots, self._undo_head)
        self._undo_count = torch.where(play, (self._undo_count + 1).clamp(max=self.undo_depth), self._undo_count)

    def _load(self, mask: Tensor) -> None:
        """Put the envs in ``mask`` at the start of their ``level``, with an empty undo history."""
        envs = mask.nonzero().squeeze(1)
        if envs.numel():
            levels = self.level.index_select(0, envs)
            _rows(self.grid).index_copy_(0, envs, _rows(self._starts).index_select(0, levels))
            _rows(self.vars).index_copy_(0, envs, _rows(self._start_vars).index_select(0, levels))
            self._undo_count.index_fill_(0, envs, 0)
        self._frames_stale = True

    def _auto_reset(
        self,
        completed: Tensor,
        load: Tensor,
        reset_on_game_over: bool,
        reset_level: int | None,
        max_actions: int | None,
    ) -> StepOutcome:
        won = self.game_state == WIN  # no env can start a step in WIN, so these just won
        lost = self.game_state == GAME_OVER
        ended = won | lost if reset_on_game_over else won
        truncated = torch.zeros_like(won)
        if max_actions is not None:
            truncated = ~won & ~lost & (self.action_count >= max_actions)
        reset = ended | truncated
        index = reset.nonzero().squeeze(1)
        final = None
        if index.numel():
            final = FinalStates(
                index,
                *(
                    t.index_select(0, index)
                    for t in (
                        self.grid,
                        self.vars,
                        self.level,
                        self.levels_completed,
                        self.game_state,
                        self.action_count,
                        self.level_actions,
                    )
                ),
            )
            level = self.sample_levels() if reset_level is None else reset_level
            self._restart(reset, level, load)
        else:
            self._load(load)
        return StepOutcome(completed, won, lost, truncated, reset, final)

    # --- validation ----------------------------------------------------------------

    def _check_tensor(self, name: str, value: object, dtype: torch.dtype) -> None:
        check_tensor(name, value, dtype, self.num_envs, self.device)

    def _check_values(self, action_type: Tensor, x: Tensor, y: Tensor) -> None:
        """Every action must be legal for its env: one vectorised check and one device sync when all are."""
        kind = action_type.clamp(0, 7)
        legal = self._legal.index_select(0, self.game_state * 8 + kind) & (kind == action_type)
        # A click needs x and y in 0..63: no bit above the low six set (negative numbers have them all).
        legal &= (action_type != ActionId.ACTION6) | (((x | y) & -FRAME_SIZE) == 0)
        if not legal.all():
            self._raise_illegal(action_type, x, y)

    def _raise_illegal(self, action_type: Tensor, x: Tensor, y: Tensor) -> None:
        raise_illegal(self.game, self.game_state, action_type, x, y)


def _rows(states: Tensor) -> Tensor:
    """Per-env states (N, ...) viewed as rows of int64 words: copying rows of 8-byte words is ~5x
    faster on CPU than copying the same bytes as uint8 (a board's bytes are a multiple of 8)."""
    return states.view(states.shape[0], -1).view(torch.int64)
