"""Tally gems.

A row of empty marks in the wall is a tally. Gems come in three colours worth 1, 2 and
3: picking one up fills that many marks. Fill the tally exactly: a gem worth more than
the marks left loses, and so does a gem worth less than the one before it (collect in
ascending order). The marks stand one wall cell apart so that they can be counted, and the
status strip shows the marks filled, the last gem's value and a red pip once the order broke.
Guards pace between gems; fog cells hide gems until the avatar is next to them.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar
from arcgames.primitives.agents import (
    caught_by_patrol,
    fill_tally,
    gems_in_order,
    gems_out_of_order,
    patrol,
    reveal_fog,
    tally_exact,
    tally_overflow,
)

LEVELS = [
    """
#|#|#|#########
#@....#......1#
#.###.#.#####.#
#.#.#...#...#.#
#.#.#####.#.#.#
#.#1....#.#...#
#.#####.#.###.#
#.....#.....#1#
###############
""",
    """
#|#|#|#|#|#|####
#@.3...........#
#..............#
#..2...........#
#..............#
#......2.......#
#..........2...#
#..............#
################
""",
    """
#|#|#|#|#|#|#|#
#@....#......1#
#.###.#.#####.#
#.#2#...#.2.#.#
#.#.#####.#.#.#
#.#1....#.#.2.#
#.#####.#.###.#
#...2.#.....#1#
###############
""",
    """
#|#|#|#|#|#|#|#|
#@.........#...#
#..3.......2#.##
#..............#
#.........#....#
#..2.......1...#
###.......1....#
#..............#
#.1.#...21.....#
################
""",
    """
#|#|#|#|#|#|#|##
#@#....#...##..#
#.##...........#
#..1#....#.2.###
#.#..#...#.#.#.#
#.#v....#......#
##..##..#...#..#
#1#.#.#3...2...#
#.....#..#.#..##
#..#.#2..#...1.#
################
""",
    """
#|#|#|#|#|#|#|#|
#@#...........##
#..###########.#
#.#x..#.~.#2...#
#.#.#.#...#..###
#...#.....#.~..#
###...###.###.##
#1...~#3#..y...#
#.###.###.##.#.#
#.....2#.~..#z.#
################
""",
    """
#|#|#|#|#|#|#|#|
#@....#...#..#.#
#.##....#..#...#
##.x####~.#2...#
###...#..#.##..#
#.....v.###.~.##
#.......#..#...#
#1.#.~.3...y...#
#.#.#...#..##.##
#....#2..~.##z.#
################
""",
    """
#|#|#|#|#|#|#|#|
#@.#.#.......#.#
#..#.....#..#.##
#.#x....~..2..##
#.#..2#z#.#..#.#
#..###v#..#.~#.#
##......#....1##
#1#.#~.3#.#y...#
#.#.#.##...#.#.#
#...#.#.#~..##.#
#.##.###.#..##.#
#...1#.v#....#.#
##...#.##......#
#3.~..........2#
################
""",
]

LEGEND = {
    "|": ("tally", ""),
    "1": ("gem_1", ""),
    "2": ("gem_2", ""),
    "3": ("gem_3", ""),
    "~": ("fog_floor", ""),
    "x": ("fog_gem_1", ""),
    "y": ("fog_gem_2", ""),
    "z": ("fog_gem_3", ""),
    "v": ("floor", "patrol_down"),
}

GAME = Game(
    id="pft7",
    title="Tally gems",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(move_avatar, fill_tally, patrol, reveal_fog),
    win=(tally_exact, gems_in_order),
    lose=(tally_overflow, gems_out_of_order, caught_by_patrol),
    legend=LEGEND,
    card=Card(
        idea=(
            "Gems worth 1, 2 or 3 fill that many marks of a tally; fill it exactly, picking gems in "
            "ascending order, past guards and fog."
        ),
        priors=(
            "numbers.counting",
            "numbers.comparing",
            "numbers.sorting",
            "numbers.arithmetic",
            "agentness.patrol",
            "objectness.occlusion",
            "objectness.containment",
        ),
        levels=(
            "each gem fills one mark, and the marks stand apart so they can be counted: three gems, three marks",
            "colours are worth more: sky gems fill two marks, pink three; the three by the start fits no sum",
            "ones deep in the maze, twos on the way: a gem worth less than the last one loses "
            "(the strip shows the last gem's value)",
            "all three values and more gems than the tally takes: a sum that fits, smallest first",
            "a guard paces the corridor by the start: cross it when it has turned away",
            "fog hides gems until the avatar stands next to it: look before picking",
            "fog and a guard together, with a longer tally",
            "two guards, fog and the longest tally: plan the sum, the order and the timing",
        ),
    ),
)
