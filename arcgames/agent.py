"""The agent protocol, and loading agents by name or import path.

An agent sees what a player sees and nothing more: the frame, the available
actions and level progress (the ``info`` dict of the env). It never gets the env,
the engine or the game object, so it cannot read game internals through this API.
"""

from __future__ import annotations

import importlib
import inspect
import os
import secrets
import sys
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict

from arcgames.actions import Action, ActionId

AGENT_INFO_KEYS = (
    "game_id",
    "level",
    "levels_completed",
    "num_levels",
    "state",
    "available_actions",
    "action_count",
    "level_action_count",
)


class GameInfo(BaseModel):
    """What an agent is told before a play: an opaque id and the actions it may use.

    ``game_id`` is a fresh random id per run, never a registry key: an agent cannot look its game up
    in the installed registry (or tell from the id that two runs play the same game).
    """

    model_config = ConfigDict(frozen=True)

    game_id: str
    num_levels: int
    available_actions: tuple[ActionId, ...]


class Transition(BaseModel):
    """One step as an agent may learn from it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    action: Action
    frame: np.ndarray  # the frame after the action
    info: dict[str, Any]
    reward: float


@runtime_checkable
class Agent(Protocol):
    """``reset`` once per play, then ``act`` for each action; ``observe`` is optional."""

    name: str

    def reset(self, game: GameInfo) -> None: ...

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action: ...


def agent_view(info: dict[str, Any], game_id: str) -> dict[str, Any]:
    """The part of an env's ``info`` an agent may see (a fresh dict it may keep), with the run's opaque id."""
    return {key: info[key] for key in AGENT_INFO_KEYS} | {"game_id": game_id}


def opaque_run_id() -> str:
    """A fresh random id for one run, shown to the agent instead of the game's id."""
    return secrets.token_hex(4)


def agent_config(agent: Any) -> dict[str, Any]:
    """An agent's configuration for its recording header: ``agent.config()`` if it has one."""
    config = getattr(agent, "config", None)
    return config() if callable(config) else {"class": f"{type(agent).__module__}.{type(agent).__qualname__}"}


class AgentLoadError(ValueError):
    """An --agent value that does not name a loadable agent."""


class AgentBudgetExceeded(RuntimeError):
    """Raised by ``act`` when the agent's own budget (tokens, cost) is spent.

    The harness ends the run with reason ``budget`` (not ``crash``): running out of
    money is a limit of the evaluation, not a bug in the agent.
    """


BUILTIN_AGENTS = {
    "random": "arcgames.agents.random:RandomAgent",
    "explorer": "arcgames.agents.explorer:ExplorerAgent",
    "llm": "arcgames.agents.llm:LLMAgent",
    "ppo": "arcgames.agents.ppo:PPOAgent",
}


def _import_path_folder() -> None:
    """Put the current folder on ``sys.path``, as ``python -m`` does, so ``my_agent:MyAgent`` imports.

    The ``arcgames`` console script starts without it. Spawned worker processes of the
    harness inherit the parent's ``sys.path`` and working folder, so they find it too.
    """
    folder = os.getcwd()
    if folder not in sys.path and "" not in sys.path:
        sys.path.insert(0, folder)


def load_agent_factory(spec: str) -> Callable[..., Agent]:
    """Resolve a built-in name (random, explorer, ...) or ``package.module:Class`` to a class/factory.

    Import paths resolve against the current folder first (a local ``my_agent.py`` works).
    """
    target = BUILTIN_AGENTS.get(spec, spec)
    if ":" not in target:
        raise AgentLoadError(
            f"unknown agent {spec!r}; use one of {', '.join(BUILTIN_AGENTS)} or an import path 'package.module:Class'"
        )
    module_name, _, attr = target.partition(":")
    if spec not in BUILTIN_AGENTS:
        _import_path_folder()
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        hint = ""
        missing = err.name or ""  # the module that was not found: the agent's own (or its package), or a dependency
        if spec not in BUILTIN_AGENTS and missing and f"{module_name}.".startswith(f"{missing}."):
            hint = (
                f"; it is looked up in the current folder ({os.getcwd()}) and on sys.path: run from the folder "
                "that holds it, or add that folder to PYTHONPATH"
            )
        raise AgentLoadError(f"cannot import agent module {module_name!r} for {spec!r}: {err}{hint}") from None
    factory = getattr(module, attr, None)
    if factory is None or not callable(factory):
        raise AgentLoadError(f"module {module_name!r} has no agent class {attr!r}")
    return factory


def make_agent(spec: str, seed: int, kwargs: dict[str, Any] | None = None) -> Agent:
    """Build an agent from its name or import path, passing ``seed`` when its factory takes one."""
    factory = load_agent_factory(spec)
    kwargs = dict(kwargs or {})
    try:
        accepts_seed = "seed" in inspect.signature(factory).parameters
    except (TypeError, ValueError):  # some callables have no signature to inspect
        accepts_seed = False
    if accepts_seed:
        kwargs.setdefault("seed", seed)
    return factory(**kwargs)
