"""Count dots.

White dots, some inside blue rings; a bank of lamps below. Clicking a lamp switches it.
The level is won when as many lamps are lit as there are dots inside rings (dots outside
every ring, or inside a ring with a gap, do not count, and several rings add up), and,
where the lamps stand in several rows, each row has more lit than the row above. Levels
2-5 are generated; every lamp can be switched, so every level can be won.
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
.........
.xxxxxxx.
.x.....x.
.x.o.o.x.
.x.....x.
.xxxxxxx.
.........
.0.0.0.0.
.........
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
    width = max(19, 2 * max(rows) + 1)
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
        bank += [["."] * width, list(".".join(lamps).ljust(width - 1, ".").rjust(width, "."))]
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


GENERATED = [
    generate(level_seed(ID, SPLIT, 0), inside=[4], strays=2, rows=[7], lit=[7]),
    generate(level_seed(ID, SPLIT, 1), inside=[5, 6], strays=3, rows=[12], lit=[3]),
    generate(level_seed(ID, SPLIT, 2), inside=[4, 6, 5], strays=2, rows=[12], lit=[2], broken=1),
    generate(level_seed(ID, SPLIT, 3), inside=[6, 4], strays=2, rows=[3, 4, 5], lit=[3, 0, 0]),
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
            "two dots in a ring, four dark lamps: light two",
            "dots outside the ring do not count, and lamps already lit must be counted too",
            "two rings: their counts add up",
            "a ring with a gap encloses nothing, so its dots do not count",
            "three rows of lamps: the total still counts the dots, and each row must hold more than the one above",
        ),
    ),
)
