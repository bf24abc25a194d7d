"""Copy shape.

A target (green on navy) and a canvas (dark grey): clicking a canvas cell draws or erases
it. The level is won when the canvas shows the target shape lying any way, as it is,
turned or mirrored. Orange pins are canvas cells fixed on, so they decide which way the
shape must lie; a canvas with its sides swapped asks for a quarter turn. Levels grow from
12 to 16 free canvas cells and from 8 to 16 clicks; random clicks wander among thousands
of drawings (a click undoes itself), so they rarely win.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import geometry

LEGEND = {"t": ("target_off", ""), "T": ("target_on", ""), "c": ("canvas_off", ""), "C": ("canvas_on", ""),
          "p": ("canvas_pin", "")}  # fmt: skip
# Each canvas starts a known number of clicks from the nearest pose the pins allow (from level 3 on the pins
# allow one pose only), so the fewest clicks are the wrong cells of that pose.
LEVELS = [
    """
...........
.TTTT.cccc.
.TttT.cccc.
.TTtt.cccc.
...........
""",
    """
...........
.TTtt.cCpC.
.tTTT.Cccc.
.TtTt.pcCC.
...........
""",
    """
...........
.TTTt.Cccc.
.TttT.cCCc.
.TttT.pCCc.
.tTTT.CpcC.
...........
""",
    """
...........
.TTtTT.cCc.
.tTTTt.ccp.
.TTtTt.CcC.
.......ccp.
.......cCc.
...........
""",
    """
...........
.TTTT.cpcc.
.TtTt.CpCc.
.TTtt.pCcc.
.TtTT.cCCc.
...........
""",
    """
...........
.TTTt.CccC.
.TtTT.cCcp.
.tTtT.cpCc.
.TTTt.cCcp.
...........
""",
    """
............
.TTTTt.cCpC.
.TtTtT.cpCc.
.TTtTT.CCcc.
.TttTT.CpCc.
.......cccp.
............
""",
    """
.............
.TTTTt.ccccC.
.TttTT.pCCcc.
.TTtTt.ppCpC.
.TtTTT.cCccc.
.............
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
            "draw the target on a blank canvas: every green cell, eight clicks",
            "pins appear: they belong to the shape, and stray cells must be erased",
            "the pins fit only one way of laying the shape, so a straight copy may never win",
            "the canvas lies on its side: the shape must be turned a quarter turn, and the pins say which way",
            "three pins and a wrong drawing: find the one pose they fit, then fix cell by cell",
            "a square target with rings of holes: most cells are wrong in the pose the pins allow",
            "a tall canvas for a wide target and four pins: turn the shape, then redraw nearly all of it",
            "a wide target and four pins: every free cell must flip",
        ),
    ),
)
