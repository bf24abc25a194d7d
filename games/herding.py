"""Herding.

Sheep step away from the avatar when it comes within two steps (along the wider gap
first); drive every sheep onto the pen cells. A sheep driven into a corner is stuck for
good, so approach from the right side.
The card below (never shown to agents) lists the priors and what each level tests.
"""

import itertools
import random

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar
from arcgames.primitives.agents import flee, herded
from arcgames.seeds import level_seed

ID, SPLIT = "dn58", "evaluation"


def generate(seed: int, width: int = 10, height: int = 6, pens: tuple[int, ...] = (1, 2), rocks: int = 5) -> str:
    """A pasture ``width`` wide with ``height`` open rows and one pen per entry of ``pens``
    (its depth), cut into the top wall, with that many sheep somewhere below it.

    Solvable by construction: pen columns are 3+ apart, sheep stand 2+ rows above the
    clear bottom row, and rocks stay off the pen columns and the bottom row, so from the
    bottom row each sheep only ever flees straight up its column, into its pen.
    """
    if width < 3 * len(pens) or height < max(pens) + 3:
        raise ValueError(f"pens {pens} need a pasture at least {3 * len(pens)} wide and {max(pens) + 3} high")
    rng = random.Random(seed)
    top = max(pens) + 1  # the first open row
    bottom = top + height - 1
    grid = [["#"] * width for _ in range(bottom + 2)]
    for y in range(top, bottom + 1):
        grid[y][1 : width - 1] = ["."] * (width - 2)
    columns: list[int] = []
    while not columns or any(b - a < 3 for a, b in itertools.pairwise(columns)):
        columns = sorted(rng.sample(range(1, width - 1), len(pens)))
    for x, depth in zip(columns, pens, strict=True):
        for y in range(top - depth, top):
            grid[y][x] = "p"
        for y in rng.sample(range(top + 1, bottom - 1), depth):
            grid[y][x] = "s"
    grid[bottom][rng.randrange(1, width - 1)] = "@"
    spots = [(y, x) for y in range(top, bottom) for x in range(1, width - 1) if x not in columns]
    for y, x in rng.sample(spots, rocks):
        grid[y][x] = "#"
    return "\n".join("".join(row) for row in grid)


LEVELS = [
    """
#########
#####p###
#.......#
#.......#
#.......#
#...s...#
#.......#
#.......#
#@......#
#########
""",
    """
##########
######p###
#........#
#........#
#........#
#.s......#
#........#
#........#
#.......@#
##########
""",
    generate(level_seed(ID, SPLIT, 2), width=12, height=8, pens=(1, 1), rocks=7),
    generate(level_seed(ID, SPLIT, 3), width=10, height=6, pens=(1, 2), rocks=5),
    """
###########
###########
#pp.......#
#####.....#
#.........#
#..s...s..#
#.........#
#..#......#
#........@#
###########
""",
    generate(level_seed(ID, SPLIT, 5), width=12, height=7, pens=(1, 1, 1), rocks=7),
    """
#############
#p..........#
#...........#
##########..#
#...........#
#...........#
#..##########
#...........#
#......s....#
#..........@#
#############
""",
    """
#############
#pp.........#
#...........#
##########..#
#...........#
#......s....#
#..##########
#...........#
#....s......#
#..........@#
#############
""",
]

GAME = Game(
    id=ID,
    title="Herding",
    split=SPLIT,
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(move_avatar, flee),
    win=(herded,),
    legend={"s": ("floor", "sheep"), "p": ("pen", "")},
    card=Card(
        idea="Sheep step away from the avatar when it comes near; drive every sheep onto the pen.",
        priors=(
            "agentness.flee",
            "objectness.containment",
            "geometry.inside_outside",
            "numbers.counting",
            "numbers.arithmetic",
        ),
        levels=(
            "one sheep below the pen: walk round behind it and drive it up",
            "the sheep is off to the side: drive it along the wall, then up",
            "a rocky pasture with two one-cell pens: herd each sheep up its own column",
            "a pen two deep takes two sheep, one deep takes one: the flock splits as the pens count",
            "a fenced pen with a side entrance: line both sheep up along the fence",
            "three pens, three sheep and rocks that trap a sheep driven into a corner",
            "a winding lane: at every bend the avatar must get round the sheep without pushing it into the corner",
            "two sheep along the same winding lane into one pen: bring them round the bends one after the other",
        ),
    ),
)
