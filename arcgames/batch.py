"""One env's step as a compiled kernel, for the batched engine's loop over N envs (split across threads).

:func:`begin_step`, the game's ``advance`` (its rule kernels, see
:mod:`arcgames.kernels`) and :func:`end_step` are :class:`arcgames.engine.Engine.step`
for env ``n`` of a batch: action counting, RESET, undo (a ring of the last
``undo_depth`` states), the rules, level advance, WIN and GAME_OVER, and optionally the
auto-reset an RL loop wants. Each game's generated module runs them over all envs in
parallel (why two halves around ``advance``: a kernel that took ``advance`` as an
argument could not be cached on disk, and took seconds to compile in every process),
and then brings each env's 64x64 frame up to date by redrawing only the cells that changed,
and the status strip when its inputs did (:func:`draw_env`, the drawing kernel of
:mod:`arcgames.draw` that the scalar engine runs too; drawing in the same loop keeps the
board in cache and saves a second parallel region per step). Torch-free: the arrays are
numpy, and :class:`arcgames.batched.engine.BatchedEngine` hands them to torch as views
(``torch.from_numpy``: no copies).

The tuples the kernels take (fixed layouts, so that one compiled loop serves every game):

- ``state``: grid (N, R) uint8 packed boards (see :func:`board_of`; R is :func:`row_size`), vars (N, 8) int32,
  then (N,) int64 level, levels_completed, game_state, action_count, level_actions; the undo ring
  undo_grid (N, D + 1, R), undo_vars (N, D + 1, 8), undo_head, undo_count.
- ``config``: starts (L, R) packed, start_vars (L, 8), layouts (L, 5) int64 (height, width,
  scale, top, left per level), flags (256,) uint8 kind flags.
- ``inputs``: action type, click x, click y (N,) int64; reset_level (N,) int64 (where an
  auto-reset env restarts); options (4,) int64 (auto_reset, reset_on_game_over,
  max_actions or -1, undo_depth or 0 without undo); acts (N, 5) int64 scratch.
- ``view``: the game's look (:meth:`arcgames.draw.Look.arrays`: colours, tile kinds, strip geometry),
  frames (N, 64, 64) uint8, and what each env's frame shows: shown (N, R) uint8, the packed boards as
  drawn, drawn_level (N,) int64, the strip's inputs (N, :data:`arcgames.draw.STRIP_KEYS`) int64.
- ``outputs``: (N,) bool completed, won, lost, truncated, reset; the reset envs' final
  packed grid (N, R), vars (N, 8) and counters (N, 5) before their reset; (N,) bool
  scratch: the env loads a level's start at the end of the step.
"""

from __future__ import annotations

import functools
import os
import platform
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.arrayobj import make_array

from arcgames.draw import draw_play
from arcgames.kernels import ACT_COL, ACT_DX, ACT_DY, ACT_ID, ACT_ROW, as_board, as_flat, helper_kernel, kernel
from arcgames.kinds import OBJECT_BASE

__all__ = ["StepLoop", "begin_step", "board_of", "draw_env", "draw_range", "end_step", "row_size", "run_ranges"]

NOT_FINISHED, WIN, GAME_OVER = 0, 1, 2
PAD = OBJECT_BASE - 1  # the terrain padding boards to the largest level's size: the last terrain id, which no kind uses
RESET, CLICK, UNDO = 0, 6, 7
MOVE_DY = (0, -1, 1, 0, 0, 0, 0, 0)  # per action type: ACTION1 up, ACTION2 down, ACTION3 left, ACTION4 right
MOVE_DX = (0, 0, 0, -1, 1, 0, 0, 0)


def row_size(height: int, width: int) -> int:
    """Bytes of a packed board row of boards up to (height, width): 2 x height x width, rounded up to whole
    8-byte words (the drawing compares boards a word at a time, and a GPU reads words only where aligned)."""
    return -(-2 * height * width // 8) * 8


@helper_kernel
def copy_into(dst, src):
    """dst[...] = src for C-contiguous arrays of one shape, as plain loops (numba's array assignment takes
    seconds to compile, these loops a fraction of one)."""
    flat_dst, flat_src = as_flat(dst), as_flat(src)
    for i in range(flat_dst.shape[0]):
        flat_dst[i] = flat_src[i]


@helper_kernel
def begin_step(n, state, config, inputs, outputs):
    """The first half of one action for env n (already checked legal), as the scalar engine's step: count it,
    handle RESET and undo, and for any other action push the undo ring and fill ``acts[n]`` for the rules.
    Returns True when the game's rules must run (then call ``advance`` and :func:`end_step`)."""
    grid, vars, level, game_state = state[0], state[1], state[2], state[4]
    action_count, level_actions = state[5], state[6]
    undo_grid, undo_vars, undo_head, undo_count = state[7], state[8], state[9], state[10]
    action_type, xs, ys, acts = inputs[0], inputs[1], inputs[2], inputs[5]
    undo_depth = inputs[4][3]
    a = action_type[n]
    action_count[n] += 1
    level_actions[n] += 1
    outputs[0][n] = False
    outputs[8][n] = a == RESET  # RESET restarts the level (keeping the counts): end_step loads it
    play = a != RESET and a != UNDO
    if a == RESET:
        game_state[n] = NOT_FINISHED
    elif a == UNDO:
        if undo_depth > 0 and undo_count[n] > 0:
            head = (undo_head[n] - 1) % (undo_depth + 1)
            copy_into(grid[n], undo_grid[n, head])
            copy_into(vars[n], undo_vars[n, head])
            undo_head[n] = head
            undo_count[n] -= 1
    else:
        if undo_depth > 0:
            head = undo_head[n]
            copy_into(undo_grid[n, head], grid[n])
            copy_into(undo_vars[n, head], vars[n])
            undo_head[n] = (head + 1) % (undo_depth + 1)
            undo_count[n] = min(undo_count[n] + 1, undo_depth)
        layouts = config[2]
        lv = level[n]
        h, w, scale, top, left = layouts[lv, 0], layouts[lv, 1], layouts[lv, 2], layouts[lv, 3], layouts[lv, 4]
        act = acts[n]
        act[ACT_ID], act[ACT_DY], act[ACT_DX], act[ACT_ROW], act[ACT_COL] = a, MOVE_DY[a], MOVE_DX[a], -1, -1
        if a == CLICK:  # the board cell under the clicked pixel, as Layout.cell_at
            y, x = ys[n], xs[n]
            row, col = (y - top) // scale, (x - left) // scale
            if y >= top and x >= left and row < h and col < w:
                act[ACT_ROW], act[ACT_COL] = row, col
    return play


@helper_kernel
def board_of(n, state, config):
    """Env n's (2, h, w) board: the first 2 x h x w bytes of its row, as a C-ordered view (the array type the
    scalar engine passes, so that the rule kernels compiled for it serve here too)."""
    layouts = config[2]
    lv = state[2][n]
    h, w = layouts[lv, 0], layouts[lv, 1]
    return as_board(state[0][n], h, w)


@helper_kernel
def end_step(n, outcome, state, config, inputs, outputs):
    """The second half: judge ``outcome`` (0 play on, 1 won, 2 lost; -1 when no rules ran), advance the level,
    then the auto-reset, and load a level's start where one begins."""
    grid, vars, level, completed_levels, game_state, action_count, level_actions = state[:7]
    options = inputs[4]
    completed, won, lost, truncated, reset, final_grid, final_vars, final_counters, loads = outputs
    auto_reset, reset_on_game_over, max_actions = options[0], options[1], options[2]
    load = loads[n]
    if outcome == 1:
        completed[n] = True
        completed_levels[n] += 1
        if level[n] == config[2].shape[0] - 1:
            game_state[n] = WIN
        else:
            level[n] += 1
            level_actions[n] = 0
            load = True
    elif outcome == 2:
        game_state[n] = GAME_OVER
    just_won, just_lost = game_state[n] == WIN, game_state[n] == GAME_OVER
    won[n], lost[n] = just_won, just_lost
    truncated[n] = max_actions >= 0 and not just_won and not just_lost and action_count[n] >= max_actions
    reset[n] = auto_reset != 0 and (just_won or (just_lost and reset_on_game_over != 0) or truncated[n])
    if reset[n]:
        copy_into(final_grid[n], grid[n])
        copy_into(final_vars[n], vars[n])
        counters = final_counters[n]
        counters[0], counters[1], counters[2] = level[n], completed_levels[n], game_state[n]
        counters[3], counters[4] = action_count[n], level_actions[n]
        level[n] = inputs[3][n]
        completed_levels[n] = 0
        game_state[n] = 0
        action_count[n] = 0
        level_actions[n] = 0
        load = True
    if load:
        copy_into(grid[n], config[0][level[n]])
        copy_into(vars[n], config[1][level[n]])
        state[10][n] = 0


@helper_kernel
def draw_env(n, state, config, view):
    """Bring env n's frame up to date: :func:`arcgames.draw.draw_play`, the drawing the scalar engine runs. A call,
    not inlined like the step's halves: inlined, the drawing was compiled again into every game's step, which
    took 40% of its cold compile (14.3 -> 8.9 s for ujzd), and the call costs no measurable time per env."""
    look, frames, shown, drawn_level, seen = view
    draw_play(frames[n], shown[n], seen[n], drawn_level[n : n + 1], board_of(n, state, config), state[1][n],
              state[2][n], state[3][n], state[4][n], config[2], look)  # fmt: skip


@helper_kernel
def unpack_board(packed, padded, h, w):
    """A packed board row's (2, h, w) board into the top-left of a padded (2, H, W) board."""
    for layer in range(2):
        for y in range(h):
            row = (layer * h + y) * w
            for x in range(w):
                padded[layer, y, x] = packed[row + x]


@kernel
def repack_boards(packed, padded, levels, layouts, to_padded):
    """Convert boards (M,) of plays at ``levels`` between the packed layout the kernels read (M, R)
    and the padded one of the public API (M, 2, H, W), in the direction ``to_padded`` says; the padding is
    left as it is. Compiled: a loop per level group in numpy cost ~10 µs a level on every auto-reset step."""
    for m in range(levels.shape[0]):
        h, w = layouts[levels[m], 0], layouts[levels[m], 1]
        if to_padded:
            unpack_board(packed[m], padded[m], h, w)
            continue
        for layer in range(2):
            for y in range(h):
                row = (layer * h + y) * w
                for x in range(w):
                    packed[m, row + x] = padded[m, layer, y, x]


@kernel
def draw_range(lo, hi, state, config, view):
    """:func:`draw_env` for envs lo..hi-1 (after a reset; a step draws its envs itself)."""
    for n in range(lo, hi):
        draw_env(n, state, config, view)


@helper_kernel
def take_actions(actions, legal, settings, state, inputs):
    """Check every env's action (``legal[state, action type]``, a click inside the frame) and, when all are
    allowed, copy them into the step's inputs with its ``settings`` (auto_reset, reset_on_game_over,
    max_actions or -1, undo_depth or 0, reset_level or -1 to keep the sampled levels already in place).
    False, with nothing changed, when any is not allowed: the caller names the envs."""
    kinds, xs, ys = actions
    game_state = state[4]
    for n in range(kinds.shape[0]):
        a = kinds[n]
        if a < 0 or a > 7 or not legal[game_state[n], a]:
            return False
        if a == CLICK and not (0 <= xs[n] < 64 and 0 <= ys[n] < 64):
            return False
    copy_into(inputs[0], kinds)
    copy_into(inputs[1], xs)
    copy_into(inputs[2], ys)
    options, reset_level = inputs[4], inputs[3]
    for i in range(4):
        options[i] = settings[i]
    if settings[4] >= 0:
        for n in range(reset_level.shape[0]):
            reset_level[n] = settings[4]
    return True


@kernel
def gather_finals(config, outputs, finals):
    """The final states of the envs a step reset, in env order at the front of ``finals``: (6, N) int64 env
    index and the five counters, (N, 2, H, W) uint8 boards padded with :data:`PAD`, (N, 8) int32 vars. Returns
    their count; one pass here instead of a dozen numpy and torch calls per step (each a few µs, a cold cache
    after the step)."""
    reset, final_grid, final_vars, final_counters = outputs[4], outputs[5], outputs[6], outputs[7]
    ints, grids, all_vars = finals
    layouts = config[2]
    m = 0
    for n in range(reset.shape[0]):
        if not reset[n]:
            continue
        ints[0, m] = n
        for i in range(5):
            ints[i + 1, m] = final_counters[n, i]
        copy_into(all_vars[m], final_vars[n])
        board = grids[m]
        for y in range(board.shape[1]):
            for x in range(board.shape[2]):
                board[0, y, x], board[1, y, x] = PAD, 0
        lv = final_counters[n, 0]
        unpack_board(final_grid[n], board, layouts[lv, 0], layouts[lv, 1])
        m += 1
    return m


# --- threads -----------------------------------------------------------------------
#
# Why threads over a numba ``prange`` loop: the kernels release the GIL, so plain threads run them in
# parallel; a ``prange`` loop took seconds more to compile per game, miscompiled the inlined step
# helpers, and its spinning OpenMP threads made a 0.3 ms step take 3-9 ms on a busy 2-core machine.
#
# Why a step loop (StepLoop) and not a job queue for the step itself: handing a job to a sleeping
# thread and waking the caller when it is done took ~90 µs per step on the 2-core VM here (two OS
# wake-ups; a plain lock hand-off took ~70), about a quarter of a whole step of 1024 envs. So between
# steps the workers wait in compiled code, polling a small control array for the next step, for a
# bounded while (SPIN_POLLS, well under a millisecond) before they go back to sleep: the hand-off
# then costs a few µs. Bounded, because an idle poller takes a core from whatever runs between steps.
#
# Why threads claim envs a few at a time (claim) and not a fixed half each: on the shared 2-core VM here
# (a third of its CPU time stolen by the host at times), profiles of 49r2 showed the calling thread polling
# for the worker's half 26% of the time and the worker polling 31%: whichever half the machine held back
# held up the step. With claims the calling thread polls ~1% (the worker's polling left is the Python
# around each step, which only one thread can run).

THREADS = int(os.environ.get("ARCGAMES_THREADS", 0)) or len(os.sched_getaffinity(0))
MIN_CHUNK = 64  # envs per thread at least: below that a thread costs more than it saves
SPIN_POLLS = 20_000  # polls a worker makes for the next step before it sleeps (~0.3-0.6 ms)
WAIT_POLLS = 100_000  # polls the caller makes for a worker's chunk before it yields the CPU once
STUCK_SECONDS = 120  # a chunk of a step takes milliseconds: a worker this late is stuck, and the step says so
POSTED, DONE, LEAVE, SERVING, NEXT = range(5)  # a step loop's control columns, one row per thread
CLAIM = 32  # envs a thread claims at a time (claim)
ILLEGAL, PENDING = -1, -2  # what a compiled step (a game's run_step) returns when not the count of envs reset


@intrinsic
def _fence(typingctx):
    """A full memory fence: what one thread wrote before it is seen by another before what it writes after
    (and the compiler keeps the polled loads inside the loop)."""

    def codegen(context, builder, sig, args):
        builder.fence("seq_cst")
        return context.get_dummy_value()

    return types.void(), codegen


@intrinsic
def _pause(typingctx):
    """The CPU's spin-wait hint (x86 ``pause``; nothing elsewhere): a polling loop yields the core's
    pipeline to its sibling and uses less power."""

    def codegen(context, builder, sig, args):
        if platform.machine().lower() in ("x86_64", "amd64"):
            hint = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), []),
                                                  "llvm.x86.sse2.pause")  # fmt: skip
            builder.call(hint, [])
        return context.get_dummy_value()

    return types.void(), codegen


@intrinsic
def _fetch_add(typingctx, array, index, value):
    """Atomically add ``value`` to ``array[index]`` (a 1-D int64 array) and give the value before."""

    def codegen(context, builder, sig, args):
        ary = make_array(sig.args[0])(context, builder, args[0])
        at = context.cast(builder, args[1], sig.args[1], types.intp)
        ptr = cgutils.get_item_pointer(context, builder, sig.args[0], ary, [at], wraparound=False)
        return builder.atomic_rmw("add", ptr, context.cast(builder, args[2], sig.args[2], types.int64), "seq_cst")

    return types.int64(array, index, value), codegen


@helper_kernel
def claim(ctl, w, lo, hi):
    """The next envs (start, end) of lo..hi-1 for thread ``w`` to step, :data:`CLAIM` at most, (hi, hi) once all
    are claimed: from its own share first (the envs it stepped last time, still in its core's cache), then
    from the other threads' shares, so that one the machine holds back (another process, a busy core) does
    not hold up the step while the others wait. Thread v's share is claimed through ``ctl[v, NEXT]``."""
    threads = ctl.shape[0]
    for k in range(threads):
        v = (w + k) % threads
        end = lo + (hi - lo) * (v + 1) // threads
        start = lo + (hi - lo) * v // threads + _fetch_add(ctl[v], NEXT, CLAIM)
        if start < end:
            return start, min(start + CLAIM, end)
    return hi, hi


@helper_kernel
def next_post(ctl, w, polls):
    """Wait, polling, for a step posted to thread ``w``'s row: True when one is there; False when none came in
    ``polls`` polls or the thread is asked to leave (a pending step is run first). While it polls, its row says
    so (SERVING), for the caller's hand-off to skip waking it; the fences order that flag against the posts, so
    that a step posted as the thread stops polling is either seen here or makes the caller wake it."""
    ctl[w, SERVING] = 1
    for _ in range(polls):
        _fence()
        if ctl[w, POSTED] != ctl[w, DONE]:
            return True
        if ctl[w, LEAVE] != 0:
            break
        _pause()
    ctl[w, SERVING] = 0
    _fence()
    return ctl[w, POSTED] != ctl[w, DONE]


@helper_kernel
def mark_done(ctl, w):
    """Thread ``w`` finished the posted step (after every write of the step)."""
    _fence()
    ctl[w, DONE] = ctl[w, POSTED]


@kernel
def post_all(ctl):
    """Post the next step to every worker thread (rows 1..), its envs all unclaimed (:func:`claim`): True when
    all of them are polling for it, False when one must be woken (:meth:`StepLoop.finish`)."""
    for w in range(ctl.shape[0]):
        ctl[w, NEXT] = 0
    _fence()
    for w in range(1, ctl.shape[0]):
        ctl[w, POSTED] += 1
    _fence()
    serving = True
    for w in range(1, ctl.shape[0]):
        serving = serving and ctl[w, SERVING] != 0
    return serving


@kernel
def wait_done(ctl, w, polls):
    """Poll until thread ``w`` finished its posted step (True), for at most ``polls`` polls."""
    for _ in range(polls):
        _fence()
        if ctl[w, DONE] == ctl[w, POSTED]:
            return True
        _pause()
    return False


@helper_kernel
def wait_all(ctl, polls):
    """:func:`wait_done` for every worker thread: True when all finished within ``polls`` polls each."""
    done = True
    for w in range(1, ctl.shape[0]):
        done = done and wait_done(ctl, w, polls)
    return done


class _Worker:
    """A worker thread: runs the jobs queued to it, among them spells in a step loop (:class:`StepLoop`)."""

    def __init__(self, index: int) -> None:
        self.index = index  # its row in a step loop's control array, and its chunk of a job's envs
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.serving: np.ndarray | None = None  # the control array of the step loop it polls, if any
        threading.Thread(target=self._run, name=f"arcgames-batch-{index}", daemon=True).start()

    def _run(self) -> None:
        while True:
            self.jobs.get()()

    def leave(self) -> None:
        """Ask it to leave the step loop it polls, if any, so that it takes the next queued job at once."""
        serving = self.serving
        if serving is not None:
            serving[self.index, LEAVE] = 1

    def serve(self, loop: StepLoop) -> None:
        """Poll ``loop`` for steps and step the envs it claims in each, until none comes for a while."""
        ctl, w = loop.ctl, self.index
        ctl[w, LEAVE] = 0  # before it says where it is, so that a later leave() is not lost
        self.serving = ctl
        try:
            loop.serve(ctl, w, 0, loop.num_envs, SPIN_POLLS, *loop.args)
        except BaseException as err:  # the caller waiting on this chunk raises it; the thread lives on
            loop.failure = err
        finally:
            self.serving = None


_workers: list[_Worker] = []
os.register_at_fork(after_in_child=_workers.clear)  # a forked child has none of the threads: it starts its own


def _workers_for(count: int) -> list[_Worker]:
    """Worker threads 1..count (thread 0 is the caller's)."""
    while len(_workers) < count:
        _workers.append(_Worker(len(_workers) + 1))
    return _workers[:count]


def _bounds(num_envs: int) -> list[int]:
    """Where each thread's chunk of envs starts (and the end): one chunk per thread, MIN_CHUNK envs at least."""
    chunks = max(1, min(THREADS, num_envs // MIN_CHUNK))
    return [num_envs * i // chunks for i in range(chunks + 1)]


def run_ranges(fn: Callable, num_envs: int, *args) -> None:
    """Run the compiled ``fn(lo, hi, *args)`` over envs 0..num_envs-1 split across :data:`THREADS` threads
    (a job for each worker thread; the batched step itself runs in a :class:`StepLoop`)."""
    bounds = _bounds(num_envs)
    futures = []
    for worker in _workers_for(len(bounds) - 2):
        future: Future = Future()
        worker.jobs.put(functools.partial(_run_job, future, fn, bounds[worker.index], bounds[worker.index + 1], args))
        worker.leave()
        futures.append(future)
    fn(bounds[0], bounds[1], *args)  # the calling thread takes the first chunk
    for future in futures:
        future.result()


def _run_job(future: Future, fn: Callable, lo: int, hi: int, args: tuple) -> None:
    try:
        future.set_result(fn(lo, hi, *args))
    except BaseException as err:  # handed to the caller, which raises it
        future.set_exception(err)


class StepLoop:
    """A game's batched step over ``num_envs`` envs with fixed arguments, run by the calling thread and the
    worker threads together, with a hand-off of a few µs (see the notes above :data:`THREADS`):
    ``step(ctl, w, lo, hi, *args)`` is the game's ``step_range`` (thread w claims envs with :func:`claim`),
    ``serve(ctl, w, lo, hi, polls, *args)`` its ``serve_range``. The arguments' arrays are read anew every
    step, so the caller writes each step's inputs into them before :meth:`run`, or has a compiled step do the
    whole hand-off (the game's ``run_step``: post, its share of the envs, the wait) and calls :meth:`finish`
    only when that returned :data:`PENDING`."""

    def __init__(self, step: Callable, serve: Callable, num_envs: int, args: tuple) -> None:
        self.step, self.serve, self.args = step, serve, args
        self.num_envs = num_envs
        self.ctl = np.zeros((len(_bounds(num_envs)) - 1, 5), dtype=np.int64)  # a row per thread
        self.failure: BaseException | None = None  # what a worker's chunk raised

    @property
    def threads(self) -> int:
        return self.ctl.shape[0]

    def run(self) -> None:
        """One step: post it to the workers, step envs with them until all are claimed, wait for theirs."""
        if not post_all(self.ctl):
            self._wake()  # before the caller's share, so that they start at once
        self.step(self.ctl, 0, 0, self.num_envs, *self.args)
        self.finish()

    def finish(self) -> None:
        """Wait for the workers to finish the posted step, first asking in those that do not poll this loop,
        and raise what a chunk raised, or that a worker is stuck."""
        self._wake()
        for worker in _workers_for(self.threads - 1):
            since = time.monotonic()
            while not wait_done(self.ctl, worker.index, WAIT_POLLS):
                time.sleep(0)  # the worker is not running (a busy machine): give it the CPU
                if self.failure is not None:
                    failure, self.failure = self.failure, None
                    raise failure
                if time.monotonic() - since > STUCK_SECONDS:
                    raise RuntimeError(f"batched step: worker thread {worker.index} did not finish in {STUCK_SECONDS} "
                                       "s; please report it (ARCGAMES_THREADS=1 runs without threads)")  # fmt: skip

    def _wake(self) -> None:
        """Queue a spell in this loop to each worker not polling it (asleep, or in another loop or a job)."""
        for worker in _workers_for(self.threads - 1):
            if self.ctl[worker.index, SERVING] == 0 and self.ctl[worker.index, POSTED] != self.ctl[worker.index, DONE]:
                worker.leave()
                worker.jobs.put(functools.partial(worker.serve, self))
