"""One stroke.

Paint every cell in one stroke. The avatar paints each cell it enters and painted cells
become solid, so a wrong turn strands it (undo or reset); plain floor cells never take
paint, so the stroke may cross them again and again. Two portals are linked:
walking into one carries the avatar out of the other, moving on in the same direction if
it can, or parked on the exit portal if it cannot.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import all_painted, enter_portals, move_avatar, paint_trail

LEVELS = [
    """
#############
##uu##uu#uu##
#&uuuuuuuuuu#
###uu##uu#uu#
#############
""",
    """
######
#&u#u#
#uuuu#
#uuuu#
##uuu#
######
""",
    """
########
###u&uu#
###uuuu#
#uuuuuu#
#u#uuuu#
###uuuu#
########
""",
    """
#########
#uuu#uu##
##uu#uuP#
#&uu#u#u#
#Puu#uuu#
#########
""",
    """
###########
#uuu#&#uuu#
#u#uuu##uu#
#uuuuu#uPu#
##uPuu#uuu#
###########
""",
    """
###########
##uu#######
#uuuuuu####
#u##uuu####
#u&uuu.uuu#
######uuuu#
######uuuu#
#######uu##
###########
""",
    """
#############
#uuuuuu######
#uu##uu######
#&u##uu######
#uuuuu.uuuuu#
######u#uu#u#
######u####u#
######uuuuuu#
#######uu#uu#
#############
""",
    """
################
#uuuuuu#########
#uuu##u#########
#u####u#########
#u&uuu.uuuuu####
######u#uu#u####
######u####u####
######u####u####
######uuuuu.uuu#
###########uuuu#
###########u##u#
###########uuuu#
################
""",
]

GAME = Game(
    id="f10e",
    title="One stroke",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION7),
    rules=(enter_portals, move_avatar, paint_trail),
    win=(all_painted,),
    card=Card(
        idea=(
            "Paint every cell in one stroke: entered cells are painted and become solid; plain floor cells "
            "can be crossed again; two portals are linked."
        ),
        priors=("agentness.avatar", "objectness.persistence", "geometry.connectivity", "geometry.inside_outside"),
        levels=(
            "a corridor with niches: a niche passed by can never be painted",
            "a cramped blob where most first moves strand you (undo pays off)",
            "a wider blob with a one-cell spur: plan the whole stroke before the first step",
            "two rooms joined by portals: cross, paint, come back",
            "a bigger pair of rooms, three portal trips; each crossing's direction decides its exit",
            "a plain floor cell never takes paint: the stroke crosses it twice, into the second room and back",
            "a two-wide loop and a loop with niches through a crossing cell: zigzag so that each loop closes",
            "three loops joined by two crossing cells, niches inside: nest the loops in the right order",
        ),
    ),
)
