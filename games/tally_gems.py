"""Tally gems.

A row of empty marks in the wall is a tally. Gems come in three colours worth 1, 2 and
3: picking one up fills that many marks. Fill the tally exactly: a gem worth more than
the marks left loses, and so does a gem worth less than the one before it (collect in
ascending order). Guards pace between gems; fog cells hide gems until the avatar is next
to them.
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
#######
#||####
#@.1.1#
#######
""",
    """
#########
#||||####
#..2....#
#@...3..#
#.....2.#
#########
""",
    """
#########
#||||||##
#.......#
#@3.2.1.#
#.......#
#########
""",
    """
###########
#|||||#####
#@....1...#
#.###.###.#
#.#2#.#1#.#
#.#v#.#.#.#
#....3....#
###########
""",
    """
############
#|||||||####
#@...~....~#
#.##.##.##.#
#.#y.x#.3#.#
#.##v##.##.#
#..........#
#.2.~.##.z.#
############
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
            "each gem fills a mark: fill the tally",
            "colours are worth more: two plus three overshoots, two twos fit",
            "smallest first: walk round the bigger gems to the one",
            "a guard paces over the cheap gem: time it or take the long sum",
            "fog hides gems: look before you pick, with a guard walking through fog",
        ),
    ),
)
