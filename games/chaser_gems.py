"""Chaser gems.

Collect every gem; after each action a chaser steps one cell toward the avatar (the
longer gap first, the other axis if blocked) and touching it orthogonally loses. It is
as fast as the avatar and greedy, so walls and cups shake it off.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import all_gems_collected, caught, chase, collect_items, move_avatar

LEVELS = [
    """
##########
#o..#...o#
#.#.#.#..#
#.......@#
#.##.###.#
#C.......#
##########
""",
    """
#########
#o.....o#
#.##.##.#
#...C...#
#.##.##.#
#o..@..o#
#########
""",
    """
###########
#o#.....#o#
#.#.....#.#
#....#....#
#...#.#...#
#.........#
#@.......C#
###########
""",
    """
###########
#o#..o..#o#
#.#.###.#.#
#.........#
#.##.#.##.#
#...#.#...#
#.........#
#@...o...C#
###########
""",
    """
###########
#o#..o..#o#
#.#.###.#.#
#....C....#
#.##.#.##.#
#...#.#...#
#.........#
#o...@...o#
###########
""",
    """
###########
#o#..o..#o#
#.#.###.#.#
#.........#
#.##.#.##.#
#...#C#...#
#.........#
#@...o...C#
###########
""",
    """
###############
#o#....o....#o#
#.#.#######.#.#
#.............#
#.##.#.#.#.##.#
#o#..#...#..#o#
#.#.##.#.##.#.#
#......C......#
#.##.#####.##.#
#...#.....#...#
#.#...#o#...#.#
#@..#.....#..C#
###############
""",
]

GAME = Game(
    id="pf91",
    title="Chaser gems",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(move_avatar, collect_items, chase),
    win=(all_gems_collected,),
    lose=(caught,),
    card=Card(
        idea=(
            "Collect every gem; after each action a chaser steps toward the avatar and "
            "touching it loses; walls and cups shake it off."
        ),
        priors=("agentness.avatar", "agentness.chase", "agentness.flee", "objectness.contact", "geometry.connectivity"),
        levels=(
            "two gems at the ends of a small maze, the chaser in the far corner: grab one, loop to the other",
            "run a loop around pillars with the chaser trailing",
            "gems in dead-end pockets; the chaser parks itself in a cup",
            "more pockets than cups: lure it from one trap into another",
            "it starts in the middle: bait it into a trap on one side, then the other",
            "a second chaser waits in the central cup: two pursuers to shake off at once",
            "a wide board with two chasers and six gems: park each in its own cup, then clear the pockets",
        ),
    ),
)
