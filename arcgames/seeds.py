"""Seeds for generated levels, kept disjoint between the splits.

A game that generates levels draws each level's seed from :func:`level_seed`. Public
seeds are even and evaluation seeds odd, so no evaluation level can ever be generated
from a public seed, and public examples, tests that print frames and docs use only
public seeds (:func:`public_seed`).
"""

from __future__ import annotations

import hashlib

from arcgames.game import SPLITS, Split


def level_seed(game_id: str, split: Split, level: int) -> int:
    """The seed of generated level ``level`` (0-based) of a game, in its split's half of the seed space."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {SPLITS}")
    digest = hashlib.blake2b(f"{game_id}:{level}".encode(), digest_size=4).digest()
    base = int.from_bytes(digest, "big") & ~1
    return base if split == "public" else base | 1


def public_seed(n: int) -> int:
    """The n-th seed safe to use in public examples and tests (always even)."""
    return 2 * n


def is_public_seed(seed: int) -> bool:
    return seed % 2 == 0
