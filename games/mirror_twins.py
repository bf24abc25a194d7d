"""Mirror twins.

A twin copies every move of the avatar with left and right swapped, and walls stop each
of them on its own. Both must stand on goals at once; lava kills either. Mirrored moves
keep the pair's mirror axis and row gap fixed, so the only way to change them is to
press one piece against a wall while the other moves.
The card below (never shown to agents) lists the priors and what each level tests.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar, touch_lava
from arcgames.primitives.agents import all_on_goals, mirror_move, twin_touches_lava

LEVELS = [
    """
###############
#....#G.G.....#
#.............#
#.............#
#.............#
#@...........T#
###############
""",
    """
###############
#@.....#.....T#
#.............#
#............##
#.............#
#....G.....G..#
###############
""",
    """
###############
#@.......#...T#
#.#......#.####
#...........#.#
#...#.....##..#
##.#..........#
#G..#........G#
###############
""",
    """
###############
#@#.........#T#
#....##.#.....#
#.#.#.........#
##.##.........#
#G.......#..#G#
#.......#..#..#
###############
""",
    """
###############
#@...........T#
##....L#L...LL#
#............##
#.......L..L.##
#GL..L..L...LG#
#.LLL..#..#...#
###############
""",
    """
###############
#@..L....L...T#
#.L......L##..#
#.##.......L.L#
#..#.L.#L.....#
#G.#..#L..LL.G#
#L.###..#L#L.L#
###############
""",
    """
###############
#@.##.L......T#
##...#..#L.#.##
#..L...#...L.L#
#L##.L#.L...L.#
#...#L#.###...#
#.L....L.#...L#
#GL.#.L.L#.#.G#
#LL........L..#
###############
""",
    """
###############
#@...........T#
#...L..LL..LL.#
#L..L.L.....LL#
#L...#....L..##
#L..L##.L...L.#
#L.#.....#....#
#G#..L.#.L..LG#
#....#L.#L.L#.#
###############
""",
]

GAME = Game(
    id="1u33",
    title="Mirror twins",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION7),
    rules=(move_avatar, mirror_move),
    win=(all_on_goals,),
    lose=(touch_lava, twin_touches_lava),
    legend={"T": ("floor", "twin")},
    card=Card(
        idea=(
            "A twin copies the avatar's moves with left and right swapped, and walls stop each on its own; "
            "get both onto goals at once."
        ),
        priors=("agentness.avatar", "agentness.copy", "geometry.reflection", "geometry.symmetry"),
        levels=(
            "mirrored goals beside a wall: the twin copies every move, left and right swapped",
            "goals off the mirror axis: a wall holds one of the pair back while the other walks on",
            "goals on different rows: walls above and below shift the pair's row gap as well",
            "scattered walls on both sides: line the pair up with a chain of bumps",
            "lava: either of the pair on it loses, so every shift must keep both off it",
            "lava among walls: the bumps that shift the pair lie next to lava",
            "a larger maze of walls and lava: shifts in both directions, in the right order",
            "the longest chain: lava fields on both sides and goals at the bottom corners",
        ),
    ),
)
