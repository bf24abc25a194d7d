"""Paint gates.

The avatar starts plain white. Stepping on a red, yellow or blue pad mixes that colour into the
avatar's own (red and yellow make orange, yellow and blue green, red and blue purple, all three brown
mud); a light blue wash pad makes it white again. A coloured cell set in a wall is a gate: only an
avatar of exactly that colour walks through it. Reach the teal goal. Pads on the way are traps as
much as tools: walking over one spoils a colour that was right.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import paint

LEVELS = [
    """
###########
#@........#
#.........#
#........r#
#####R#####
#.........#
#.........#
#G........#
###########
""",
    """
#############
#r....#....y#
#.....#.....#
#..b..@..b..#
#.....#.....#
###O#########
#...........#
#G..........#
#############
""",
    """
#############
#@..r..#....#
#......R.w..#
#.b....#....#
#......#..b.#
#......#....#
#########U###
#G..........#
#############
""",
    """
###############
#.....r.....y.#
#.###.#######.#
#.#....@....#.#
#.#.#######.#.#
#.#.#b....#.#.#
#...#.###.#...#
#.###.#G#.#####
#..r..#N#.....#
#.#####.#####.#
#.............#
###############
""",
    """
###############
#r....#....r..#
#.....#.......#
#b.@..O..w....#
#.....#.......#
#y....#....b..#
#######V#######
#.............#
#.#####.#####.#
#.#...#.#...#.#
#...#...#.#...#
#####.#G#.#####
###############
""",
    """
###############
#@...y...#....#
#.#####..Y..b.#
#.#...#..#....#
#.#.#.#..#..r.#
#...#....#....#
##########N####
#.#G#.......w.#
#.#.#.#####...#
#...U...b.....#
###############
""",
    """
################
#@.....#r......#
#.####.#.#####.#
#.#b.#...#...#.#
#.#..#####.#.#.#
#.#........#y..#
#.####V#########
#....#.#....b..#
####.#.#.#####.#
#w...#...#..G#.#
#.####.###.###.#
#..y...#.....N.#
################
""",
    """
################
#@...#.....#...#
#.r..#..b..#.w.#
#....Y.....O...#
#..y.#.r...#..y#
#.b..#.....#.b.#
############N###
#........#.....#
#..####..#..r..#
#..#G.#..V..w..#
#..#..#..#..b..#
#.....#..#.....#
################
""",
]

GAME = Game(
    id="xapw",
    title="Paint gates",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(paint.paint_walk,),
    win=(paint.painter_home,),
    legend=paint.LEGEND,
    colours={"avatar": 10, "goal": 12},
    card=Card(
        idea="Pads paint the avatar, colours mix, and a gate lets through only its own colour.",
        priors=("agentness.avatar", "objectness.contact", "geometry.connectivity"),
        levels=(
            "a red pad, then the red gate",
            "an orange gate: red and yellow mix; a blue pad on the way spoils the mix",
            "a red gate, then a blue one: wash the red off before the blue pad",
            "a green gate behind a maze whose shortcuts cross red pads: one more colour makes mud",
            "an orange gate, then a purple one: the wash lies between them",
            "a yellow gate, a green gate and a blue gate: the yellow is kept, then added to, then washed",
            "a purple gate, then a green one across the board: the wash is far from both",
            "four gates in a row, each needing a colour the last one spoils, pads in the way of the straight path",
        ),
    ),
)
