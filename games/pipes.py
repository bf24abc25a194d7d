"""Pipes.

The board is a grid of 3x3 tiles, each on a dark or a black square: a hub in the middle and
pipe arms on some of its four sides. Clicking a white hub turns its tile a quarter turn
clockwise; tiles whose hub is plain grey pipe are fixed. Water runs from the blue source
through every joined pipe; join the source to every green sink. Every level is generated:
lay a path of tiles from source to sink (and a branch to a second sink), pad the rest with
fixed decoys, then turn some bends and tees of the path one quarter past their place (three
clockwise clicks each) and leave a few more turnable tiles in place, where a click breaks the
join; so every level is solvable by construction.
"""

import random
from itertools import pairwise

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import geometry
from arcgames.seeds import level_seed
from arcgames.state import Act, State

ID, SPLIT = "5v2s", "public"
LEGEND = {",": ("shade", ""), "-": ("pipe", ""), "|": ("pipe", ""), "x": ("pipe", ""), "~": ("water", ""),
          "r": ("rotor", ""), "I": ("source", ""), "E": ("sink", "")}  # fmt: skip
DIRS = {"N": (-1, 0), "E": (0, 1), "S": (1, 0), "W": (0, -1)}
SIDE = {step: side for side, step in DIRS.items()}
CLOCKWISE = "NESW"


def _turn(arms: str, quarters: int) -> str:
    return "".join(sorted(CLOCKWISE[(CLOCKWISE.index(a) + quarters) % 4] for a in arms))


def _path(rng: random.Random, start, goal, rows: int, cols: int, blocked: set) -> list | None:
    """A random self-avoiding walk of tiles from start to goal (depth-first, shuffled), or None."""
    path, seen = [start], {start} | blocked
    while path and path[-1] != goal:
        y, x = path[-1]
        options = [(y + dy, x + dx) for dy, dx in DIRS.values()]
        options = [c for c in options if 0 <= c[0] < rows and 0 <= c[1] < cols and c not in seen]
        if options:
            path.append(rng.choice(options))
            seen.add(path[-1])
        else:
            path.pop()
    return path or None


def _draw(rows: int, cols: int, arms: dict, rotors: set, source: int, outs: list) -> str:
    board = [["."] + [".,"[(y // 3 + x // 3) % 2] for x in range(3 * cols)] + ["."] for y in range(3 * rows)]
    for (i, j), sides in arms.items():
        y, x = 3 * i + 1, 3 * j + 2
        board[y][x] = "r" if (i, j) in rotors else "x"
        for side in sides:
            board[y + DIRS[side][0]][x + DIRS[side][1]] = "|" if side in "NS" else "-"
    board[3 * source + 1][0] = "I"
    for i in outs:
        board[3 * i + 1][-1] = "E"
    return "\n".join("".join(row) for row in board)


def generate(seed: int, rows: int, cols: int, turns: int, sinks: int = 1, length: int = 0, still: int = 0) -> str:
    """A level whose main path is ``length`` or more tiles long and whose solution turns ``turns``
    path tiles, all bends or tees, each one quarter past its place (so three clockwise clicks from it);
    ``still`` more path tiles turn but start in place, so a click on one breaks the join. Every other
    tile is a fixed decoy or empty."""
    rng = random.Random(seed)  # every try draws on, so two seeds never fall into one level
    while (text := _try(rng, rows, cols, turns, sinks, length, still)) is None:
        pass
    return text


def _try(rng: random.Random, rows: int, cols: int, turns: int, sinks: int, length: int, still: int) -> str | None:
    """One try at :func:`generate`'s level, or None where the draw does not fit it."""
    source, outs = rng.randrange(rows), rng.sample(range(rows), sinks)
    arms, main = {(source, 0): "W"}, []
    for out in outs:  # the main path to the first sink, then a branch off it to each further sink
        start = rng.choice(main) if main else (source, 0)
        path = _path(rng, start, (out, cols - 1), rows, cols, set(arms) - {start})
        if path is None or len(main or path) < length:
            return None
        main = main or path
        arms.update({cell: "" for cell in path[1:]})
        arms[path[-1]] += "E"
        for a, b in pairwise(path):
            arms[a] += SIDE[(b[0] - a[0], b[1] - a[1])]
            arms[b] += SIDE[(a[0] - b[0], a[1] - b[1])]
    laid = sorted(arms)
    free = [(i, j) for i in range(rows) for j in range(cols) if (i, j) not in arms]
    for cell in rng.sample(free, len(free) * 2 // 3):  # fixed decoys: dead ends, blind bends, tees
        arms[cell] = rng.choice(["N", "NE", "NS", "NEW"])
    arms = {cell: _turn(sides, 0 if cell in laid else rng.randrange(4)) for cell, sides in arms.items()}
    # Bends and tees first: each needs three clicks, where a straight needs one.
    order = sorted(rng.sample(laid, len(laid)), key=lambda cell: arms[cell] in ("NS", "EW"))
    away, kept = order[:turns], order[turns : turns + still]
    if any(arms[cell] in ("NS", "EW") for cell in away) or len(kept) < still:
        return None
    for cell in away:
        arms[cell] = _turn(arms[cell], 1)
    text = _draw(rows, cols, arms, set(away + kept), source, outs)
    return None if geometry.connected(_start(text)) else text


def _start(text: str) -> State:
    """The start state of a map, through the game machinery (no water run yet)."""
    probe = Game(id="prbe", title="probe", split=SPLIT, levels=[text], actions=(ActionId.ACTION6,), rules=(),
                 win=(geometry.connected,), legend=LEGEND)  # fmt: skip
    return probe.parsed[0].start


def _wet(text: str) -> str:
    """The map with water already run through the pipes joined to the source, as fill_pipes leaves it."""
    state = _start(text)
    geometry.fill_pipes(state, Act(ActionId.ACTION6))
    wet = state.grid[0].tolist()
    return "\n".join("".join("~" if t == geometry.WATER else c for c, t in zip(row, wet[y], strict=True))
                     for y, row in enumerate(text.strip("\n").split("\n")))  # fmt: skip


LEVELS = [  # (rows, cols, tiles turned away, tiles in place that turn, sinks, least main path length)
    (2, 3, 3, 2, 1, 0),
    (3, 3, 4, 2, 1, 5),
    (3, 4, 5, 2, 1, 6),
    (4, 4, 6, 2, 2, 8),
    (4, 4, 7, 1, 1, 9),
    (5, 4, 7, 1, 2, 9),
    (5, 4, 8, 0, 1, 11),
    (5, 4, 8, 0, 2, 11),
]
GENERATED = [
    generate(level_seed(ID, SPLIT, n), rows=rows, cols=cols, turns=turns, still=still, sinks=sinks, length=length)
    for n, (rows, cols, turns, still, sinks, length) in enumerate(LEVELS)
]

GAME = Game(
    id=ID,
    title="Pipes",
    split=SPLIT,
    levels=[_wet(text) for text in GENERATED],
    actions=(ActionId.ACTION6, ActionId.ACTION7),
    rules=(geometry.rotate_block, geometry.fill_pipes),
    win=(geometry.connected,),
    legend=LEGEND,
    card=Card(
        idea="Turn tiles of pipe until water runs from the source to every sink.",
        priors=("geometry.rotation", "geometry.connectivity", "geometry.shape_matching"),
        levels=(
            "three tiles stand one quarter past their place: turning is only clockwise, so each needs three clicks;"
            " two more white hubs already carry water, and a click on one breaks the join",
            "a longer path: water shows how far the join reaches, and where the first wrong tile stands",
            "a winding path through fixed dead ends and blind bends that tempt the eye",
            "two sinks: a tee feeds a branch, so one tile serves two paths",
            "seven tiles to turn on one path, with a tile in place that must be left alone",
            "a taller board with two sinks: seven tiles to turn along the trunk and the branch",
            "eight tiles to turn on one long path, every white hub a job",
            "the finale: two sinks and eight tiles to turn, the branch hidden among fixed decoys",
        ),
    ),
)
