"""Sort bars.

Bars stand on a grey base. Clicking a bar that stands on a pink pad swaps it with the next
bar to its right; a bar on plain base does not move. The level is won when the orange bars'
heights never fall from left to right; teal bars are ignored, so they only need moving where
they stand in the way. A white rotor at the base's end moves every bar one place to the left
and the first bar to the far right, so with few pads the bars must be turned round to a pad
to change their order. Undo takes a click back. Each start is hand-picked far from sorted (levels 3-9: as far as
their pads and rotor allow, found by a search over every order).
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import numbers

LEGEND = {"I": ("bar", ""), "H": ("bar_alt", ""), "=": ("bar_pad", ""), "%": ("bar_rotor", "")}


def draw(bars: str, pads: str, rotor: bool = False) -> str:
    """A level map: ``bars`` gives each bar's height, a digit, in order (a ``t`` after the digit makes it teal);
    ``pads`` marks each bar's base cell ``=`` (a pad) or ``#``; a rotor closes the base on the right."""
    heights = [(int(d), "H" if t else "I") for d, t in _pairs(bars)]
    if len(pads) != len(heights):
        raise ValueError(f"{len(heights)} bars need {len(heights)} pad marks, got {pads!r}")
    top = max(h for h, _ in heights)
    rows = ["".join(c for h, kind in heights for c in (kind if top - y <= h else ".", ".")) for y in range(top)]
    base = "".join(p + "#" for p in pads)
    return "\n".join([*rows, base[:-1] + ("%" if rotor else "#")])


def _pairs(bars: str) -> list[tuple[str, bool]]:
    out = []
    for c in bars:
        if c == "t":
            out[-1] = (out[-1][0], True)
        else:
            out.append((c, False))
    return out


# Each start is an order farthest from sorted that its pads and rotor allow (the count is the fewest clicks).
LEVELS = [
    draw("53421", "====#"),  # 9: every bar swaps; sorting by neighbour swaps
    draw("442321", "=====#"),  # 12: equal heights may stand either way round
    draw("543t35t21", "======#"),  # 14: teal bars only stand in the way
    draw("543216", "====##", rotor=True),  # 10: the rotor carries the row round
    draw("5432716", "=##=###", rotor=True),  # 18: two pads: turn the row to bring pairs to them
    draw("261543", "=#####", rotor=True),  # 18: one pad
    draw("24t61543", "=######", rotor=True),  # 22: one pad and a teal bar in the ring
    draw("2157643", "=######", rotor=True),  # 25
    draw("17165432", "=#######", rotor=True),  # 34
]

GAME = Game(
    id="uvw5",
    title="Sort bars",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION6, ActionId.ACTION7),
    rules=(numbers.swap_on_pad, numbers.cycle_bars),
    win=(numbers.sorted_bars,),
    legend=LEGEND,
    card=Card(
        idea=(
            "Put the orange bars in order, shortest on the left, by swapping neighbours; only a bar on a pad "
            "swaps, and a rotor turns the whole row round to the pads."
        ),
        priors=("numbers.sorting", "numbers.comparing", "numbers.counting", "objectness.cohesion"),
        levels=(
            "five bars, a pad under each: a click swaps a bar with its right neighbour, nine swaps",
            "equal heights: either may come first, which saves swaps",
            "teal bars among the orange ones: only the orange ones must be in order",
            "a white rotor and a bar without a pad: turning the row round beats swapping it through",
            "two pads only: bars change order only there, so the rotor brings each pair to a pad",
            "one pad: every change of order happens at one place; plan the turns",
            "one pad and a teal bar in the ring: it costs turns but need not be sorted",
            "seven bars, one pad: a long plan of swaps and turns",
            "eight bars, one pad: the longest plan; undo the wasted turns",
        ),
    ),
)
