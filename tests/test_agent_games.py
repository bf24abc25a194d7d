"""The games built on the agent primitives: colours a player can tell apart, and level
generators that keep their solvable-by-construction promise on many more seeds than the
games use (the parametrised suite in test_games.py solves the levels themselves)."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import replace

import pytest
from helpers import cells_of

import arcgames
from arcgames.actions import Action
from arcgames.engine import Engine
from arcgames.game import Game
from arcgames.games import fog_maze, herding
from arcgames.kinds import AVATAR, KINDS, Layer
from arcgames.primitives.agents import FOG_REVEALS, FOGGY, HEADING, HIDDEN_PATROLS, PATROLS, TALLY, TALLY_FULL
from arcgames.seeds import public_seed

AGENT_GAMES = ["xg9e", "dn58", "1u33", "xtpl", "pft7"]


def kinds_in_play(game: Game) -> set[int]:
    """Every kind a level of the game starts with or can turn into."""
    found: set[int] = set()
    for level in game.parsed:
        found |= {int(k) for k in set(level.start.grid.flat)}
    found |= {FOG_REVEALS[k] for k in found if FOGGY[k]}
    if TALLY in found:
        found.add(TALLY_FULL)
    if any(HEADING[k] >= 0 for k in found):
        found |= {*PATROLS, *HIDDEN_PATROLS}
    return found - {0}  # an empty object cell shows the terrain


@pytest.mark.parametrize("game_id", AGENT_GAMES)
def test_kinds_that_behave_differently_look_different(game_id: str) -> None:
    game = arcgames.get_game(game_id)
    # The only look-alikes allowed: the patroller headings, and fog with what hides in it.
    alike = {**dict.fromkeys(PATROLS, "patrol"), **dict.fromkeys(HIDDEN_PATROLS, "fog")}
    alike |= {k.id: "fog" for k in KINDS.values() if k.layer == Layer.TERRAIN and FOGGY[k.id]}
    by_colour: dict[int, set] = {}
    for kind in kinds_in_play(game):
        by_colour.setdefault(int(game.lut[kind]), set()).add(alike.get(kind, kind))
    clashes = {colour: groups for colour, groups in by_colour.items() if len(groups) > 1}
    assert not clashes, f"kinds sharing a colour in {game_id}: {clashes}"


def one_level(game: Game, level: str) -> Game:
    return replace(game, id="t001", levels=[level], card=None)


def scripted_herd(game: Game) -> bool:
    """Walk the bottom row and up and down each pen's column: the generator's construction."""
    engine = Engine(game)
    rows = game.levels[0].strip("\n").split("\n")
    bottom = len(rows) - 2
    columns = sorted({x for row in rows for x, symbol in enumerate(row) if symbol == "p"})

    def avatar() -> tuple[int, int]:
        return cells_of(engine.state.grid[1], AVATAR)[0]

    for x in columns:
        while avatar()[1] != x:
            if engine.step(Action.RIGHT if avatar()[1] < x else Action.LEFT):
                return True
        for _ in range(bottom):
            if engine.step(Action.UP):
                return True
        while avatar()[0] != bottom:
            if engine.step(Action.DOWN):
                return True
    return False


def test_herding_generator_is_solvable_by_its_construction() -> None:
    rng = random.Random(0)
    for n in range(120):
        pens = tuple(rng.randint(1, 2) for _ in range(rng.randint(1, 3)))
        width, height, rocks = rng.randint(3 * len(pens) + 2, 12), rng.randint(5, 8), rng.randint(0, 8)
        level = herding.generate(public_seed(n), width, height, pens, rocks)
        assert scripted_herd(one_level(herding.GAME, level)), f"the scripted walk does not herd:\n{level}"


def test_fog_maze_generator_is_solvable_by_construction_and_fogged() -> None:
    unfog = {fogged: plain for plain, fogged in fog_maze.FOGGED.items()}
    for n in range(120):
        rows, cols = 3 + n % 4, 3 + n % 5
        level = fog_maze.generate(public_seed(n), rows, cols, lava=n % 5, loops=n % 3)
        one_level(fog_maze.GAME, level)  # it loads: rectangular, known symbols, goal not walled off
        plain = [[unfog.get(s, s) for s in row] for row in level.split("\n")]
        assert level.count("~") > len(level) // 4, "most of the maze is under fog"
        assert plain[1][1] == "@" and sum(row.count("G") for row in plain) == 1
        seen, queue = {(1, 1)}, deque([(1, 1)])
        while queue:
            y, x = queue.popleft()
            for cell in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if plain[cell[0]][cell[1]] in ".G" and cell not in seen:
                    seen.add(cell)
                    queue.append(cell)
        assert any(plain[y][x] == "G" for y, x in seen), f"the goal is cut off by walls or lava:\n{level}"


def test_fog_maze_station_places_chasers_and_shows_the_goal() -> None:
    maze = fog_maze.generate(public_seed(0), 4, 5, lava=0, loops=0)
    rows = maze.split("\n")
    cell = next((y, x) for y, row in enumerate(rows) for x, s in enumerate(row) if s == "~")
    placed = fog_maze.station(maze, chasers=(cell,), show_goal=True).split("\n")
    assert placed[cell[0]][cell[1]] == "c"
    assert sum(row.count("G") for row in placed) == 1 and not any("g" in row for row in placed)
    one_level(fog_maze.GAME, "\n".join(placed))  # it loads
    with pytest.raises(ValueError, match="fogged floor"):
        fog_maze.station(maze, chasers=((0, 0),))
