"""Boulder gates.

A side view. Boulders fall until they rest on something; the avatar is a flying,
climbing creature that does not fall. It pushes boulders (any direction; a boulder
lifted up drops back as soon as nothing holds it), and ACTION5 next to a switch flips
every gate on the board: closed gates open and open gates close. Reach the goal.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import gravity, interact_switch, move_avatar, push_blocks, reach_goal

LEVELS = [
    """
############
#@.........#
#..........#
#...####X###
#...#......#
#S..#.....G#
############
""",
    """
##############
#............#
#.@..........#
#S...........#
######.#######
######..O...G#
########X#####
########.#####
##############
""",
    """
##############
#S...........#
#............#
#.@....O.....#
#######X######
#######.######
#G...........#
##############
""",
    """
###############
#@....#.......#
#.....X.......#
#.S...#.....S.#
#######_#######
#.............#
#G............#
###############
""",
    """
###############
#@............#
#.............#
#.....O......S#
######X########
######.########
######.########
#.........O..G#
##########X####
##########.####
###############
""",
    """
################
#@....#........#
#.....X........#
#.S...#......S.#
#######_########
#.....#........#
#..G..X...S....#
################
""",
    """
################
#@.....#.....###
#......#..S..###
#..O..S#.....XG#
###X#####_######
###.###.......##
###.###.......##
###.###...S...##
###..O..########
#####X##########
#####.##########
################
""",
    """
################
#.......@#...###
#........#.S.###
#...O....#...###
#S..O....#...XG#
####X.####_#####
####.#####....S#
####.####......#
####.####......#
####.####......#
####...O...#####
#######X########
#######.########
################
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
            "a lever across the room opens the gate to the goal",
            "a boulder on a trapdoor plugs the tunnel: pushing it on jams the goal, opening drops it away",
            "push the boulder off the trapdoor before opening it, or it plugs the shaft below",
            "the lever opens one gate and closes another: cross, flip again from the far side",
            "push one boulder off its trapdoor, then the same lever drops the other out of the tunnel",
            "three levers in a row: every flip opens the way ahead and closes the way behind",
            "plug, drop and three flips in one cave",
            "two boulders stacked on the trapdoor: only one way to push them clears it; then the long flip chain",
        ),
    ),
)
