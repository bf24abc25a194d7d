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
#########
#@..#..k#
#.#...#.#
#.#.#.#.#
#.......#
####D####
####G####
#########
""",
    """
#########
#@..L..k#
#L#.L.#.#
#.#...#.#
#.#####.#
#..LLL#D#
#.....#G#
#########
""",
    """
##########
#@..#...k#
#Lk.D.LL.#
#...#....#
######LL.#
#G.....D.#
##########
""",
    """
#############
#@..L...#..k#
#.#.L.#.#.#.#
#.#...#...#.#
#.#####L###.#
#k..L...L...#
###.#####.###
#...#...#...#
#.LL#.k.#LL.#
#...D...D...#
######D######
######G######
#############
""",
    """
#########
#k..#.k.#
#.@.D.L.#
#L..#.k.#
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
    """
###############
#@....#....L..#
#.###.D.##...k#
#.#k#.#..#.L..#
#.#.#.####.##D#
#...#......#..#
###D###LL#.#.k#
#...#......#..#
#.L.#.###.L####
#.L...#k#.....#
#.LLL.#.#####D#
#.....#..D....#
###########D###
#G..........L.#
###############
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
            "the goal sits behind a door: walk the small maze to the key first",
            "the key is off the path and lava appears",
            "a key lies behind a door: open doors in the right order",
            "a door stands before the goal's door: the second key waits between them, past lava",
            "more doors than free keys: spending the first key on the nearer door strands you",
            "a chain of key rooms through lava; the door nearest the start is the trap",
            "everything at once: decoy doors, keys behind doors, lava lanes and a long way round",
        ),
    ),
)
