"""Turnstiles.

A pink hub with the eight cells around it is a turnstile: standing in its ring and walking into the
hub turns the whole 3x3 section a quarter turn clockwise, carrying the avatar round to the next side.
Rooms lie on the sides of the turnstiles, and a turnstile is the only way from one room to the next
(two turnstiles share the room between them). Pads in the rooms mix their colour into the avatar, a
wash pad makes it white again, and a gate in a passage lets through only its own colour. Reach the
teal goal. Turning only ever goes clockwise, so the way to the room on the left is three turns long.
"""

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import paint, turnstiles

LEGEND = {**paint.LEGEND, "T": ("turnstile_hub", "")}
SIDES = "NESW"
STEP = ((-1, 0), (0, 1), (1, 0), (0, -1))


def hubs(rooms: dict[tuple[int, str], str], pockets: list[str], links: dict[tuple[int, str], str] | None = None) -> str:
    """A level: turnstiles in a row (hub k at row 6, column 6 + 8k), a 3x3 room on each side of each in
    ``rooms`` ((hub, side) -> nine cells, row by row; hub k's east room is hub k+1's west room), each
    ring wall but for a floor pocket on every side in ``pockets[k]``, and a passage from each room to
    its ring that ``links`` may fill with a gate."""
    width = 13 + 8 * (len(pockets) - 1)
    board = [["#"] * width for _ in range(13)]
    for (k, side), cells in rooms.items():
        dy, dx = STEP[SIDES.index(side)]
        top, left = 6 + 4 * dy - 1, 6 + 8 * k + 4 * dx - 1
        for i, cell in enumerate(cells.replace(" ", "")):
            board[top + i // 3][left + i % 3] = cell
        board[6 + 2 * dy][6 + 8 * k + 2 * dx] = (links or {}).get((k, side), ".")
    for k, sides in enumerate(pockets):
        board[6][6 + 8 * k] = "T"
        for side in sides:
            dy, dx = STEP[SIDES.index(side)]
            board[6 + dy][6 + 8 * k + dx] = "."
        if k > 0:  # the shared room's passage to this turnstile
            board[6][8 * k + 4] = (links or {}).get((k, "W"), ".")
    return "\n".join("".join(row) for row in board)


E = "... ... ..."
LEVELS = [
    hubs({(0, "W"): "... @.. ...", (0, "S"): "... .G. ...", (0, "N"): E, (0, "E"): E}, ["W"]),
    hubs(
        {(0, "W"): "r.. @.. b..", (0, "N"): "..b .y. ...", (0, "E"): "..G ... ...", (0, "S"): "y.. ..b ..."},
        ["W"],
        {(0, "E"): "R"},
    ),
    hubs(
        {(0, "W"): "@.. ... ..r", (0, "N"): "..w ... b..", (0, "E"): "G.. ... ...", (0, "S"): "y.. ..r ..."},
        ["WE"],
        {(0, "E"): "V"},
    ),
    hubs(
        {(0, "W"): "b.. @.. y..", (0, "N"): "r.. ..b ...", (0, "E"): "... ... ..G", (0, "S"): "... b.b ..."},
        ["W"],
        {(0, "E"): "O"},
    ),
    hubs(
        {
            (0, "W"): "@.. ... ...",
            (0, "N"): "b.. .r. ..b",
            (0, "S"): "... yby ...",
            (0, "E"): "b.. ... ..b",
            (1, "N"): "... ... y..",
            (1, "S"): "b.b ... ...",
            (1, "E"): "..G ... ...",
        },
        ["W", "W"],
        {(1, "W"): "R"},
    ),
    hubs(
        {
            (0, "W"): "@.. .b. ...",
            (0, "N"): "y.. .r. ..b",
            (0, "S"): "... byb ...",
            (0, "E"): "b.. ... ..b",
            (1, "N"): "... ... r..",
            (1, "S"): "b.y ... ...",
            (1, "E"): "..G ... ...",
        },
        ["W", "W"],
        {(1, "W"): "O"},
    ),
    hubs(
        {
            (0, "W"): "@.. .r. ...",
            (0, "N"): "b.. ..w ...",
            (0, "S"): "... y.. ...",
            (0, "E"): "... ... ...",
            (1, "N"): "..r ... w..",
            (1, "S"): "... .b. ...",
            (1, "E"): "... ... ..G",
        },
        ["W", "W"],
        {(1, "W"): "O", (1, "E"): "V"},
    ),
    hubs(
        {
            (0, "W"): "@.. ... .y.",
            (0, "N"): "..b ... r..",
            (0, "S"): "w.. ... ...",
            (0, "E"): "... .r. ...",
            (1, "N"): "... y.. ..w",
            (1, "S"): "b.. ... ...",
            (1, "E"): "G.. ... ...",
        },
        ["WS", "W"],
        {(0, "E"): "N", (1, "E"): "O", (1, "S"): "V"},
    ),
]

GAME = Game(
    id="mcon",
    title="Turnstiles",
    split="evaluation",
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4),
    rules=(turnstiles.turnstile_walk,),
    win=(paint.painter_home,),
    legend=LEGEND,
    colours={"avatar": 10, "goal": 12},
    card=Card(
        idea="Pushing a turnstile's hub turns its 3x3 section and the avatar in it; rooms, pads and gates around.",
        priors=("agentness.avatar", "geometry.rotation", "geometry.connectivity"),
        levels=(
            "one turnstile: three pushes carry the avatar from the west room round to the south",
            "a red gate on the goal's passage, the red pad in the start room beside a blue one",
            "a turnstile with two pockets and a purple gate: one push moves both pockets",
            "an orange gate: red in the start room, yellow in the north room, blue pads in the way",
            "two turnstiles share a room; a red gate before the second, the red pad among blue ones",
            "two turnstiles and an orange gate before the second: yellow and red in different rooms",
            "two turnstiles, an orange gate and then a purple one, wash pads in between",
            "green, orange and purple gates across two turnstiles: the colours in the right rooms, in order",
        ),
    ),
)
