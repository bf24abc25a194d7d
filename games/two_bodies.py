"""Bodies.

Two or three bodies share the moves: only the active one (drawn in the avatar's colour)
moves, and ACTION5 hands control to the next body in reading order. Bodies block each
other. A plate holds every gate open while anything stands on it; blocks can be pushed
onto plates. Win with every body on a goal at once.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar, push_blocks
from arcgames.primitives.bodies import all_bodies_home, hold_plates, switch_body

LEVELS = [
    """
###########
#@........#
#.###.###.#
#.#G...G#.#
#.###.###.#
#.........#
#########b#
###########
""",
    """
###########
#G..b..@..#
####.######
#b.......G#
######.####
######G####
###########
""",
    """
###########
#@...#....#
#..p.X..G.#
#b...#.p..#
#....#..G.#
###########
""",
    """
#############
#@.....#....#
#..B...X..G.#
#....p.#....#
#.b....#..G.#
#############
""",
    """
#############
#@..#...#...#
#.p.X.p.X.G.#
#b..#...#.G.#
#b..#...#pG.#
#############
""",
    """
###########
#@..#..#..#
#.p.X..X.G#
#..B#.p#.G#
#b..#..#..#
###########
""",
    """
###############
#@..#...#..#..#
#.p.X.B.X..X.G#
#b..#...#..#.G#
#...#....p##..#
###############
""",
    """
###############
#@..#..#..#..p#
#.p.X..X.pX.G.#
#b..#..#..#.G.#
#b..#..#..#.G.#
###############
""",
]

GAME = Game(
    id="2t6y",
    title="Bodies",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION5),
    rules=(switch_body, push_blocks, move_avatar, hold_plates),
    win=(all_bodies_home,),
    legend={"b": ("floor", "body"), "p": ("plate", "")},
    card=Card(
        idea=(
            "Only the active body (the avatar's colour) moves and ACTION5 passes control to the next body in "
            "reading order; a plate holds the gates open while anything stands on it; every body on a goal wins."
        ),
        priors=("agentness.avatar", "objectness.contact", "objectness.persistence", "geometry.connectivity"),
        levels=(
            "two bodies, two goals: control passes on",
            "three bodies on crossing corridors: they block each other, so the order matters",
            "a plate opens the gate: one body holds it while the other passes, then a plate inside holds it back",
            "a pushed block holds a plate as well as a body does",
            "two gates in a row: the body that went first holds the far plate for the rest",
            "two plates and a block in the way: who goes through first",
            "a block carried through the gates onto the far plate keeps them open for everyone",
            "three gates and three bodies: a relay, each body holding a plate for the next",
        ),
    ),
)
