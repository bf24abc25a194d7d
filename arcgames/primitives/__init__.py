"""Core-knowledge primitives: the reusable rule pieces games are composed of.

A *rule* updates one play's board and counters in place for one action; a *condition*
judges them: a level is won when all of the game's win conditions hold and lost when any
lose condition holds. A game lists its rules in update order (as in pycolab); the engine
calls them for every action except RESET and undo, which it handles itself.

Each primitive is written once, as a compiled kernel (:mod:`arcgames.kernels`) that every
engine runs, with its kinds, the counter slots it keeps and its level check (what a level
needs for it: :data:`arcgames.primitives.base.LevelCheck`) next to it.
"""

import importlib

from arcgames.primitives.base import CONDITIONS, RULES, Condition, LevelProblem, Rule, condition, rule
from arcgames.primitives.core import (
    all_gems_collected,
    all_lights_on,
    all_painted,
    caught,
    chase,
    click_switch,
    collect_items,
    cover_goals,
    enter_portals,
    gravity,
    interact_switch,
    move_avatar,
    paint_trail,
    push_blocks,
    reach_goal,
    toggle_lights,
    touch_lava,
    unlock_doors,
)

__all__ = [
    "CONDITIONS",
    "RULES",
    "Condition",
    "LevelProblem",
    "Rule",
    "all_gems_collected",
    "all_lights_on",
    "all_painted",
    "caught",
    "chase",
    "click_switch",
    "collect_items",
    "condition",
    "cover_goals",
    "enter_portals",
    "gravity",
    "interact_switch",
    "move_avatar",
    "paint_trail",
    "push_blocks",
    "reach_goal",
    "rule",
    "toggle_lights",
    "touch_lava",
    "unlock_doors",
]
from arcgames.primitives import agents as _agents  # noqa: F401  (registers the agent primitives)
from arcgames.primitives import geometry as _geometry  # noqa: F401  (registers the geometry primitives)
from arcgames.primitives import numbers as _numbers  # noqa: F401  (registers the number primitives)

# Kinds get their ids in import order, and ids are in every recording's state hashes: later modules of
# primitives are imported in this fixed order, a new one appended at the end, never sorted in among the others.
for _module in ("fuel", "bodies", "shapes", "ice", "vessels", "paint", "tiles", "turnstiles"):
    importlib.import_module(f"arcgames.primitives.{_module}")
