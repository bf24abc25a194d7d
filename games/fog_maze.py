"""Fog maze.

A maze under fog that lifts for good on and next to the avatar, showing floor, wall,
lava or the goal; reach the goal without touching lava. Undo brings the fog back, so
what was seen must be remembered. Later a guard paces a corridor in plain sight, a chaser hunts
through the fog, and generated mazes show the goal from afar or hide a chaser.
The card below (never shown to agents) lists the priors and what each level tests.
"""

import random
from collections import deque

from arcgames.actions import ActionId
from arcgames.game import Card, Game
from arcgames.primitives import caught, chase, move_avatar, reach_goal, touch_lava
from arcgames.primitives.agents import caught_by_patrol, patrol, reveal_fog
from arcgames.seeds import level_seed

ID, SPLIT = "xtpl", "evaluation"
STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))
PRIORS = ("objectness.occlusion", "objectness.persistence", "agentness.patrol", "agentness.chase", "agentness.flee")
FOGGED = {".": "~", "#": "=", "L": "%", "G": "g"}  # what each symbol looks like under fog


def generate(seed: int, rows: int = 4, cols: int = 5, lava: int = 3, loops: int = 2) -> str:
    """A fogged maze of rows x cols rooms from the top-left corner to the farthest room.

    Solvable by construction: a depth-first carve connects every room, a few walls are
    knocked out for loops, and lava goes only on cells off one shortest path.
    """
    rng = random.Random(seed)
    h, w = 2 * rows + 1, 2 * cols + 1
    grid = [["#"] * w for _ in range(h)]
    grid[1][1], stack, carved = ".", [(0, 0)], {(0, 0)}
    while stack:  # depth-first carve: every room joins the maze
        r, c = stack[-1]
        options = [(r + dr, c + dc) for dr, dc in STEPS if (r + dr, c + dc) not in carved]
        options = [(nr, nc) for nr, nc in options if 0 <= nr < rows and 0 <= nc < cols]
        if not options:
            stack.pop()
            continue
        nr, nc = rng.choice(options)
        grid[r + nr + 1][c + nc + 1] = grid[2 * nr + 1][2 * nc + 1] = "."
        carved.add((nr, nc))
        stack.append((nr, nc))
    between = [(y, x) for y in range(1, h - 1) for x in range(1, w - 1) if grid[y][x] == "#" and y % 2 != x % 2]
    for y, x in rng.sample(between, loops):
        grid[y][x] = "."
    came_from, queue, goal = {(1, 1): None}, deque([(1, 1)]), (1, 1)
    while queue:  # breadth-first: the last cell dequeued is a farthest one
        goal = y, x = queue.popleft()
        for cell in ((y + dy, x + dx) for dy, dx in STEPS):
            if grid[cell[0]][cell[1]] == "." and cell not in came_from:
                came_from[cell] = (y, x)
                queue.append(cell)
    path, cell = set(), goal
    while cell:
        path.add(cell)
        cell = came_from[cell]
    off_path = sorted(set(came_from) - path)
    for y, x in rng.sample(off_path, min(lava, len(off_path))):
        grid[y][x] = "L"
    grid[1][1], grid[goal[0]][goal[1]] = "@", "G"
    clear = {(1 + dy, 1 + dx) for dy, dx in ((0, 0), *STEPS)}  # the avatar starts seeing its neighbours
    return "\n".join(
        "".join(
            s if (y, x) in clear or y in (0, h - 1) or x in (0, w - 1) else FOGGED.get(s, s) for x, s in enumerate(row)
        )
        for y, row in enumerate(grid)
    )


def station(level: str, chasers: tuple[tuple[int, int], ...] = (), show_goal: bool = False) -> str:
    """A generated maze with a chaser on each fogged floor cell (row, column) in ``chasers`` and, with
    ``show_goal``, the goal in plain sight from the first frame (the straight way to it is rarely the safe one)."""
    grid = [list(row) for row in level.split("\n")]
    for y, x in chasers:
        if grid[y][x] != FOGGED["."]:
            raise ValueError(f"a chaser goes on fogged floor, but row {y}, column {x} holds {grid[y][x]!r}")
        grid[y][x] = "c"
    text = "\n".join("".join(row) for row in grid)
    return text.replace(FOGGED["G"], "G") if show_goal else text


LEVELS = [
    """
###########
#@.~%~~~~~#
#..~~~%~%~#
#~%~%~~%~~#
#~~~~%~~~%#
#%~%~~~%~g#
###########
""",
    """
#############
#@.~~~~%~~~~#
#..%~%~~~%%.#
#~~~~~%~%~..#
#~%%~~%~~~.G#
#~~~%~~~%~..#
#############
""",
    generate(level_seed(ID, SPLIT, 2), rows=4, cols=6, lava=6, loops=2),
    """
###########
#@.~~~~.=~#
##=====.=~#
#~~~~g=.~~#
#~=~===v=~#
#~%~~~~.%~#
###########
""",
    """
###########
#@.~~~=~~g#
#.===~=~==#
#~~~=%=~c~#
#~=~=~=~=~#
#~=~~~~~%~#
###########
""",
    station(generate(level_seed(ID, SPLIT, 5), rows=5, cols=7, lava=8, loops=3), show_goal=True),
    station(generate(level_seed(ID, SPLIT, 6), rows=6, cols=7, lava=10, loops=3), chasers=((9, 7),)),
    station(generate(level_seed(ID, SPLIT, 7), rows=6, cols=7, lava=10, loops=3), chasers=((5, 11),), show_goal=True),
]

LEGEND = {
    "~": ("fog_floor", ""),
    "=": ("fog_wall", ""),
    "%": ("fog_lava", ""),
    "g": ("fog_goal", ""),
    "c": ("fog_floor", "chaser"),
    "v": ("floor", "patrol_down"),
}

GAME = Game(
    id=ID,
    title="Fog maze",
    split=SPLIT,
    levels=LEVELS,
    actions=(ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION7),
    rules=(move_avatar, patrol, chase, reveal_fog),
    win=(reach_goal,),
    lose=(touch_lava, caught_by_patrol, caught),
    legend=LEGEND,
    card=Card(
        idea=(
            "A maze under fog that lifts for good next to the avatar; reach the goal without touching lava. "
            "Undo brings the fog back. Later a guard and chasers move in the fog."
        ),
        priors=PRIORS,
        levels=(
            "fog hides lava and the goal: look around before stepping",
            "the goal is in plain sight, but fog hides the lava on the straight way to it",
            "a generated maze under fog with lava in its side passages: explore, remember dead ends",
            "a guard paces the corridor the way runs along, in plain sight: dodge it through the side loop",
            "a chaser in the fog: lead it round the loop, then run for the goal",
            "a larger maze with loops and the goal in sight: the short way is lava, the safe way winds",
            "a chaser in a lava maze: lead it into a dead end behind a wall, then go on",
            "maze, lava, a chaser and a goal in sight at once",
        ),
    ),
)
