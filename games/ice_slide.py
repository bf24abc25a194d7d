"""Ice slide.

On ice (pale blue) a body keeps sliding in the direction it moved until a wall or another
body stops it, or it reaches ground; goals are ground. Later levels have several bodies:
ACTION5 hands control to the next one in reading order, and a waiting body is a stopper.
Win with every body on a goal.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar
from arcgames.primitives.bodies import all_bodies_home, switch_body
from arcgames.primitives.ice import slide_on_ice

LEVELS = [
    """
###########
#i..i#..i##
#.#i..iii##
#.i#i.#..i#
##.###iiii#
#..##i.#.##
#.#i.#..i.#
#i.G.#i.i@#
###########
""",
    """
###########
#.....i#ii#
#.#.##i..i#
#i.i..###.#
###i#ii.i.#
#i@#.i#iGi#
#.#ii#.i.i#
#i..#...#.#
###########
""",
    """
##########
##b#..ii.#
#ii.i#..i#
#i..#ii#.#
##i##.#.@#
#..##i.###
#.Gii#Gii#
##########
""",
    """
###########
#i.#.i.GGi#
#i#ii...i##
#.##i.#.#i#
#b@##i.ii.#
#iii.#.iii#
#i..#..#..#
#.#......i#
###########
""",
    """
############
#i#iii#iG..#
##ii#i.Giii#
##iiii..##.#
#..i.ii#.i##
#iii#.#...i#
#ii.i.iii###
#iii....#.i#
#ii.ii#b..@#
############
""",
    """
###########
#.G..ii#.@#
#Gi#.i##.i#
#..#i#.ii##
####iiii#.#
#.#.iiii..#
#ib##ii#i.#
#.i..i.#ii#
###########
""",
    """
###########
#i.##i#.Gi#
#@#i#...G##
#.#ii.###i#
#bi##...i##
#i.##i#..##
#i.i##.#..#
#i#.....ii#
###########
""",
]

GAME = Game(
    id="93hw",
    title="Ice slide",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION5),
    rules=(switch_body, move_avatar, slide_on_ice),
    win=(all_bodies_home,),
    legend={"i": ("ice", ""), "b": ("floor", "body")},
    card=Card(
        idea=(
            "On ice a body slides on until a wall or another body stops it or it reaches ground; ACTION5 passes "
            "control between bodies, and a waiting body is a stopper; every body on a goal wins."
        ),
        priors=("agentness.avatar", "objectness.contact", "objectness.persistence", "geometry.connectivity"),
        levels=(
            "an ice cave: slides overshoot, patches of ground are where a route can turn",
            "a longer cave: the goal lies past the ground a slide must stop on",
            "two bodies: the waiting one stops the other's slide",
            "two bodies, two goals: park one where the other needs a stop, then bring it home",
            "a wider cave: the second body must first be fetched out of a pocket",
            "the goals lie side by side: which body takes which decides the stops",
            "a long relay of stops, each body parked for the other in turn",
        ),
    ),
)
