"""Shared pieces of the training tests: the optional extra's imports, solver scripts."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

from arcgames.actions import Action
from arcgames.registry import get_game
from arcgames.solver import solve

REQUIRE = "ARCGAMES_REQUIRE_TRAIN"  # CI sets it: a missing `arcgames[train]` package is then a failure


def need(module: str) -> ModuleType:
    """Import a package of the train extra; skip without it, unless CI requires it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        if os.environ.get(REQUIRE) == "1":
            raise
        pytest.skip(f"needs {module} (pip install -e '.[train]'): {err}")


def solution(game_id: str, level: int) -> tuple[Action, ...]:
    found = solve(get_game(game_id), level)
    assert found is not None
    return found.actions
