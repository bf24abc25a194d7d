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
#########
#..G.G..#
#.......#
#@.....T#
#########
""",
    """
#########
#@.....T#
#.......#
#....#..#
#.......#
#..G..G.#
#########
""",
    """
###########
#@...#...T#
#....#....#
#G...#G.#.#
#.#####..##
###########
""",
    """
###########
#@..##..GT#
#.LG.#..L.#
#...L#..#.#
#...L#..#.#
###########
""",
    """
###########
#@.L.#.G.T#
#G.#.##..L#
#..L.#....#
#.L..#..L.#
#....#....#
###########
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
            "mirrored goals: the twin copies, reflected",
            "goals off the mirror axis: a pillar holds the twin back one step",
            "two rooms with different walls: line the pair up with several bumps",
            "lava on both sides: every shift must keep the twin off it",
            "a long chain of shifts between lava and walls",
        ),
    ),
)
