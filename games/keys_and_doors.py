"""Keys and doors.

A key is picked up by walking over it and opens one door, which it is spent on; lava
kills on contact; reach the goal.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import collect_items, move_avatar, reach_goal, touch_lava, unlock_doors

LEVELS = [
    """
#######
#@k.DG#
#######
""",
    """
#########
#@..L..k#
#.#.L.#.#
#.#...#.#
#.#####.#
#..LLL#D#
#.....#G#
#########
""",
    """
##########
#@..#...k#
#.k.D.LL.#
#...#....#
######LL.#
#G.....D.#
##########
""",
    """
#########
#k..#.k.#
#.@.D.L.#
#...#.k.#
##D######
#.......#
#LLLLLL.#
#G.D....#
#########
""",
    """
############
#@..#.L.k..#
#...D.L....#
#k..#...L..#
##D######D##
#..#.L..L.k#
#.L#...k...#
#..#########
#..L...L.###
#L...L...DG#
############
""",
]

GAME = Game(
    id="e8gx",
    title="Keys and doors",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(unlock_doors, move_avatar, collect_items),
    win=(reach_goal,),
    lose=(touch_lava,),
    card=Card(
        idea=(
            "A key is picked up by walking over it and is spent opening one door; lava kills "
            "on contact; reach the goal."
        ),
        priors=(
            "agentness.avatar",
            "objectness.contact",
            "objectness.containment",
            "objectness.persistence",
            "numbers.counting",
            "geometry.connectivity",
        ),
        levels=(
            "key, door, goal in a line",
            "the key is off the path and lava appears",
            "a key lies behind a door: open doors in the right order",
            "more doors than free keys: spending the first key on the nearer door strands you",
            "a chain of key rooms through lava; the door nearest the start is the trap",
        ),
    ),
)
