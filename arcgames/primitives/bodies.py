"""Bodies: several avatars to choose between, and pressure plates that hold gates open.

Only the active body moves; the others wait, drawn in another colour, as solid as any
object. ACTION5 passes control on: the active body becomes a waiting one and the next
waiting body in reading order after it (wrapping round) becomes active. The choice is on
screen by construction: it is the one body drawn in the avatar's colour. A plate holds
every gate open while any object stands on it, so one body can keep a way open for another.
"""

from __future__ import annotations

from arcgames.actions import ActionId
from arcgames.kernels import ACT_ID, as_flat
from arcgames.kinds import AVATAR, GATE_CLOSED, GATE_OPEN, GOAL, Layer, define_kind
from arcgames.primitives.base import every_on, k_find, k_hold_doors, rule

INTERACT = int(ActionId.ACTION5)

# --- kinds -----------------------------------------------------------------------

BODY = define_kind("body", Layer.OBJECTS, "white")  # a body waiting its turn
PLATE = define_kind("plate", Layer.TERRAIN, "pink")  # holds the gates open while something stands on it

# --- rules -----------------------------------------------------------------------


@rule
def switch_body(grid, vars, act, flags):
    """ACTION5: the active body waits and the next waiting body in reading order (wrapping) takes over."""
    if act[ACT_ID] != INTERACT:
        return
    objects = as_flat(grid[1])
    active = k_find(grid, 1, AVATAR, 0)
    if active < 0:
        return
    after = k_find(grid, 1, BODY, active + 1)
    waiting = after if after >= 0 else k_find(grid, 1, BODY, 0)
    if waiting >= 0:
        objects[waiting] = AVATAR
        objects[active] = BODY


@rule
def hold_plates(grid, vars, act, flags):
    """Gates are open while any object stands on a plate and closed otherwise; a gate with an object in it
    stays open until the object leaves."""
    objects = as_flat(grid[1])
    held = False
    plate = k_find(grid, 0, PLATE, 0)
    while plate >= 0 and not held:
        held = objects[plate] != 0
        plate = k_find(grid, 0, PLATE, plate + 1)
    k_hold_doors(grid, held, GATE_CLOSED, GATE_OPEN)


# --- conditions ------------------------------------------------------------------

all_bodies_home = every_on(
    "all_bodies_home", (AVATAR, BODY), GOAL, "Won when every body, the active one too, stands on a goal cell."
)
