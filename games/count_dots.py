"""Count dots.

White dots, some inside blue rings; a bank of lamps below. Clicking a lamp switches it.
The level is won when as many lamps are lit as there are dots inside rings (dots outside
every ring, or inside a ring with a gap, do not count, and several rings add up), and,
where the lamps stand in several rows, each row has more lit than the row above (the rows grow
longer downwards, a staircase, and the first level with rows starts lit as one). Levels 2-8 are
generated, each adding one idea; every lamp can be switched, so every level can be won. Lamps
stand side by side (the frame draws each as its own tile), so that a row of up to 17 fits
the one cell size of the game.
"""

import random
from itertools import pairwise

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import numbers
from arcgames.seeds import level_seed

ID, SPLIT = "0ce9", "public"
LEGEND = {"x": ("loop", ""), "o": ("dot", ""), "0": ("lamp_off", ""), "1": ("lamp_on", "")}
LEVEL_1 = """
...................
..xxxxxxxxxxxxxxx..
..x.............x..
..x..o..o..o..o.x..
..x.............x..
..x..o..o..o..o.x..
..x.............x..
..xxxxxxxxxxxxxxx..
...................
.000000000.........
...................
"""
SPOTS = [(y, x) for y in (0, 2) for x in (0, 2, 4)]  # where dots go inside a ring, never touching each other


def generate(seed: int, inside: list[int], strays: int, rows: list[int], lit: list[int], broken: int = 0) -> str:
    """Rings holding ``inside[i]`` dots (the first ``broken`` have a gap), two rings a row,
    ``strays`` dots outside every ring, and rows of ``rows[i]`` lamps with ``lit[i]`` of them lit,
    all at random places. Rings are 5x7 around a 3x5 inside, and no dot touches another dot."""
    target = sum(inside[broken:])
    won = sum(lit) == target and all(a < b for a, b in pairwise(lit))
    if max(inside) > len(SPOTS) or won or not _showable(target, rows):
        raise ValueError(f"rings of {inside} dots (at most {len(SPOTS)} each) cannot be shown on lamp rows {rows}, "
                         "or are shown at the start")  # fmt: skip
    rng = random.Random(seed)
    width = max(19, max(rows) + 2)
    top = [["."] * width for _ in range(7 * ((len(inside) + 1) // 2) + 1)]
    for i, count in enumerate(inside):
        y0, x0 = 1 + 7 * (i // 2), 1 + 9 * (i % 2) + rng.randrange(2)
        for y in range(5):
            for x in range(7):
                top[y0 + y][x0 + x] = "x" if y in (0, 4) or x in (0, 6) else "."
        for y, x in rng.sample(SPOTS, count):
            top[y0 + 1 + y][x0 + 1 + x] = "o"
        if i < broken:
            top[y0 + rng.choice([0, 4])][x0 + rng.randrange(1, 6)] = "."
    for _ in range(strays):
        alone = [(y, x) for y in range(len(top)) for x in range(width) if _alone(top, y, x)]
        y, x = rng.choice(alone)
        top[y][x] = "o"
    bank = []
    for length, on in zip(rows, lit, strict=True):
        lamps = ["1"] * on + ["0"] * (length - on)
        rng.shuffle(lamps)
        bank += [["."] * width, list(("." + "".join(lamps)).ljust(width, "."))]  # lamps side by side, left-aligned
    return "\n".join("".join(row) for row in [*top, *bank, ["."] * width])


def _showable(target: int, rows: list[int]) -> bool:
    """Can rows of these lengths light ``target`` lamps in all, each row more than the row above?"""
    most, cap = 0, None
    for length in reversed(rows):  # fill from the bottom row up, each one lamp short of the row below
        cap = length if cap is None else min(length, cap - 1)
        most += cap
    return cap >= 0 and sum(range(len(rows))) <= target <= most


def _alone(top: list, y: int, x: int) -> bool:
    """Is (y, x) a floor cell with nothing but floor around it (outside every ring, touching nothing)?"""
    near = [
        top[j][i]
        for j in range(y - 1, y + 2)
        for i in range(x - 1, x + 2)
        if 0 <= j < len(top) and 0 <= i < len(top[0])
    ]
    return set(near) == {"."} and not _enclosed(top, y, x)


def _enclosed(top: list, y: int, x: int) -> bool:
    """Is (y, x) inside a ring: ring cells on all four sides of it along its row and column?"""
    row, column = top[y], [r[x] for r in top]
    return "x" in row[:x] and "x" in row[x:] and "x" in column[:y] and "x" in column[y:]


GENERATED = [  # each level adds one idea to the ones before it
    generate(level_seed(ID, SPLIT, 1), inside=[6, 5], strays=0, rows=[13], lit=[0]),
    generate(level_seed(ID, SPLIT, 2), inside=[6, 5], strays=4, rows=[13], lit=[1]),
    generate(level_seed(ID, SPLIT, 3), inside=[6, 4, 6], strays=2, rows=[12], lit=[0], broken=1),
    generate(level_seed(ID, SPLIT, 4), inside=[2, 3], strays=4, rows=[14], lit=[13]),
    generate(level_seed(ID, SPLIT, 5), inside=[5, 4], strays=2, rows=[3, 4, 5], lit=[1, 2, 0]),
    generate(level_seed(ID, SPLIT, 6), inside=[6, 5], strays=2, rows=[4, 5, 6], lit=[3, 2, 1]),
    generate(level_seed(ID, SPLIT, 7), inside=[6, 5, 4], strays=2, rows=[6, 6], lit=[6, 0], broken=1),
]

GAME = Game(
    id=ID,
    title="Count dots",
    split=SPLIT,
    levels=[LEVEL_1, *GENERATED],
    actions=(ActionId.ACTION6, ActionId.ACTION7),
    rules=(numbers.switch_lamp,),
    win=(numbers.count_lamps, numbers.lamp_rows_ascend),
    legend=LEGEND,
    card=Card(
        idea="Light as many lamps as there are dots inside the rings.",
        priors=(
            "numbers.counting",
            "numbers.comparing",
            "numbers.arithmetic",
            "numbers.sorting",
            "geometry.inside_outside",
        ),
        levels=(
            "eight dots in a ring, nine dark lamps: light eight",
            "two rings: their counts add up",
            "dots outside the rings do not count, and a lamp already lit counts too",
            "a ring with a gap encloses nothing, so its dots do not count",
            "more lamps lit than dots: switch lamps off",
            "rows of lamps that grow like a staircase, lit one and two: each row must hold more lit than the row above",
            "the rows start lit the wrong way round, most at the top: move the light down",
            "a broken ring among whole ones, and two rows whose top row starts full",
        ),
    ),
)
