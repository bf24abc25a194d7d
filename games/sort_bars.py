"""Sort bars.

Bars stand on a grey base. Clicking a bar swaps it with the next bar to its right. The
level is won when the orange bars' heights never fall from left to right; teal bars are
ignored, so they only need moving where they stand in the way. Undo takes a swap back.
Levels 3-5 are generated: random heights, shuffled; any order can be sorted by swaps.
"""

import random

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import numbers
from arcgames.seeds import level_seed

ID, SPLIT = "uvw5", "evaluation"
LEGEND = {"I": ("bar", ""), "H": ("bar_alt", "")}
HAND_MADE = [
    """
.....
.I...
.I.I.
#####
""",
    """
.........
...I.....
...I...I.
.I.I...I.
.I.I.I.I.
#########
""",
]


def _inversions(bars: list[tuple[int, str]]) -> int:
    """Pairs of orange bars out of order: each swap of neighbours mends at most one."""
    main = [h for h, kind in bars if kind == "I"]
    return sum(a > b for i, a in enumerate(main) for b in main[i + 1 :])


def generate(seed: int, heights: list[int], teal: list[int] = (), disorder: int = 1) -> str:
    """Orange bars of the given heights (and teal ones), shuffled until exactly ``disorder``
    pairs of orange bars are out of order."""
    most = sum(a != b for i, a in enumerate(heights) for b in heights[i + 1 :])
    if not 1 <= disorder <= most:
        raise ValueError(f"disorder must be in 1..{most} for orange heights {heights}")
    rng = random.Random(seed)
    bars = [(h, "I") for h in heights] + [(h, "H") for h in teal]
    while True:
        rng.shuffle(bars)
        if _inversions(bars) == disorder:
            break
    top = max(h for h, _ in bars)
    rows = [["."] + [c for h, kind in bars for c in (kind if top - y < h else ".", ".")] for y in range(top + 1)]
    return "\n".join(["".join(row) for row in rows] + ["#" * len(rows[0])])


GENERATED = [
    generate(level_seed(ID, SPLIT, 0), heights=[1, 2, 2, 3, 4, 5], disorder=6),
    generate(level_seed(ID, SPLIT, 1), heights=[1, 2, 3, 4, 5, 6], disorder=8),
    generate(level_seed(ID, SPLIT, 2), heights=[1, 2, 3, 4, 5], teal=[3, 2], disorder=7),
]

GAME = Game(
    id=ID,
    title="Sort bars",
    split=SPLIT,
    levels=HAND_MADE + GENERATED,
    actions=(ActionId.ACTION6, ActionId.ACTION7),
    rules=(numbers.swap_adjacent,),
    win=(numbers.sorted_bars,),
    legend=LEGEND,
    card=Card(
        idea="Put the bars in order, shortest on the left, by swapping neighbours.",
        priors=("numbers.sorting", "numbers.comparing", "numbers.counting", "objectness.cohesion"),
        levels=(
            "two bars the wrong way round: one swap",
            "four bars: a bar moves right one swap at a time, so order the swaps",
            "bars of equal height: either may come first, which saves swaps",
            "six bars, many swaps: plan them, or undo the wasted ones",
            "teal bars among the orange ones: only the orange ones must be in order",
        ),
    ),
)
