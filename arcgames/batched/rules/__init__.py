"""Vectorised torch versions of every primitive in :mod:`arcgames.primitives`, for the batched engine.

Each batched rule updates a whole batch of boards in place for one batched action;
each batched condition returns one bool per env. They are registered under the same
names as the scalar primitives (``BATCHED_RULES["move_avatar"]``,
``BATCHED_CONDITIONS["reach_goal"]``) in modules that mirror the scalar package
(``core``, ``agents``, ``geometry``, ``numbers``), and the scalar primitives' exact
semantics are the spec: ``tests/test_batched.py`` runs both on the same actions and
compares every state and every frame, per game and per primitive on random boards.

Why two implementations instead of one: the scalar engine plays one env and must stay
within a ~20 µs step, and each numpy call costs ~1 µs on tiny arrays (a torch call
several), so the scalar rules are plain Python over the handful of cells a step
touches. The batched engine steps thousands of envs at once, where only whole-batch
tensor ops are fast and per-call cost is amortised, so its rules are array expressions
with no Python loop over envs. One definition cannot be fast in both regimes; the
equivalence test keeps the two equal.

Where the scalar semantics are sequential, a batched rule loops over a small, fixed
number of things, never over envs: the avatars (or twins, chasers, sheep, patrollers,
falling objects) of an env, in the scalar order (front-most in the move direction
first; row-major; lowest first; farthest first), at most as many as any board of the
batch starts with (``BoardSpec.most``), since no primitive creates objects. Flood
fills (pipes, enclosed dots) loop over steps of growth until nothing changes.
"""

from arcgames.batched.rules import agents, core, geometry, numbers  # noqa: F401  (registers the rules)
from arcgames.batched.rules.base import (
    BATCHED_CONDITIONS,
    BATCHED_RULES,
    PAD,
    Batch,
    BatchAct,
    BatchedCondition,
    BatchedRule,
    BoardSpec,
    padded_size,
    supports_batched,
    unsupported_reason,
)

__all__ = [
    "BATCHED_CONDITIONS",
    "BATCHED_RULES",
    "PAD",
    "Batch",
    "BatchAct",
    "BatchedCondition",
    "BatchedRule",
    "BoardSpec",
    "padded_size",
    "supports_batched",
    "unsupported_reason",
]
