"""Lights.

Lights-out. Clicking a light flips it and every light orthogonally touching it; turn
every light on. Floor gaps and walls decide which lights touch, so the shape of the
board is the puzzle. Levels grow from 13 to 16 lights and from 9 to 16 clicks; random
clicks wander among thousands of patterns (a click undoes itself), so they rarely win.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import all_lights_on, toggle_lights

# Each start is the all-on board with a hidden set of clicks applied, so it is solvable; every board's
# clicks are independent (no set of clicks undoes itself), so the fewest clicks are that hidden set.
LEVELS = [
    """
............
..0...00.00.
.000..00.00.
..0.........
""",
    """
#########
#110#010#
#1#1#0#0#
#111#011#
#########
""",
    """
#######
#11110#
#1###0#
#1###0#
#01110#
#######
""",
    """
########
#..11.1#
#1#0011#
#01.#00#
#..000.#
########
""",
    """
########
#..0..1#
#11#101#
#1.0.#0#
#101.10#
########
""",
    """
#########
#...000.#
#0#.1.11#
#110#..1#
#.#00000#
#########
""",
    """
#######
#1000.#
#1##0.#
#10010#
#..#.0#
#.1000#
#######
""",
    """
########
#..10.1#
#01#001#
#0.1.#0#
#000.10#
########
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
            "a plus and two 2x2 blocks, all dark: a plus needs its centre, a block needs all four, nine clicks",
            "two rings behind walls: a wall between two lights keeps them from touching",
            "a ring around a wall: overlapping footprints flip shared lights back",
            "some lights start lit and must still be clicked: what counts is how often a light flips",
            "gaps and walls split the board into corridors and rooms joined by single lights",
            "a wide board with an inner wall, fourteen clicks, nothing obvious",
            "lights wind round two wall blocks: fifteen of sixteen lights need a click",
            "sixteen lights and every one needs its click: plan the order-free set, not a sequence",
        ),
    ),
)
