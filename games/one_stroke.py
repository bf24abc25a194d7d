"""One stroke.

Paint every cell in one stroke. The avatar paints each cell it enters and painted cells
become solid, so a wrong turn strands it (undo or reset). Two portals are linked:
walking into one carries the avatar out of the other, moving on in the same direction if
it can, or parked on the exit portal if it cannot.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import all_painted, enter_portals, move_avatar, paint_trail

LEVELS = [
    """
#####
#&uu#
###u#
#####
""",
    """
######
#uuuu#
#u&#u#
#uuuu#
##uu##
######
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
        idea="Paint every cell in one stroke: entered cells are painted and become solid; two portals are linked.",
        priors=("agentness.avatar", "objectness.persistence", "geometry.connectivity", "geometry.inside_outside"),
        levels=(
            "a bent corridor",
            "a ring with a spur: go round the right way",
            "a cramped blob where most first moves strand you (undo pays off)",
            "two rooms joined by portals: cross, paint, come back",
            "a bigger pair of rooms, three portal trips; each crossing's direction decides its exit",
        ),
    ),
)
