"""Compiled rule kernels: each primitive is written once, as a numba function over one env's arrays,
and every engine runs that one definition (issue 14).

A rule kernel is ``fn(grid, vars, act, flags, *params) -> None`` and a condition kernel
``fn(grid, vars, flags, *params) -> bool``: ``grid`` is the env's (2, h, w) uint8 board
(terrain, objects), ``vars`` its (8,) int32 counters, ``act`` the (5,) int64 action
(:data:`ACT_ID`, :data:`ACT_DY`, :data:`ACT_DX`, :data:`ACT_ROW`, :data:`ACT_COL`) and
``flags`` the (256,) uint8 kind-flag table (:data:`arcgames.kinds.FLAGS`), passed in
rather than read as a global because numba freezes globals at compile time and packs
may define kinds later. ``params`` are the integers a template instance fixes (the kinds
of "A on B"). Plain loops over small integer arrays: no numpy calls, no allocation.

How the engines run them: :func:`game_kernels` writes, once per game composition, a
small module (in the user cache folder) that calls the game's kernels in update order
(``advance``) and runs it between the two halves of a batched step
(:mod:`arcgames.batch`); the scalar engine calls ``advance`` for one env, the batched
engine runs the step over N envs, split across threads. numba caches every compiled
function on disk (``__pycache__`` beside the source, or the user cache folder), so only
the first run compiles, and a progress line says so.

Why numba, and why these settings: see docs/authoring.md ("Why kernels") for the
numbers, measured side by side. In short: numba at batch size 1 made the scalar step
faster than the Python rules it replaced (torch or numpy at batch size 1 cost ~1 µs a
call, 15-90x too slow; JAX at batch size 1 was slower than Python, per issue 14's
review), and the same kernels over N envs beat the torch tensor engine. Kernels are
compiled without numba's reference counting (``_nrt=False``): they never allocate, and
the atomic increments and decrements on every call that passes arrays cost ~4x the
batched step itself (983 -> 254 ns per env-step for ujzd, one thread). Small helpers are
inlined (``inline="always"``) for the same reason.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numba
import numpy as np
from numba import types
from numba.core import caching, cgutils
from numba.core.imputils import impl_ret_borrowed
from numba.extending import intrinsic
from numba.np.arrayobj import make_array, populate_array

from arcgames.paths import cache_dir
from arcgames.state import Act

if TYPE_CHECKING:
    from arcgames.game import Game

# act[...] slots: the action type, a move direction, and the clicked board cell (-1 when none).
ACT_ID, ACT_DY, ACT_DX, ACT_ROW, ACT_COL = range(5)
ACT_SIZE = 5

_ROOT = Path(__file__).resolve().parent
# The shared kernel sources: a change to any of them makes every cached kernel stale (numba itself
# only checks the file a function is defined in, not the helpers it calls from other files).
_SHARED_SOURCES = (
    _ROOT / "kernels.py",
    *sorted((_ROOT / "primitives").glob("*.py")),
    _ROOT / "batch.py",
    _ROOT / "search.py",
    _ROOT / "draw.py",
)


def _shared_stamp() -> str:
    h = hashlib.sha256(numba.__version__.encode())
    for path in _SHARED_SOURCES:
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()


_STAMP = _shared_stamp()


class _StampMixin:
    """Cache locators for arcgames kernels: the source stamp covers the kernel's own file *and* every
    shared kernel source, so editing a helper recompiles the kernels that call it."""

    _py_file: str

    def get_source_stamp(self) -> str:
        return hashlib.sha256((_STAMP + Path(self._py_file).read_text()).encode()).hexdigest()

    @classmethod
    def from_function(cls, py_func, py_file):
        if not getattr(py_func, "_arcgames_kernel", False):
            return None
        return super().from_function(py_func, py_file)


class _InTreeLocator(_StampMixin, caching.InTreeCacheLocator):
    pass


class _UserLocator(_StampMixin, caching.UserWideCacheLocator):
    """Where the package's own folder is read-only (an installed wheel)."""

    def __init__(self, py_func, py_file):
        super().__init__(py_func, py_file)
        self._cache_path = str(cache_dir() / "numba" / self.get_suitable_cache_subpath(py_file))


# numba picks the first locator that accepts a function; ours accept only arcgames kernels.
for _locator in (_UserLocator, _InTreeLocator):
    if _locator not in caching.CacheImpl._locator_classes:
        caching.CacheImpl._locator_classes.insert(0, _locator)


KERNELS: dict[str, Any] = {}  # "module:qualname" -> compiled kernel: how generated modules find them


def _kernel_key(fn: Callable) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def kernel(fn: Callable) -> Callable:
    """Compile ``fn`` for one env with numba (``njit``), cached on disk. Kernels may call other kernels."""
    fn._arcgames_kernel = True
    compiled = KERNELS[_kernel_key(fn)] = numba.njit(cache=True, nogil=True, _nrt=False)(fn)
    return compiled


def helper_kernel(fn: Callable) -> Callable:
    """A small kernel that other kernels call in their inner loops, inlined into them by numba (a call that
    passes arrays costs more than the few comparisons such a helper does)."""
    fn._arcgames_kernel = True
    return numba.njit(cache=True, nogil=True, inline="always", _nrt=False)(fn)


# --- views -------------------------------------------------------------------------------------------
#
# Why intrinsics and not ``reshape``: numba's reshape checks and normalises the new shape through a call into
# its C helpers, ~20 ns a call, and a batched step took a board view twice per env (two fifths of some games'
# bookkeeping and drawing). These views build the array header directly, for C-contiguous input only.


def _view_codegen(dims: Callable) -> Callable:
    """Code that makes a C-ordered view of a C-contiguous array's data, of the shape (intp values) that
    ``dims(context, builder, sig, args, ary)`` gives."""

    def codegen(context, builder, sig, args):
        src_type, out_type = sig.args[0], sig.return_type
        ary = make_array(src_type)(context, builder, args[0])
        shape = dims(context, builder, sig, args, ary)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(context.get_data_type(out_type.dtype)))
        strides, step = [], itemsize
        for size in reversed(shape):
            strides.insert(0, step)
            step = builder.mul(step, size)
        out = make_array(out_type)(context, builder)
        populate_array(out, data=builder.bitcast(ary.data, out.data.type), shape=cgutils.pack_array(builder, shape),
                       strides=cgutils.pack_array(builder, strides), itemsize=itemsize,
                       meminfo=ary.meminfo, parent=ary.parent)  # fmt: skip
        # A view borrows the source's memory: with reference counting on, it takes a reference of its own.
        return impl_ret_borrowed(context, builder, out_type, out._getvalue())

    return codegen


def _elements(builder, ary):
    """An array's element count: the product of its shape."""
    sizes = cgutils.unpack_tuple(builder, ary.shape)
    total = sizes[0]
    for size in sizes[1:]:
        total = builder.mul(total, size)
    return total


@intrinsic
def as_flat(typingctx, array):
    """A C-contiguous array's elements as a 1-D view (``array.reshape(-1)`` without its checks)."""
    if not isinstance(array, types.Array) or array.layout != "C":
        return None

    def dims(context, builder, sig, args, ary):
        return [_elements(builder, ary)]

    return types.Array(array.dtype, 1, "C")(array), _view_codegen(dims)


@intrinsic
def as_board(typingctx, row, h, w):
    """The first 2 x h x w elements of a 1-D C array as a C-ordered (2, h, w) view, the board type the scalar
    engine passes (``row[: 2 * h * w].reshape((2, h, w))`` without its checks: the caller knows the row is long
    enough)."""
    if not (isinstance(row, types.Array) and row.ndim == 1 and row.layout == "C"):
        return None
    if not (isinstance(h, types.Integer) and isinstance(w, types.Integer)):
        return None

    def dims(context, builder, sig, args, ary):
        intp = context.get_value_type(types.intp)
        return [
            intp(2),
            *(context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], sig.args[1:], strict=True)),
        ]

    return types.Array(row.dtype, 3, "C")(row, h, w), _view_codegen(dims)


@intrinsic
def as_words(typingctx, array):
    """A C-contiguous uint8 array's whole 8-byte words as a 1-D uint64 view (the bytes after the last whole word
    are left out): comparing or hashing boards a word at a time instead of a byte. The caller keeps the data
    8-byte aligned where the hardware needs it (a GPU)."""
    if not (isinstance(array, types.Array) and array.dtype == types.uint8 and array.layout == "C"):
        return None

    def dims(context, builder, sig, args, ary):
        return [builder.udiv(_elements(builder, ary), context.get_constant(types.intp, 8))]

    return types.Array(types.uint64, 1, "C")(array), _view_codegen(dims)


# --- primitives ---------------------------------------------------------------------------------------

Role = Literal["rule", "condition"]


class Primitive:
    """A registered rule or condition: a compiled kernel plus the integer parameters its template fixes.

    It reads like the function it wraps (``__name__``, ``__doc__``, ``__module__``), and
    calling it from Python (``move_avatar(state, act)``, ``reach_goal(state)``) runs the
    kernel on one :class:`~arcgames.state.State`: for tests and authors. The engines call
    the kernel from compiled code.
    """

    def __init__(self, name: str, role: Role, compiled: Any, params: tuple[int, ...], doc: str | None,
                 module: str, counters: tuple = (), check: Callable | None = None) -> None:  # fmt: skip
        self.__name__ = self.__qualname__ = name
        self.role = role
        self.counters = tuple(counters)  # the arcgames.draw.Counter slots it keeps, shown in the status strip
        self.check = check  # what a level needs for this primitive (arcgames.primitives.base.LevelCheck), or None
        self.kernel = compiled  # the numba dispatcher
        self.params = params
        self.__doc__ = doc
        self.__module__ = module

    def __repr__(self) -> str:
        return f"<primitive {self.role} {self.__name__}>"

    def __call__(self, state, act: Act | None = None):
        from arcgames.kinds import FLAGS

        if self.role == "rule":
            return self.kernel(state.grid, state.vars, act_array(act), FLAGS, *self.params)
        return bool(self.kernel(state.grid, state.vars, FLAGS, *self.params))

    def fingerprint(self) -> bytes:
        """What decides its behaviour: the kernel's bytecode and the template's parameters."""
        code = self.kernel.py_func.__code__
        return self.__name__.encode() + code.co_code + repr((code.co_names, code.co_consts, self.params)).encode()


_ACT_ARRAYS: dict[Act, np.ndarray] = {}


def act_array(act: Act | None) -> np.ndarray:
    """The (5,) int64 array kernels read an :class:`Act` from (memoised: a handful of distinct acts per level)."""
    if act is None:
        act = Act(0)
    found = _ACT_ARRAYS.get(act)
    if found is None:
        if len(_ACT_ARRAYS) > 100_000:  # clicks over many layouts: keep the memo bounded
            _ACT_ARRAYS.clear()
        # Writable, like the batched engine's and the solver's act arrays (kernels only read it): one array type
        # means each kernel is compiled once for every engine, not once more for a read-only act.
        found = _ACT_ARRAYS[act] = np.array([int(act.id), act.dy, act.dx, act.row, act.col], dtype=np.int64)
    return found


# --- per-game composition -------------------------------------------------------------------------------

_HEADER = '''"""Generated by arcgames.kernels for {what}: its rules and conditions in update order. Do not edit:
arcgames writes a new file whenever the composition or any kernel source changes."""

from arcgames import batch as _batched
from arcgames import search as _search
from arcgames.kernels import KERNELS, helper_kernel, kernel

{imports}


@kernel
def advance(grid, vars, act, flags):
    """0: play on, 1: won (every win condition holds; a win outranks a loss), 2: lost."""
{body}


@helper_kernel
def step_env(n, state, config, inputs, outputs, view):
    """Env n's step and frame: the body of the CPU loop below and of the CUDA kernel (arcgames.batched.cuda)."""
    outcome = -1
    if _batched.begin_step(n, state, config, inputs, outputs):
        outcome = advance(_batched.board_of(n, state, config), state[1][n], inputs[5][n], config[3])
    _batched.end_step(n, outcome, state, config, inputs, outputs)
    _batched.draw_env(n, state, config, view)


@kernel
def step_range(ctl, w, lo, hi, state, config, inputs, outputs, view):
    """Envs lo..hi-1 (their steps and frames) that thread w claims, a few at a time, with the step loop's other
    threads (arcgames.batch.claim; post_all leaves every share unclaimed). The one loop that inlines step_env:
    a second copy of it doubled the batched step's cold compile."""
    start, end = _batched.claim(ctl, w, lo, hi)
    while start < end:
        for n in range(start, end):
            step_env(n, state, config, inputs, outputs, view)
        start, end = _batched.claim(ctl, w, lo, hi)


@kernel
def run_step(ctl, lo, hi, polls, actions, legal, settings, state, config, inputs, outputs, view, finals):
    """A whole step from the calling thread (arcgames.batch.StepLoop), in one call: check and take the actions,
    post the step to the worker threads, run envs lo..hi, wait for the workers and gather the reset envs' final
    states. Returns their count, or ILLEGAL (nothing changed) or PENDING (a worker is asleep or late)."""
    if not _batched.take_actions(actions, legal, settings, state, inputs):
        return _batched.ILLEGAL
    serving = _batched.post_all(ctl)
    step_range(ctl, 0, lo, hi, state, config, inputs, outputs, view)
    if not serving or not _batched.wait_all(ctl, polls):
        return _batched.PENDING
    return _batched.gather_finals(config, outputs, finals)


@kernel
def serve_range(ctl, w, lo, hi, polls, state, config, inputs, outputs, view):
    """A worker thread's spell in a step loop (arcgames.batch.StepLoop): envs lo..hi of every step posted to it."""
    while _batched.next_post(ctl, w, polls):
        step_range(ctl, w, lo, hi, state, config, inputs, outputs, view)
        _batched.mark_done(ctl, w)


@kernel
def search(store, table, acts, flags, scratch, counters):
    """The solver's breadth-first search (arcgames.search) with this game's rules, until it stops."""
    while _search.begin_state(store, acts, counters):
        for a in range(acts.shape[0]):
            n = _search.load_child(store, counters)
            outcome = advance(store[0][n], store[1][n], acts[a], flags)
            status = _search.judge(a, outcome, store, table, scratch, counters)
            if status != _search.GOING:
                return status
    return _search.stopped(store, counters)
'''


class GameKernels:
    """A game's compiled ``advance`` (one env), batched loops and solver search, loaded from its generated module."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.advance = module.advance
        self.step_range = module.step_range
        self.serve_range = module.serve_range  # a worker thread's loop over the steps (arcgames.batch.StepLoop)
        self.run_step = module.run_step  # the calling thread's whole step, hand-off included
        self.step_env = module.step_env  # one env's step, for the CUDA kernel (arcgames.batched.cuda)
        self.search = module.search  # compiled on the solver's first call (arcgames.solver)


def _source(game: Game) -> str:
    """The generated module of a game: imports of its kernels, and ``advance`` calling them in order."""
    prims = (*game.rules, *game.win, *game.lose)
    # Kernels are looked up by module and name (template instances share one kernel); the hash of each
    # kernel's source file is written down so that editing a pack's kernel makes a new module.
    imports = [f"k{i} = KERNELS[{_kernel_key(p.kernel.py_func)!r}]  # {_file_hash(p)}" for i, p in enumerate(prims)]

    def call(i: int, prim: Primitive) -> str:
        args = "grid, vars, act, flags" if prim.role == "rule" else "grid, vars, flags"
        return f"k{i}({args}{''.join(f', {int(x)}' for x in prim.params)})"

    rules, wins = len(game.rules), len(game.win)
    body = [f"    {call(i, p)}" for i, p in enumerate(game.rules)]
    body += ["    if " + " and ".join(call(i, p) for i, p in enumerate(game.win, rules)) + ":", "        return 1"]
    for i, prim in enumerate(game.lose, rules + wins):
        body += [f"    if {call(i, prim)}:", "        return 2"]
    body.append("    return 0")
    return _HEADER.format(what=f"game {game.id}", imports="\n".join(imports), body="\n".join(body))


def _file_hash(prim: Primitive) -> str:
    return hashlib.sha256(Path(prim.kernel.py_func.__code__.co_filename).read_bytes()).hexdigest()[:16]


_LOADED: dict[str, GameKernels] = {}


def unsupported_reason(fns) -> str | None:
    """Why these rules and conditions cannot make a game, or None when they can: each must be a
    :class:`Primitive` (written with :func:`arcgames.primitives.rule` / ``condition``, see docs/authoring.md),
    so that every engine runs it."""
    for fn in fns:
        if not isinstance(fn, Primitive):
            name = getattr(fn, "__name__", repr(fn))
            return (
                f"{name!r} (from {getattr(fn, '__module__', '?')}) is a plain Python function, not a compiled "
                "primitive, so no engine can run it; write it as a kernel with @arcgames.primitives.rule "
                "or @condition, as docs/authoring.md shows"
            )
    return None


def game_kernels(game: Game) -> GameKernels:
    """The compiled kernels of ``game``'s composition, compiling them on first use (cached on disk)."""
    from arcgames.kinds import FLAGS  # kinds imports this module

    source = _source(game)
    digest = hashlib.sha256((_STAMP + source).encode()).hexdigest()[:16]
    found = _LOADED.get(digest)
    if found is not None:
        return found
    folder = cache_dir() / "kernels"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"game_{digest}.py"
    if not path.exists():  # write once, atomically: numba's cache index is keyed by the file's content
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)
    name = f"arcgames_kernels_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    kernels = GameKernels(module)
    start = game.parsed[0].start.copy()
    warm(f"the rules of game {game.id}", kernels.advance,
         lambda: kernels.advance(start.grid, start.vars, act_array(Act(0)), FLAGS))  # fmt: skip
    _LOADED[digest] = kernels
    return kernels


def cached(dispatcher: Any) -> bool:
    """Does numba's on-disk cache hold this function (then loading it takes milliseconds)?"""
    try:
        return Path(dispatcher._cache._cache_file._index_path).exists()
    except AttributeError:  # numba internals moved: assume not, which only costs a progress line
        return False


def warm(what: str, dispatcher: Any, run: Callable[[], object]) -> None:
    """Call ``run`` (which calls the compiled ``dispatcher``) now; where that means compiling it (the first run
    on this machine), say so on stderr before and how long it took after, so nobody waits on a silent process."""
    if cached(dispatcher):
        run()
        return
    _stderr(f"arcgames: compiling {what} (first run only; cached on disk)...")
    start = time.perf_counter()
    run()
    _stderr(f"arcgames: compiled in {time.perf_counter() - start:.1f} s")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
