"""Shape pads.

A panel of cells in the wall shows a shape; stepping onto a pad changes it (white: a
quarter turn clockwise, teal: a mirror, magenta: its two colours swapped). The doors
open while the panel matches the goal shape drawn beside it. Later levels add a fuel
gauge that every move drains. Reach the goal.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar, reach_goal
from arcgames.primitives.fuel import burn_fuel, out_of_fuel, refuel
from arcgames.primitives.shapes import shape_doors, shape_pads

LEVELS = [
    """
#############
#x,,#####mmm#
#x,,#####m::#
#xx,#####:::#
#############
#..v....@#.G#
#........#..#
#.v......d..#
#t....v..#..#
#############
""",
    """
#############
#x,,#####:mm#
#x,,#####::m#
#xx,#####::m#
#############
#@...v...#.G#
#........#..#
#v.......d..#
#....t..v#..#
#############
""",
    """
#############
#x,,#####::m#
#x,,#####::m#
#xx,#####:mm#
#############
#@.....#....#
#..t...#.v..#
#......#....#
####.####...#
#Gd.........#
#############
""",
    """
#############
#x,,#####mmm#
#x,,#####::m#
#xx,#####:::#
#############
#@....#.....#
#.t...#..v..#
#...........#
#.....#.....#
####.####.###
#Gd.........#
#############
""",
    """
#############
#xy,#####nnn#
#x,,#####::m#
#x,,#####:::#
#############
#@....v#....#
#..t.......c#
#v.....#..v.#
########....#
#.....d.....#
#G....#######
#############
""",
    """
#=========###
#x,,#####:::#
#x,,#####m::#
#xx,#####mmm#
#############
#@..........#
#...........#
#..t.r...v..#
#....r......#
##d##########
#G..........#
#############
""",
    """
#============#
#xy,######:::#
#x,,######::m#
#x,,######nnn#
##############
#@...#...#...#
#.t......#.c.#
#....#.r.....#
#.####...#####
#rv..#..rd..G#
##############
""",
    """
#============##
#xy,#######:::#
#xx,#######nn:#
#,,,#######nm:#
###############
#@....#.......#
#..t..#..v..r.#
#........r....#
###.#######.###
#.....#.......#
#..c..d...r...#
#r....#.......#
#d#############
#G............#
###############
""",
]

GAME = Game(
    id="z62x",
    title="Shape pads",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(burn_fuel, shape_pads, move_avatar, refuel, shape_doors),
    win=(reach_goal,),
    lose=(out_of_fuel,),
    legend={
        ",": ("panel_off", ""),
        "x": ("panel_a", ""),
        "y": ("panel_b", ""),
        ":": ("shape_off", ""),
        "m": ("shape_a", ""),
        "n": ("shape_b", ""),
        "t": ("pad_turn", ""),
        "v": ("pad_mirror", ""),
        "c": ("pad_recolour", ""),
        "d": ("shape_door", ""),
        "=": ("fuel", ""),
        "r": ("refuel", ""),
    },
    card=Card(
        idea=(
            "Stepping onto a pad turns, mirrors or recolours the shape in the panel; the doors open while it "
            "matches the goal shape beside it; a fuel gauge limits the moves in later levels."
        ),
        priors=(
            "geometry.rotation",
            "geometry.reflection",
            "geometry.shape_matching",
            "agentness.avatar",
            "numbers.counting",
        ),
        levels=(
            "a quarter turn makes the shapes match and the door opens; the mirror pads spoil it",
            "a half turn: the turn pad must be entered twice",
            "a mirror image: no number of turns makes it, the mirror pad in the far room does",
            "turn and mirror do not commute: the order of the pads decides the shape",
            "a second colour and a recolour pad; mirrors spoil the turn",
            "a fuel gauge: the cheaper of two pad orders must pass the refuel pads",
            "mirror, turn and recolour with fuel for one route",
            "three rooms, three kinds of pad, four changes and two refuels on the way",
        ),
    ),
)
