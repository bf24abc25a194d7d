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
#G....#
#.....#
#..B..#
#.....#
#....@#
#######
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
##########
#G.#...#G#
#..B...B.#
#..#.@.#.#
##.#.B.#.#
#........#
####G#####
##########
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
#...#...#
#.B..@..#
#...#.B.#
##.###.##
#G.....G#
#########
""",
    """
###########
#...#.....#
#.B...@.B.#
#...#.....#
##.####.###
#.........#
#.#####.#.#
#G.....G..#
###########
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
            "one block in an open room, its goal in a corner: push one way, walk round, push the other",
            "two blocks, two goals",
            "three blocks around the start, three goals in three corners: each needs its own way round",
            "a tight room where a wrong push traps a block (undo pays off)",
            "the order of pushes matters",
            "two rooms, a block in each, goals at the two ends of a hall below: through the doorways one by one",
            "two blocks down a long hall past narrow doorways: a push against a wall is final (undo pays off)",
        ),
    ),
)
