"""Core-knowledge primitives: the reusable rule pieces games are composed of.

A *rule* is ``rule(state, act) -> None``: it updates the state in place for one
action. A game lists its rules in update order (as in pycolab); the engine calls
them for every action except RESET and undo, which it handles itself.
A *condition* is ``condition(state) -> bool``: a level is won when all of the
game's win conditions hold and lost when any lose condition holds.

Why plain Python over numpy scalars instead of vectorised numpy: a step touches a
handful of cells, and each numpy call costs ~1 µs, so a rule written as array
expressions would cost more than the whole 30 µs step budget. The batched engine
gets vectorised versions of the same rules, and an equivalence test keeps them equal.
"""

import importlib

from arcgames.primitives.base import CONDITIONS, RULES, Condition, Rule, condition, rule
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
