"""Edge tiles.

Tiles of 3x3 cells: a hub, four corners and four edge middles, each edge red, yellow, blue, green or
blank (drawn like the corners). Walking into the middle of a side of a tile with a white hub turns it a
quarter turn clockwise; tiles with a dark hub are fixed. The level is won when every two edges that
touch are of one colour. Fixed tiles decide what their turnable neighbours must show, and a tile can
only be turned from a side the corridors reach.
"""

import random

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import move_avatar, tiles
from arcgames.seeds import level_seed

ID, SPLIT = "74gs", "public"
LEGEND = {"H": ("tile_hub", ""), "p": ("tile_pin", ""), "c": ("tile_corner", ""), "-": ("edge_blank", ""),
          "r": ("edge_red", ""), "y": ("edge_yellow", ""), "b": ("edge_blue", ""), "g": ("edge_green", "")}  # fmt: skip
COLOURS = "ryb-g"  # edge symbols; blank is one of them


def block(seed: int, rows: int, cols: int, turnable: list[tuple[int, int]], colours: int = 4) -> str:
    """A level: ``rows`` x ``cols`` tiles in a ring of corridor, the avatar in its top-left corner. Every
    edge two tiles share gets a colour drawn from the first ``colours`` of :data:`COLOURS` (seeded), so
    the drawn tiling matches; then each tile in ``turnable`` gets a white hub and is turned away from its
    place by one to three quarter turns (the others stay fixed, so the solved tiling is reachable)."""
    rng = random.Random(seed)
    pick = COLOURS[:colours]
    across = [[rng.choice(pick) for _ in range(cols + 1)] for _ in range(rows)]  # west side of tile (i, j)
    down = [[rng.choice(pick) for _ in range(cols)] for _ in range(rows + 1)]  # north side of tile (i, j)
    height, width = 3 * rows + 4, 3 * cols + 4
    board = [["#"] * width] + [["#"] + ["."] * (width - 2) + ["#"] for _ in range(height - 2)] + [["#"] * width]
    board[1][1] = "@"
    for i in range(rows):
        for j in range(cols):
            y, x = 3 * i + 3, 3 * j + 3
            ring = [down[i][j], across[i][j + 1], down[i + 1][j], across[i][j]]  # N, E, S, W
            if (i, j) in turnable:
                quarters = rng.randrange(1, 4)
                ring = ring[-quarters:] + ring[:-quarters]
            for dy, dx in ((-1, -1), (-1, 1), (1, -1), (1, 1)):
                board[y + dy][x + dx] = "c"
            for (dy, dx), edge in zip(((-1, 0), (0, 1), (1, 0), (0, -1)), ring, strict=True):
                board[y + dy][x + dx] = edge
            board[y][x] = "H" if (i, j) in turnable else "p"
    return "\n".join("".join(row) for row in board)


# Levels 1-2 turn every tile, so another tiling may lie close by: their seeds are moved on (by even steps,
# which keep a seed in its split) to ones the solver needs 13 and 19 actions for.
LEVELS = [
    block(level_seed(ID, SPLIT, 0) + 36, 1, 3, [(0, 0), (0, 1), (0, 2)]),
    block(level_seed(ID, SPLIT, 1) + 8, 1, 4, [(0, 0), (0, 1), (0, 3)]),
    block(level_seed(ID, SPLIT, 2), 2, 3, [(0, 0), (0, 2), (1, 1)]),
    block(level_seed(ID, SPLIT, 3), 2, 3, [(0, 1), (1, 0), (1, 1), (1, 2)]),
    block(level_seed(ID, SPLIT, 4), 2, 4, [(0, 0), (0, 3), (1, 1), (1, 2)], colours=5),
    block(level_seed(ID, SPLIT, 5), 3, 3, [(0, 0), (0, 2), (2, 1), (1, 2)], colours=5),
    block(level_seed(ID, SPLIT, 6), 3, 4, [(0, 1), (0, 2), (2, 0), (2, 3), (1, 3)], colours=5),
    block(level_seed(ID, SPLIT, 7), 3, 4, [(0, 0), (0, 3), (2, 1), (2, 2), (1, 0), (1, 3)], colours=5),
]

GAME = Game(
    id=ID,
    title="Edge tiles",
    split=SPLIT,
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(tiles.bump_turn, move_avatar),
    win=(tiles.edges_match,),
    legend=LEGEND,
    card=Card(
        idea="Turn tiles until every two edges that touch share a colour.",
        priors=("geometry.rotation", "geometry.shape_matching", "agentness.avatar"),
        levels=(
            "a row of three turnable tiles: only the edges they share must match",
            "a row of four: a fixed tile decides its neighbours, and they decide theirs",
            "two rows: edges touch above and below as well as beside",
            "two rows, four turnable tiles: one turn can mend one edge and break another",
            "two rows of four, a fifth colour (green)",
            "three rows: the fixed middle tile can only be reached through its neighbours' edges",
            "three rows of four, five turnable tiles spread round the ring",
            "three rows of four, six turnable tiles at the corners and sides",
        ),
    ),
)
