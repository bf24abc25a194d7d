"""Copy shape.

A target (green on navy) and a canvas (dark grey): clicking a canvas cell draws or erases
it. The level is won when the canvas shows the target shape lying any way, as it is,
turned or mirrored. Orange pins are canvas cells fixed on, so they decide which way the
shape must lie; a canvas with its sides swapped asks for a quarter turn. When the target
comes in several blocks of the same size, the shape is all of them laid over each other.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import geometry

LEGEND = {"t": ("target_off", ""), "T": ("target_on", ""), "c": ("canvas_off", ""), "C": ("canvas_on", ""),
          "p": ("canvas_pin", "")}  # fmt: skip
LEVELS = [
    """
.........
.TTT.CCc.
.tTt.cCc.
.tTt.ccc.
.........
""",
    """
.........
.Ttt.ccC.
.Ttt.pcc.
.TTT.ccp.
.........
""",
    """
.........
.tTT.ppc.
.TTt.Ccc.
.tTt.ccC.
.........
""",
    """
..........
.tTtt.ccc.
.TTTT.ccp.
.Tttt.Ccc.
......ccc.
..........
""",
    """
..........
.tTTt.....
.TTtt.Ccc.
.tttt.ccc.
......ccc.
.tttt.pcc.
.tttt.....
.tTTT.....
..........
""",
]

GAME = Game(
    id="kvj5",
    title="Copy shape",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION6, ActionId.ACTION7),
    rules=(geometry.paint_cycle,),
    win=(geometry.match_target_any,),
    legend=LEGEND,
    card=Card(
        idea="Draw the target's shape on the canvas; pins on the canvas say which way it must lie.",
        priors=(
            "geometry.shape_matching",
            "objectness.cohesion",
            "geometry.reflection",
            "geometry.rotation",
            "agentness.copy",
        ),
        levels=(
            "a T with two cells missing: finish the copy",
            "pins appear: they belong to the shape, and a stray cell must be erased",
            "the pins only fit the shape mirrored, so a straight copy can never win",
            "the canvas lies on its side: the shape must be turned a quarter turn, and the pin says which way",
            "the target comes in two pieces: lay them over each other, then turn the whole",
        ),
    ),
)
