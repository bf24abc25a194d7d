"""Jugs.

Vessels of different heights stand on white spouts, with blue water resting at their bottoms.
Clicking a spout chooses its vessel (the spout turns yellow); clicking a second spout pours the
chosen vessel into it, as much as fits. The teal spout under the endless column on the left is the
sea: it fills a vessel to the brim, and whatever is poured into it is gone. A red cell in a vessel
marks the height its water must stand at (it turns light blue under water; water above it is too
much). The classic jug puzzles, with every amount visible as cells.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import vessels

LEGEND = {":": ("vessel", ""), "w": ("poured", ""), "u": ("spout", ""), "z": ("sea", ""), "m": ("water_mark", ""),
          "M": ("water_mark_wet", "")}  # fmt: skip


def rack(caps: tuple[int, ...], water: tuple[int, ...], marks: dict[int, int], sea: bool = True) -> str:
    """A level: vessels of heights ``caps`` holding ``water`` cells, side by side on one row of spouts,
    the sea (when ``sea``) on the left as tall as the tallest; ``marks`` maps a vessel to its target."""
    height = max(caps)
    columns, tall = ([["w"] * height + ["z"]], [height]) if sea else ([], [])
    for i, (cap, held) in enumerate(zip(caps, water, strict=True)):
        cells = ["."] * (height - cap) + [":"] * (cap - held) + ["w"] * held + ["u"]
        if i in marks:
            cells[height - marks[i]] = "M" if held >= marks[i] else "m"
        columns.append(cells)
        tall.append(cap)
    # A wall stands as high as the taller of the two columns beside it.
    walls = [max(tall[max(i - 1, 0) : i + 1]) for i in range(len(columns) + 1)]
    rows = ["".join("#" if y >= height - wall else "." for wall in walls[:1])
            + "".join(col[y] + ("#" if y >= height - wall else ".") for col, wall in zip(columns, walls[1:],
                                                                                     strict=True))
            for y in range(height + 1)]  # fmt: skip
    return "\n".join(["." * len(rows[0]), *rows])


LEVELS = [
    rack((3, 5), (0, 0), {1: 4}),
    rack((3, 5, 8), (0, 0, 8), {1: 4, 2: 4}, sea=False),
    rack((4, 7), (0, 0), {0: 2}),
    rack((5, 8, 13), (0, 0, 13), {1: 4}, sea=False),
    rack((3, 10, 13), (0, 0, 0), {0: 1, 1: 8}),
    rack((7, 11), (0, 0), {1: 2}),
    rack((5, 10, 11), (0, 0, 0), {0: 2, 1: 7}),
    rack((12, 13), (0, 0), {0: 6}),
]

GAME = Game(
    id="lb5w",
    title="Jugs",
    split="public",
    levels=LEVELS,
    actions=(ActionId.ACTION6,),
    rules=(vessels.pour,),
    win=(vessels.water_at_marks,),
    legend=LEGEND,
    card=Card(
        idea="Pour water between vessels of different capacities until the water stands at every mark.",
        priors=("numbers.counting", "numbers.arithmetic", "objectness.containment"),
        levels=(
            "a 3 and a 5 and the sea: measure 4",
            "no sea: split 8 into 4 and 4 with a 3 and a 5",
            "the mark is in the small vessel: what it holds is what is left over",
            "three vessels and no sea: 13 into a 5 and an 8, a 4 in the 8",
            "two marks at once: one vessel must keep its water while the others work",
            "a 7 and an 11: the long way round the cycle of pours",
            "two marks in vessels that are each other's tools",
            "a 12 and a 13, measure 6: going round the cycle many times, in the right direction",
        ),
    ),
)
