"""Fuel run.

A gauge of cells in the top wall holds the fuel: every move uses one cell, and the level
is lost when the gauge is empty. A refuel pad fills the gauge once and is used up. Keys
open doors. Reach the goal.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import collect_items, move_avatar, reach_goal, unlock_doors
from arcgames.primitives.fuel import burn_fuel, out_of_fuel, refuel

LEVELS = [
    """
#==========#
#@.........#
#..........#
#....##....#
#....#G....#
#..........#
############
""",
    """
#========###
#....r.....#
#..........#
#@........G#
#..........#
#..........#
############
""",
    """
#===========##
#.......#....#
#.r.....#....#
#.......#..r.#
#@...........#
#.......#....#
#.......#...G#
##############
""",
    """
#==========#####
#.......#......#
#.k.....#..r...#
#.......D......#
#@......#......#
#.......####D###
#..r....#......#
#.......#..k...#
#.......#......#
#...r...D.....G#
################
""",
    """
#============##
#.k...#.......#
#.....#...r.k.#
#.....D.......#
#@....#.......#
#.....####D####
#..r..#.......#
#.....#......G#
###############
""",
    """
#===========####
#@.....#.......#
#......#..r..k.#
#..k...D.......#
#......#.......#
#.r....###D#####
#......#.......#
####.###...r...#
#......#.......#
#.k..r.#.....#D#
#......D.....#G#
################
""",
    """
#========#######
#.....#...#....#
#.r.k.#.r.#..k.#
#.....D...D....#
#@....#...#....#
#######...###D##
#...k.#.k.#....#
#.....D...#..r.#
#.r...#...D....#
#.....#...#..D##
#.k...#.r.#...G#
################
""",
    """
#=============##
#....#....#.k..#
#.@..D..k.D....#
#....#....#..r.#
##.####.####.###
#r...#.k..#....#
#....#....D....#
#....#...r#....#
###.####.####D##
#....#r...#....#
#.k..D....#..G.#
#....#....#....#
################
""",
]

GAME = Game(
    id="49r2",
    title="Fuel run",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(burn_fuel, unlock_doors, move_avatar, collect_items, refuel),
    win=(reach_goal,),
    lose=(out_of_fuel,),
    legend={"=": ("fuel", ""), "-": ("fuel_empty", ""), "r": ("refuel", "")},
    card=Card(
        idea=(
            "Every move uses one cell of the fuel gauge in the top wall and an empty gauge loses; a refuel pad "
            "fills the gauge once; keys open doors; reach the goal."
        ),
        priors=(
            "agentness.avatar",
            "numbers.counting",
            "objectness.contact",
            "objectness.containment",
            "geometry.connectivity",
        ),
        levels=(
            "an open room and a gauge with one move to spare: each move drains a cell",
            "the goal is farther than the gauge: a refuel pad off the way refills it",
            "two pads behind a wall: only the far one leaves enough fuel for the goal",
            "keys open doors; the doors' rooms hold the pads",
            "a key and a pad in each room: fetch them in an order the gauge allows",
            "five doors, three keys: the rooms that pay back their fuel",
            "a key chain through a pad corridor: the last door hides the goal",
            "nine rooms in a snake; the doors that skip rooms cost a key the snake needs",
        ),
    ),
)
