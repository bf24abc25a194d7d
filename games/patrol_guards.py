"""Patrol guards.

Reach the goal past guards that walk straight and turn back at obstacles; standing next
to a guard loses. Guards in fog are hidden (drawn as fog) but keep walking; fog next to
the avatar lifts for good. A chaser joins in the fifth level; a guard that walks into the avatar
turns back instead (a guard met head-on can be pushed back).
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import caught, chase, move_avatar, reach_goal
from arcgames.primitives.agents import caught_by_patrol, patrol, reveal_fog

LEVELS = [
    """
###########
#..@#.....#
#.....###.#
#...^...#.#
#.....#.#.#
#...#.#..G#
###########
""",
    """
##############
#@.........<G#
####.#########
####.#########
##############
""",
    """
###############
#@..#~#..#~#..#
#...#A#..#~#..#
#.............#
#...#~#..#V#..#
#####~#..###..#
#####~#..<....#
#############G#
###############
""",
    """
###############
#@..........<.#
####.######.###
####.######.###
#..........v..#
#.###.#######.#
#.###.#######.#
#.>...........#
#.#############
#.............#
#############G#
###############
""",
    """
#############
#@....#.....#
#.###.#..v..#
#.#.......#.#
#.#.###.#.#.#
#.....#C#..G#
#############
""",
    """
###############
#@....#.......#
#.###.#.#####.#
#.#...v.....#.#
#.#.#####.#.#.#
#...#~~~#.#...#
###.#~A~#.###.#
#...#~~~#...#.#
#.###.######..#
#..<.........G#
###############
""",
    """
#############
#@.........<#
####.###.##.#
##.#.#.#.##.#
##.###.####.#
#>....~~....#
#.#.#####.###
#.#.#.#.#.###
#.###.#.#####
#.........<G#
#############
""",
    """
###############
#@...........<#
#####.#####.#.#
###.#.##.##.#.#
###.####.####.#
#>............#
#.####.###.####
#.#.##.#.#.####
#.#.####.######
#...........<G#
###############
""",
]

LEGEND = {
    "^": ("floor", "patrol_up"),
    "v": ("floor", "patrol_down"),
    "<": ("floor", "patrol_left"),
    ">": ("floor", "patrol_right"),
    "~": ("fog_floor", ""),
    "A": ("fog_floor", "hidden_patrol_up"),
    "V": ("fog_floor", "hidden_patrol_down"),
    "{": ("fog_floor", "hidden_patrol_left"),
    "}": ("fog_floor", "hidden_patrol_right"),
}

GAME = Game(
    id="xg9e",
    title="Patrol guards",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(move_avatar, patrol, chase, reveal_fog),
    win=(reach_goal,),
    lose=(caught_by_patrol, caught),
    legend=LEGEND,
    card=Card(
        idea=(
            "Reach the goal past guards that walk straight and turn back at obstacles; standing next to one "
            "loses. Fog hides the guards inside it until the avatar comes close."
        ),
        priors=("agentness.avatar", "agentness.patrol", "agentness.chase", "agentness.flee", "objectness.occlusion"),
        levels=(
            "a guard paces across the way: watch it, cross its lane when it is away",
            "a guard sweeps the only corridor: hide in the side passage, then follow it",
            "guards pace inside fog, seen only as they cross: time them by what they did in sight",
            "corridors joined by doorways, guards along and across them: wait in a doorway for the moment",
            "a chaser wakes up: lead it round the loop, then slip past the guard",
            "a maze with a guard in the open and another hidden in a fogged room beside the way",
            "a winding way through three guarded corridors, one partly fogged: hide in pockets two deep",
            "the longest winding way: three guards out of step, pockets on both sides",
        ),
    ),
)
