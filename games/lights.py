"""Lights.

Lights-out. Clicking a light flips it and every light orthogonally touching it; turn
every light on. Floor gaps and walls decide which lights touch, so the shape of the
board is the puzzle.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import all_lights_on, toggle_lights

# Each start is the all-on board with a hidden set of clicks applied, so it is solvable.
LEVELS = [
    """
.....
..0..
.000.
..0..
.....
""",
    """
#######
#000..#
#.0...#
#...0.#
#..000#
#######
""",
    """
#######
#00100#
#1###1#
#1###1#
#00011#
#######
""",
    """
#######
#00.01#
#01.00#
#..0..#
#00.01#
#10.0.#
#######
""",
    """
#######
#.000.#
#11.11#
#.0.0.#
#00010#
#######
""",
]

GAME = Game(
    id="d6nc",
    title="Lights",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION6,),
    rules=(toggle_lights,),
    win=(all_lights_on,),
    card=Card(
        idea=(
            "Lights-out: clicking a light flips it and every light touching it; turn every "
            "light on. The board's shape is the puzzle."
        ),
        priors=(
            "objectness.contact",
            "geometry.symmetry",
            "geometry.connectivity",
            "numbers.counting",
            "numbers.arithmetic",
        ),
        levels=(
            "a plus: one click in its centre",
            "two separate T shapes, one click each",
            "a ring around a wall: overlapping footprints flip shared lights back",
            "four 2x2 blocks and a lone light; some clicks land on lights already on",
            "an irregular ring with spurs, seven clicks, nothing obvious",
        ),
    ),
)
