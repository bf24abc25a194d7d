"""Push to goals.

Blocks are objects that move when pushed and stop at walls; goals are cells to fill.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import cover_goals, move_avatar, push_blocks

LEVELS = [
    """
#######
#@.B.G#
#######
""",
    """
######
#@...#
#.B..#
#....#
###.G#
######
""",
    """
#######
#.....#
#@B.B.#
#.....#
#G...G#
#######
""",
    """
########
#G.....#
#.##B#.#
#..B...#
##.#.#.#
#@....G#
########
""",
    """
#########
##G...###
##.B#..##
#..B..@.#
#.#.#B#.#
#..G..G.#
#########
""",
]

GAME = Game(
    id="ujzd",
    title="Push to goals",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION7),
    rules=(push_blocks, move_avatar),
    win=(cover_goals,),
    card=Card(
        idea="Blocks are objects that move when pushed and stop at walls; every goal cell must hold a block.",
        priors=(
            "agentness.avatar",
            "objectness.cohesion",
            "objectness.contact",
            "objectness.containment",
            "geometry.inside_outside",
        ),
        levels=(
            "one push in a line",
            "push around a corner",
            "two blocks, two goals",
            "the order of pushes matters",
            "a tight room where a wrong push traps a block (undo pays off)",
        ),
    ),
)
