"""Mirror paint.

A picture of paint cells: clicking one steps its colour round blank, red, blue, yellow.
While a grey line splits the picture, it is won when its two halves mirror each other;
while a white dot sits at its centre, when it reads the same turned half a turn; with
both, when both hold. Level 2 is generated (paint a random picture with the asked symmetries,
then spoil cells until the repair takes an exact number of clicks); the rest are hand-drawn.
"""

import random

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import geometry
from arcgames.seeds import level_seed

ID, SPLIT = "eh60", "evaluation"
LEGEND = {",": ("paint_blank", ""), "R": ("paint_red", ""), "B": ("paint_blue", ""), "Y": ("paint_yellow", ""),
          "|": ("axis", ""), "*": ("pivot", "")}  # fmt: skip
PAINT = ",RBY"  # in the order a click steps through them
COPY = """
.......
.RB|,,.
.B,|,,.
.BR|,,.
.......
"""
# Hand-drawn: the generator stalls near the largest repair cost a picture allows, and the
# solver's breadth-first search bounds these levels to about ten paint cells (4 ** cells states).
HAND_MADE = [
    """
.......
.RB.Y,.
.R.*.Y.
.BR.,Y.
.......
""",
    """
.......
.,R|BB.
...*...
.Y,|,R.
.......
""",
    """
.......
.R.|.Y.
..B|,..
...*...
..Y|R..
.,.|.B.
.......
""",
    """
.......
.BY|R,.
...|...
.R.*.,.
...|...
.Y,|BR.
.......
""",
    """
.......
.Y,|RB.
.B.*.,.
.RB|Y,.
.......
""",
]


def generate(seed: int, rows: int, cols: int, mirror: bool, turn: bool, clicks: int) -> str:
    """A random two-colour picture, with holes, that has the symmetries asked (mirror: an axis line
    down the middle; turn: a pivot at the centre), then spoilt cell by cell until the fewest clicks
    that repair it are exactly ``clicks``. Clicks cycle, so every picture can be repaired."""
    if not (mirror or turn) or clicks < 1:
        raise ValueError("ask for a mirror, a turn or both, and at least one click")
    rng = random.Random(seed)
    colours = ".,," + "".join(rng.sample(PAINT[1:], 2))
    picture, orbits = [[""] * cols for _ in range(rows)], []
    for y in range(rows):
        for x in range(cols):
            orbit = {(y, x), (y, cols - 1 - x) if mirror else (y, x), (rows - 1 - y, cols - 1 - x) if turn else (y, x)}
            orbit |= {(rows - 1 - oy, ox) for oy, ox in orbit} if mirror and turn else set()
            if not picture[y][x]:
                orbits.append(sorted(orbit))
                colour = rng.choice(colours)
                for oy, ox in orbit:
                    picture[oy][ox] = colour
    for y in range(rows) if mirror else ():
        picture[y][cols // 2] = "|"
    if turn:
        picture[rows // 2][cols // 2] = "*"
    paint = [(y, x) for y in range(rows) for x in range(cols) if picture[y][x] in PAINT]
    while _repair_cost(picture, orbits) < clicks:
        y, x = rng.choice(paint)
        picture[y][x] = rng.choice([c for c in PAINT if c != picture[y][x]])
    if _repair_cost(picture, orbits) > clicks:
        return generate(seed + 2, rows, cols, mirror, turn, clicks)  # + 2 keeps the seed in its split
    return "\n".join("." + "".join(row) + "." for row in [["."] * cols, *picture, ["."] * cols])


def _repair_cost(picture: list, orbits: list) -> int:
    """The fewest clicks that make every orbit of paint cells one colour."""
    cost = 0
    for orbit in orbits:
        paints = [PAINT.index(picture[y][x]) for y, x in orbit if picture[y][x] in PAINT]
        cost += min(sum((c - p) % len(PAINT) for p in paints) for c in range(len(PAINT)))
    return cost


# Level 2 is generated: both halves spoilt, at a cost well short of the most this picture allows.
LEVELS = [COPY, generate(level_seed(ID, SPLIT, 0), rows=3, cols=5, mirror=True, turn=False, clicks=9), *HAND_MADE]

GAME = Game(
    id=ID,
    title="Mirror paint",
    split=SPLIT,
    levels=LEVELS,
    actions=(ActionId.ACTION6, ActionId.ACTION7),
    rules=(geometry.paint_cycle,),
    win=(geometry.mirror_symmetric, geometry.rotation_symmetric),
    legend=LEGEND,
    card=Card(
        idea="Paint a picture until it is symmetric: mirrored across its line, or turned about its centre dot.",
        priors=(
            "geometry.symmetry",
            "geometry.reflection",
            "geometry.rotation",
            "geometry.shape_matching",
            "agentness.copy",
        ),
        levels=(
            "one half is painted, the other blank: copy it across the line; colours come round in a fixed order",
            "both halves are spoilt: per pair, change whichever side costs fewer clicks",
            "the line is gone and a dot marks the centre: the picture must match itself turned half a turn",
            "line and dot together: each corner must match the other three; holes keep the picture in two strips",
            "an X of two rings of four cells, each ring holding all four colours: pick each ring's cheapest colour",
            "two rings of four plus a pair across the middle row: the pair is only mirrored, not turned",
            "the most spoilt picture: two rings holding all four colours and a middle pair two steps apart",
        ),
    ),
)
