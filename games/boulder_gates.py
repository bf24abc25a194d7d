"""Boulder gates.

Card (authors only, never shown to agents):
- Idea: a side view. Boulders fall until they rest on something; the avatar is a flying,
  climbing creature that does not fall. It pushes boulders (any direction; a boulder
  lifted up drops back as soon as nothing holds it), and ACTION5 next to a switch flips
  every gate on the board: closed gates open and open gates close. Reach the goal.
- Primitives: interact_switch, push_blocks, move_avatar, gravity; win reach_goal.
- Priors: objectness (solidity, gravity, support), causality (a lever acts at a distance),
  geometry (shafts and corridors one cell wide); irreversibility (undo pays off).
- Levels: 1 a lever opens the gate to the goal; 2 a boulder blocks the corridor, resting
  on a trapdoor: open it and the boulder drops away (pushing it on covers the goal);
  3 the boulder sits on the trapdoor you must go down: push it aside before opening,
  or it plugs the shaft below; 4 the lever opens one gate and closes another: cross,
  flip again from the far side, come back; 5 both twists at once: move the boulder off
  the trapdoor, go down, flip from the far side to open the way back to the goal.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import gravity, interact_switch, move_avatar, push_blocks, reach_goal

LEVELS = [
    """
#######
#@.X.G#
#S#####
#######
""",
    """
#########
#@..O..G#
#S##X####
####.####
#########
""",
    """
##########
#S@.O....#
####X#####
####.#####
####.#####
####...G##
##########
""",
    """
##########
#@.X.....#
#S##_###.#
#......S.#
#G########
##########
""",
    """
#############
#S@..O...X..#
#####X###_#.#
#...O.......#
#.###X###.#.#
#G_....._.#S#
#############
""",
]

GAME = Game(
    id="dhod",
    title="Boulder gates",
    split="evaluation",
    levels=LEVELS,
    actions=(
        ActionId.ACTION1,
        ActionId.ACTION2,
        ActionId.ACTION3,
        ActionId.ACTION4,
        ActionId.ACTION5,
        ActionId.ACTION7,
    ),
    rules=(interact_switch, push_blocks, move_avatar, gravity),
    win=(reach_goal,),
    card=Card(
        idea=(
            "Side view: boulders fall until supported; the flying avatar pushes them, and "
            "ACTION5 next to a lever flips every gate."
        ),
        priors=(
            "agentness.avatar",
            "objectness.cohesion",
            "objectness.persistence",
            "objectness.contact",
            "geometry.connectivity",
        ),
        levels=(
            "a lever opens the gate to the goal",
            "a boulder on a trapdoor: open it and the boulder drops away",
            "push the boulder off the trapdoor before opening it, or it plugs the shaft",
            "the lever opens one gate and closes another: cross, flip again from the far side",
            "both twists at once",
        ),
    ),
)
