"""The solver's compiled breadth-first search: the pieces around a game's ``advance`` kernel.

Each game's generated module (:mod:`arcgames.kernels`) holds a small ``search`` loop
that calls these kernels around its own ``advance``, as ``step_range`` does for the
batched engine (a kernel that took ``advance`` as an argument could not be cached on
disk). They are plain ``@kernel`` functions rather than inlined helpers: their
signature is the same for every game, so numba compiles them once, and only the short
loop is compiled per game.

The search is the plain breadth-first search of :func:`arcgames.solver.solve_reference`
step for step (same expansion order, same budget check, same win test), so both find
the same shortest solution, explore the same number of states and report the same
branching; what changes is where the work happens. States live in one preallocated
store, in the order they were found (so the store *is* the queue: ``head`` is the next
state to expand); a successor is computed in place in the first free slot and kept only
if it is new, which an open-addressing hash table over the full state bytes decides
(a 64-bit hash to probe, then a byte-for-byte comparison: no false merges). Nothing is
allocated in compiled code (kernels run without numba's reference counting): when the
store fills up, the search stops with :data:`FULL` and Python grows the arrays.

The tuples the kernels take:

- ``store``: grids (C, 2, h, w) uint8, vars (C, 8) int32, hashes (C,) uint64, parents (C,)
  int32 (the store index of the state a state was found from; -1 for the start) and
  moves (C,) int32 (the candidate action that found it).
- ``table``: (T,) uint64, T a power of two at least twice C: 0 when empty, else the high 32 bits of a state's
  hash and its store index + 1 in the low 32.
- ``scratch``: for the state being expanded, the store indices of its successors seen so far
  (A,) int64, and its distinct losing successors: grids (A, 2, h, w), vars (A, 8), hashes (A,).
- ``counters``: (COUNTERS,) int64, indexed by the slot names below.
"""

from __future__ import annotations

import numpy as np

from arcgames.kernels import as_flat, as_words, kernel

# counters[...] slots
HEAD, SIZE, LIMIT, EXPANDED, SUCCESSORS, CURRENT, KEPT, LOST_KEPT, WON_FROM, WON_BY = range(10)
COUNTERS = 10

# What a search call (or one successor) ends with.
GOING, WON, OVER_BUDGET, EXHAUSTED, FULL = range(5)
_CONTINUE, _WON, _LOST = 0, 1, 2  # advance's outcomes

# uint64 constants: numba mixes unsigned and signed 64-bit integers into floats.
_SEED = np.uint64(0xCBF29CE484222325)
_MUL = np.uint64(0x9E3779B97F4A7C15)
_FINAL = np.uint64(0xFF51AFD7ED558CCD)


@kernel
def _words(array):
    """The array's bytes as (whole 8-byte words, the bytes left over): a byte loop is ~6x slower."""
    flat = as_flat(array).view(np.uint8)
    words = as_words(flat)
    return words, flat[words.shape[0] * 8 :]


@kernel
def _mix(h, word):
    h = (h ^ word) * _MUL
    return h ^ (h >> np.uint64(29))  # fold high bits down: the table probes with the low ones


@kernel
def state_hash(grid, vars):
    """A 64-bit hash of the state's bytes (board, then counters), eight bytes at a time."""
    h = _SEED
    words, rest = _words(grid)
    for i in range(words.shape[0]):
        h = _mix(h, words[i])
    for i in range(rest.shape[0]):
        h = _mix(h, np.uint64(rest[i]))
    words, rest = _words(vars)
    for i in range(words.shape[0]):
        h = _mix(h, words[i])
    h = (h ^ (h >> np.uint64(33))) * _FINAL
    return h ^ (h >> np.uint64(33))


@kernel
def _same_bytes(a, b):
    words_a, rest_a = _words(a)
    words_b, rest_b = _words(b)
    for i in range(words_a.shape[0]):
        if words_a[i] != words_b[i]:
            return False
    for i in range(rest_a.shape[0]):  # noqa: SIM110 (a loop: numba compiles no generator expressions here)
        if rest_a[i] != rest_b[i]:
            return False
    return True


@kernel
def same_state(grid_a, vars_a, grid_b, vars_b):
    """Are two states (of one level's shape) equal byte for byte?"""
    return _same_bytes(grid_a, grid_b) and _same_bytes(vars_a, vars_b)


_LOW = np.uint64(0xFFFFFFFF)
_HIGH = np.uint64(32)


@kernel
def _first_slot(h, mask):
    return np.int64(h & np.uint64(mask))


@kernel
def table_insert(table, hashes, index):
    """Put store index ``index`` (whose hash is set) into the table (it must not be there yet)."""
    mask = table.shape[0] - 1
    h = hashes[index]
    slot = _first_slot(h, mask)
    while table[slot] != 0:
        slot = (slot + 1) & mask
    # An entry holds the hash's high half beside the index: a probe rejects other states without reading the store
    # (a random read of the store costs a cache miss, the table's entries are next to each other).
    table[slot] = ((h >> _HIGH) << _HIGH) | np.uint64(index + 1)


@kernel
def rebuild_table(table, hashes, size):
    """Fill an empty (larger) table with store indices 0..size-1."""
    for index in range(size):
        table_insert(table, hashes, index)


@kernel
def find(store, table, n, h):
    """The store index of a state equal to the one in slot ``n`` (hash ``h``), or -1."""
    grids, vars = store[0], store[1]
    mask = table.shape[0] - 1
    slot = _first_slot(h, mask)
    tag = h >> _HIGH
    while table[slot] != 0:
        entry = table[slot]
        if entry >> _HIGH == tag:
            j = np.int64(entry & _LOW) - 1
            if same_state(grids[j], vars[j], grids[n], vars[n]):
                return j
        slot = (slot + 1) & mask
    return -1


@kernel
def _copy_state(dst_grid, dst_vars, src_grid, src_vars):
    src, dst = as_flat(src_grid), as_flat(dst_grid)
    for k in range(src.shape[0]):
        dst[k] = src[k]
    for k in range(src_vars.shape[0]):
        dst_vars[k] = src_vars[k]


@kernel
def begin_state(store, acts, counters):
    """Take the next state off the queue, if there is one and room for all its successors."""
    head, size = counters[HEAD], counters[SIZE]
    if head >= size or size + acts.shape[0] > store[0].shape[0]:
        return False
    counters[CURRENT] = head
    counters[HEAD] = head + 1
    counters[EXPANDED] += 1
    counters[KEPT] = 0
    counters[LOST_KEPT] = 0
    return True


@kernel
def load_child(store, counters):
    """Copy the state being expanded into the first free slot; return that slot."""
    grids, vars = store[0], store[1]
    i, n = counters[CURRENT], counters[SIZE]
    _copy_state(grids[n], vars[n], grids[i], vars[i])
    return n


@kernel
def _seen_lost(scratch, counters, grid, vars, h):
    """Is this losing successor equal to one the current state already had? If not, remember it."""
    lost_grids, lost_vars, lost_hashes = scratch[1], scratch[2], scratch[3]
    for k in range(counters[LOST_KEPT]):
        if lost_hashes[k] == h and same_state(lost_grids[k], lost_vars[k], grid, vars):
            return True
    k = counters[LOST_KEPT]
    _copy_state(lost_grids[k], lost_vars[k], grid, vars)
    lost_hashes[k] = h
    counters[LOST_KEPT] = k + 1
    return False


@kernel
def judge(action, outcome, store, table, scratch, counters):
    """Account for the successor that ``action`` left in the first free slot, as the reference search does: count
    it toward the branching when it differs from its parent and from the state's earlier successors; a win stops
    the search; a loss is dropped; a new state joins the queue (over the budget stops the search)."""
    grids, vars, hashes, parents, moves = store
    i, n = counters[CURRENT], counters[SIZE]
    h = state_hash(grids[n], vars[n])
    if outcome != _CONTINUE:
        # Outcomes are functions of the state after the rules, so a won or lost state is never in the store; only the
        # start state can be its own successor here (a level that starts lost or won).
        differs = not (hashes[i] == h and same_state(grids[i], vars[i], grids[n], vars[n]))
        if differs and (outcome == _WON or not _seen_lost(scratch, counters, grids[n], vars[n], h)):
            counters[SUCCESSORS] += 1
        if outcome == _WON:
            counters[WON_FROM], counters[WON_BY] = i, action
            return WON
        return GOING
    j = find(store, table, n, h)
    if j < 0:  # a new state: keep it
        j = n
        hashes[n], parents[n], moves[n] = h, i, action
        table_insert(table, hashes, n)
        counters[SIZE] = n + 1
    if j != i:
        kept = scratch[0]
        for k in range(counters[KEPT]):
            if kept[k] == j:
                break
        else:
            kept[counters[KEPT]] = j
            counters[KEPT] += 1
            counters[SUCCESSORS] += 1
    if counters[SIZE] > counters[LIMIT]:
        return OVER_BUDGET
    return GOING


@kernel
def stopped(store, counters):
    """Why the loop ran out of states to expand: the queue is empty, or the store has no room for the next one."""
    return EXHAUSTED if counters[HEAD] >= counters[SIZE] else FULL
