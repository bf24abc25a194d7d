"""Each rule and condition in arcgames.primitives, on tiny ASCII boards.

Every test builds a one-level game from a map and the primitive under test, plays a
few actions through the engine, and compares the board with the expected map.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from helpers import MOVES, ascii_map, board_text, play, tiny_game

from arcgames import primitives
from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.kinds import AVATAR, CHASER
from arcgames.primitives import (
    all_gems_collected,
    all_lights_on,
    all_painted,
    caught,
    chase,
    click_switch,
    collect_items,
    cover_goals,
    enter_portals,
    gravity,
    interact_switch,
    move_avatar,
    paint_trail,
    push_blocks,
    reach_goal,
    toggle_lights,
    touch_lava,
    unlock_doors,
)
from arcgames.state import MOVES as MOVE_ACTS
from arcgames.state import Var

TICK = Action.INTERACT  # an action that moves nothing, for rules that act on their own (gravity, chase)


def engine_for(board: str, rules, actions=(*MOVES, ActionId.ACTION5), **kwargs) -> Engine:
    return Engine(tiny_game(board, rules=rules, actions=actions, **kwargs))


def click_cell(engine: Engine, row: int, col: int) -> None:
    engine.step(Action.click(*engine.layout.pixel_of(row, col)))


# --- move_avatar ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action.UP, ".@.\n...\n..."),
        (Action.DOWN, "...\n...\n.@."),
        (Action.LEFT, "...\n@..\n..."),
        (Action.RIGHT, "...\n..@\n..."),
    ],
)
def test_move_avatar_moves_one_cell_in_each_direction(action: Action, expected: str) -> None:
    engine = engine_for("...\n.@.\n...", rules=(move_avatar,))
    engine.step(action)
    assert board_text(engine) == expected


def test_move_avatar_is_stopped_by_walls_and_the_board_edge() -> None:
    engine = engine_for("#@", rules=(move_avatar,))
    play(engine, Action.LEFT, Action.RIGHT, Action.UP, Action.DOWN)
    assert board_text(engine) == "#@"


@pytest.mark.parametrize(("symbol", "name"), [("#", "wall"), ("D", "door"), ("0", "light"), ("1", "light"),
                                              ("t", "trail"), ("S", "switch"), ("X", "closed gate")])  # fmt: skip
def test_move_avatar_is_stopped_by_solid_terrain(symbol: str, name: str) -> None:
    engine = engine_for("@" + symbol, rules=(move_avatar,))
    engine.step(Action.RIGHT)
    assert board_text(engine) == "@" + symbol, f"the avatar walked into a {name}"


@pytest.mark.parametrize("symbol", [".", "G", "L", "k", "o", "u", "P", "_"])
def test_move_avatar_walks_onto_non_solid_terrain(symbol: str) -> None:
    engine = engine_for("@" + symbol, rules=(move_avatar,))
    engine.step(Action.RIGHT)
    assert engine.state.grid[1].tolist() == [[0, AVATAR]]


@pytest.mark.parametrize("symbol", ["B", "C", "O"])
def test_move_avatar_is_stopped_by_objects(symbol: str) -> None:
    engine = engine_for("@" + symbol + ".", rules=(move_avatar,))  # no push_blocks: nothing shoves
    engine.step(Action.RIGHT)
    assert board_text(engine) == "@" + symbol + "."


def test_move_avatar_ignores_actions_that_are_not_moves() -> None:
    engine = engine_for(".@.", rules=(move_avatar,))
    engine.step(Action.INTERACT)
    assert board_text(engine) == ".@."


def test_move_avatar_moves_a_line_of_avatars_as_one() -> None:
    engine = engine_for("@@..", rules=(move_avatar,))
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@@."
    engine.step(Action.LEFT)
    assert board_text(engine) == "@@.."
    engine.step(Action.LEFT)  # the front one is at the edge, the back one behind it
    assert board_text(engine) == "@@.."


def test_move_avatar_moves_each_avatar_independently() -> None:
    engine = engine_for(
        """
        @#.
        @..
        """,
        rules=(move_avatar,),
    )
    engine.step(Action.RIGHT)
    assert board_text(engine) == ascii_map(
        """
        @#.
        .@.
        """
    )


# --- push_blocks ---------------------------------------------------------------------


PUSH = (push_blocks, move_avatar)


def test_push_blocks_shoves_a_block_one_cell() -> None:
    engine = engine_for("@B..", rules=PUSH)
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@B."
    engine.step(Action.RIGHT)
    assert board_text(engine) == "..@B"


def test_push_blocks_pushes_vertically_onto_a_goal() -> None:
    engine = engine_for("G\nB\n@", rules=PUSH)
    engine.step(Action.UP)
    assert board_text(engine) == "*\n@\n."


@pytest.mark.parametrize(
    ("before", "why"),
    [("@B#", "a wall"), ("@B", "the board edge"), ("@BB.", "another block (no chain pushes)"), ("@BC.", "a chaser")],
)
def test_push_blocks_blocked_push_moves_nothing(before: str, why: str) -> None:
    engine = engine_for(before, rules=PUSH)
    engine.step(Action.RIGHT)
    assert board_text(engine) == before, f"a block moved into {why}"


def test_push_blocks_does_not_push_objects_that_are_not_pushable() -> None:
    engine = engine_for("@C.", rules=PUSH)
    engine.step(Action.RIGHT)
    assert board_text(engine) == "@C."


def test_push_blocks_pushes_boulders() -> None:
    engine = engine_for("@O.", rules=PUSH)
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@O"


def test_push_blocks_lets_several_avatars_push_at_once() -> None:
    engine = engine_for("@B.\n@B#", rules=PUSH)
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@B\n@B#"


def test_push_blocks_only_on_moves() -> None:
    engine = engine_for("@B.", rules=PUSH)
    engine.step(Action.INTERACT)
    assert board_text(engine) == "@B."


# --- unlock_doors --------------------------------------------------------------------


DOORS = (unlock_doors, move_avatar, collect_items)


def test_unlock_doors_spends_a_key_to_open_a_door_for_good() -> None:
    engine = engine_for("@kD.", rules=DOORS)
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == (".@D.", 1)
    engine.step(Action.RIGHT)  # opens the door and, moving after, walks through it
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == ("..@.", 0)
    play(engine, Action.RIGHT, Action.LEFT, Action.LEFT)
    assert board_text(engine) == ".@.."


def test_unlock_doors_without_a_key_leaves_the_door_shut() -> None:
    engine = engine_for("@D.", rules=DOORS)
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == ("@D.", 0)


def test_unlock_doors_opens_one_door_per_key() -> None:
    engine = engine_for("@kDD.", rules=DOORS)
    play(engine, Action.RIGHT, Action.RIGHT, Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == ("..@D.", 0)


def test_unlock_doors_needs_the_avatar_to_walk_into_the_door() -> None:
    engine = engine_for("D@.", rules=DOORS)
    engine.state.vars[Var.KEYS] = 1
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == ("D.@", 1)


def test_unlock_doors_one_key_between_two_avatars_opens_one_door() -> None:
    engine = engine_for("@D.\n@D.", rules=(unlock_doors,))
    engine.state.vars[Var.KEYS] = 1
    engine.step(Action.RIGHT)
    assert board_text(engine).count("D") == 1
    assert engine.state.vars[Var.KEYS] == 0


# --- collect_items -------------------------------------------------------------------


def test_collect_items_counts_keys() -> None:
    engine = engine_for("@kk.", rules=(move_avatar, collect_items))
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == (".@k.", 1)
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == ("..@.", 2)


def test_collect_items_gems_vanish_without_counting() -> None:
    engine = engine_for("@o.", rules=(move_avatar, collect_items))
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == (".@.", 0)


def test_collect_items_leaves_items_no_avatar_stands_on() -> None:
    engine = engine_for("@.ok", rules=(move_avatar, collect_items))
    engine.step(Action.RIGHT)
    assert (board_text(engine), engine.state.vars[Var.KEYS]) == (".@ok", 0)


# --- paint_trail ---------------------------------------------------------------------


def test_paint_trail_paints_entered_cells_and_the_trail_is_solid() -> None:
    engine = engine_for("@uu", rules=(move_avatar, paint_trail))
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".&u"
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".t&"
    engine.step(Action.LEFT)  # back onto its own trail: blocked
    assert board_text(engine) == ".t&"


def test_paint_trail_leaves_unpainted_cells_alone_until_entered() -> None:
    engine = engine_for("u@u", rules=(move_avatar, paint_trail))
    engine.step(Action.INTERACT)
    assert board_text(engine) == "u@u"


# --- enter_portals -------------------------------------------------------------------


PORTALS = (enter_portals, move_avatar)
PORTAL_LEGEND = {"p": ("portal", "avatar"), "q": ("portal", "block")}


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        ("@P#P.", Action.RIGHT, ".P#P@"),  # carried to the other portal, then steps out
        (".P#P@", Action.LEFT, "@P#P."),  # portals work both ways
        ("@P#P#", Action.RIGHT, ".P#p#"),  # the way out is blocked: it stays on the exit portal
        ("@P#q.", Action.RIGHT, ".p#q."),  # the exit portal is occupied: no jump, it walks onto the portal
    ],
)
def test_enter_portals(before: str, action: Action, after: str) -> None:
    engine = engine_for(before, rules=PORTALS, legend=PORTAL_LEGEND)
    engine.step(action)
    assert board_text(engine) == after


def test_three_portals_pair_with_nothing() -> None:
    # A game refuses such a level (enter_portals' level check); the rule still treats them as ordinary cells.
    engine = engine_for("@P.P.P", rules=(move_avatar,), legend=PORTAL_LEGEND)
    right = MOVE_ACTS[ActionId.ACTION4]
    enter_portals(engine.state, right)
    move_avatar(engine.state, right)
    assert board_text(engine) == ".p.P.P"


def test_enter_portals_vertical_exit_keeps_the_direction() -> None:
    engine = engine_for(
        """
        @.
        P.
        #.
        .P
        ..
        """,
        rules=PORTALS,
        legend=PORTAL_LEGEND,
    )
    engine.step(Action.DOWN)
    assert board_text(engine) == ascii_map(
        """
        ..
        P.
        #.
        .P
        .@
        """
    )


# --- gravity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("O\n.\n.", ".\n.\nO"),  # falls to the bottom
        ("O\n.\n#", ".\nO\n#"),  # rests on a wall
        ("O\nO\n.\n.", ".\n.\nO\nO"),  # a stack falls together
        ("O\n.\nO\n.", ".\n.\nO\nO"),  # and settles in order
        ("O\n.\nB\n.", ".\nO\nB\n."),  # rests on a block; blocks do not fall
        ("O\n.\nC", ".\nO\nC"),  # rests on a chaser
        ("O\n.\nX", ".\nO\nX"),  # rests on solid terrain
        ("O\n.\n_", ".\n.\ng"),  # falls through an open gate
    ],
)
def test_gravity(before: str, after: str) -> None:
    legend = {"g": ("gate_open", "boulder")}
    engine = engine_for(before, rules=(gravity,), actions=(ActionId.ACTION5,), legend=legend)
    engine.step(TICK)
    assert board_text(engine) == after


def test_gravity_acts_after_a_push_off_a_ledge() -> None:
    engine = engine_for(
        """
        @O.
        ##.
        ##.
        """,
        rules=(push_blocks, move_avatar, gravity),
    )
    engine.step(Action.RIGHT)
    assert board_text(engine) == ascii_map(
        """
        .@.
        ##.
        ##O
        """
    )


# --- chase ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("C....\n.....\n....@", ".C...\n.....\n....@"),  # the longer gap is horizontal
        ("C.\n..\n..\n.@", "..\nC.\n..\n.@"),  # the longer gap is vertical
        ("C.\n.@", "..\nC@"),  # a tie goes vertical first
        ("C#...\n.....\n....@", ".#...\nC....\n....@"),  # longer axis blocked: the other one
        ("C#\n#.\n.@", "C#\n#.\n.@"),  # both axes blocked: stays
        ("C.@", ".C@"),  # same row
        ("C@", "C@"),  # already next to the avatar: it never steps onto it
        ("@...C.@", "@....C@"),  # toward the nearest avatar
        ("C..", "C.."),  # no avatar: nothing to chase
    ],
)
def test_chase(before: str, after: str) -> None:
    engine = engine_for(before, rules=(chase,), actions=(ActionId.ACTION5,))
    engine.step(TICK)
    assert board_text(engine) == after


def test_chase_chasers_never_merge() -> None:
    engine = engine_for("CC.@", rules=(chase,), actions=(ActionId.ACTION5,))
    for _ in range(3):
        engine.step(TICK)
        assert int((engine.state.grid[1] == CHASER).sum()) == 2


def test_chase_follows_a_moving_avatar() -> None:
    engine = engine_for("C...@.", rules=(move_avatar, chase))
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".C...@"


# --- toggle_lights -------------------------------------------------------------------


LIGHTS = "000\n000\n000"


@pytest.mark.parametrize(
    ("cell", "after"),
    [
        ((1, 1), "010\n111\n010"),  # centre: itself and four neighbours
        ((0, 0), "110\n100\n000"),  # corner: itself and two neighbours
        ((0, 1), "111\n010\n000"),  # edge: itself and three neighbours
        ((2, 1), "000\n010\n111"),
    ],
)
def test_toggle_lights_flips_the_clicked_light_and_its_neighbours(cell: tuple[int, int], after: str) -> None:
    engine = engine_for(LIGHTS, rules=(toggle_lights,), actions=(ActionId.ACTION6,))
    click_cell(engine, *cell)
    assert board_text(engine) == after
    click_cell(engine, *cell)
    assert board_text(engine) == LIGHTS


def test_toggle_lights_only_flips_lights() -> None:
    engine = engine_for("0.1\n#0.", rules=(toggle_lights,), actions=(ActionId.ACTION6,))
    click_cell(engine, 1, 1)  # neighbours: floor above and right, wall left
    assert board_text(engine) == "0.1\n#1."
    click_cell(engine, 0, 1)  # a floor cell between two lights: nothing happens
    click_cell(engine, 1, 0)  # a wall
    assert board_text(engine) == "0.1\n#1."


def test_toggle_lights_ignores_clicks_off_the_board() -> None:
    engine = engine_for("00\n00\n00", rules=(toggle_lights,), actions=(ActionId.ACTION6,))
    assert engine.layout.cell_at(0, 0) == (-1, -1)  # a 3x2 board leaves margins left and right
    engine.step(Action.click(0, 0))
    engine.step(Action.click(63, 63))
    assert board_text(engine) == "00\n00\n00"


def test_toggle_lights_ignores_other_actions() -> None:
    engine = engine_for("@0", rules=(toggle_lights,), actions=(*MOVES, ActionId.ACTION5, ActionId.ACTION6))
    play(engine, Action.RIGHT, Action.INTERACT)
    assert board_text(engine) == "@0"


# --- click_switch --------------------------------------------------------------------


def test_click_switch_flips_every_gate() -> None:
    engine = engine_for("SX_X", rules=(click_switch,), actions=(ActionId.ACTION6,))
    click_cell(engine, 0, 0)
    assert board_text(engine) == "S_X_"
    click_cell(engine, 0, 0)
    assert board_text(engine) == "SX_X"


def test_click_switch_ignores_clicks_on_anything_else() -> None:
    engine = engine_for("S.X_\n....", rules=(click_switch,), actions=(ActionId.ACTION6,))
    for cell in ((0, 1), (0, 2), (0, 3), (1, 0)):
        click_cell(engine, *cell)
    engine.step(Action.click(0, 0))  # off the 2x4 board, in the top margin
    assert board_text(engine) == "S.X_\n...."


# --- interact_switch -----------------------------------------------------------------


SWITCH_RULES = (move_avatar, interact_switch)


def test_interact_switch_next_to_a_switch_flips_every_gate() -> None:
    engine = engine_for("@SX_", rules=SWITCH_RULES)
    engine.step(Action.INTERACT)
    assert board_text(engine) == "@S_X"


@pytest.mark.parametrize("board", ["@.SX", "@.\n.S\nX."], ids=["two-away", "diagonal"])
def test_interact_switch_not_adjacent_does_nothing(board: str) -> None:
    engine = engine_for(board, rules=SWITCH_RULES)
    engine.step(Action.INTERACT)
    assert board_text(engine) == board


def test_interact_switch_needs_interact_not_a_bump() -> None:
    engine = engine_for("@SX", rules=SWITCH_RULES)
    engine.step(Action.RIGHT)
    assert board_text(engine) == "@SX"


def test_interact_switch_two_avatars_flip_the_gates_once() -> None:
    engine = engine_for("@S@\nX..", rules=SWITCH_RULES)
    engine.step(Action.INTERACT)
    assert board_text(engine) == "@S@\n_.."


def test_interact_switch_opens_a_way_through_the_gate() -> None:
    engine = engine_for("S..\n@X.", rules=SWITCH_RULES)
    engine.step(Action.RIGHT)
    assert board_text(engine) == "S..\n@X."
    play(engine, Action.INTERACT, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == "S..\n._@"


# --- conditions ----------------------------------------------------------------------


CONDITION_LEGEND = {"l": ("lava", "avatar"), "Q": ("goal", "boulder"), "c": ("goal", "chaser")}
CONDITION_CASES = [
    (reach_goal, "+.", True),
    (reach_goal, "@G", False),
    (cover_goals, "*.", True),
    (cover_goals, "*Q", True),  # any pushable object covers a goal
    (cover_goals, "*G", False),  # one goal left
    (cover_goals, "+B", False),  # an avatar does not cover a goal
    (cover_goals, "cB", False),  # nor does a chaser
    (cover_goals, "@B", False),  # no goals at all is not a win
    (all_lights_on, "11", True),
    (all_lights_on, "..", True),  # no light is off
    (all_lights_on, "10", False),
    (all_painted, "tt", True),
    (all_painted, "tu", False),
    (all_gems_collected, "..", True),
    (all_gems_collected, ".o", False),
    (touch_lava, "l.", True),
    (touch_lava, "@L", False),
    (caught, "C@", True),
    (caught, "C\n@", True),
    (caught, "C.@", False),
    (caught, "C.\n.@", False),  # diagonal is not caught
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), actions=(ActionId.ACTION5,), legend=CONDITION_LEGEND)
    assert cond(game.parsed[0].start) is expected


def primitive_test_modules() -> list[ModuleType]:
    """This module and its siblings tests/test_primitives_<family>.py: each primitive family
    tests its rules in functions named test_<rule>... and its conditions in CONDITION_CASES."""
    here = Path(__file__).parent
    return [importlib.import_module(path.stem) for path in sorted(here.glob("test_primitives*.py"))]


def shipped(registry: dict) -> list[str]:
    """The registered primitives arcgames ships (packs loaded by other tests register their own)."""
    return [name for name, prim in registry.items() if prim.__module__.startswith("arcgames.primitives")]


def test_every_condition_has_a_true_and_a_false_case() -> None:
    cases = [case for module in primitive_test_modules() for case in getattr(module, "CONDITION_CASES", ())]
    seen = {(cond.__name__, expected) for cond, _, expected in cases}
    missing = {(name, value) for name in shipped(primitives.CONDITIONS) for value in (True, False)} - seen
    assert not missing, (
        f"add cases to CONDITION_CASES (here or in tests/test_primitives_<family>.py) for {sorted(missing)}"
    )


def test_every_rule_has_a_test() -> None:
    tests = [name for module in primitive_test_modules() for name, value in vars(module).items() if callable(value)]
    untested = [name for name in shipped(primitives.RULES) if not any(t.startswith(f"test_{name}") for t in tests)]
    assert not untested, (
        f"add tests named test_<rule>_... (here or in tests/test_primitives_<family>.py) for {untested}"
    )


# --- the flood fill helper ---------------------------------------------------------------------------


def test_the_flood_fill_marks_exactly_the_cells_a_search_reaches() -> None:
    from arcgames.primitives.base import FLOODED, k_spread

    rng = np.random.default_rng(5)
    passable = np.zeros(256, dtype=np.bool_)
    passable[1] = True
    for trial in range(200):  # random mazes of passable (1) and blocked (2) cells, a few seeds
        h, w = rng.integers(1, 12, size=2)
        terrain = rng.choice(np.array([1, 2], dtype=np.uint8), size=(h, w), p=[0.6, 0.4])
        seeds = [(int(y), int(x)) for y, x in zip(rng.integers(0, h, 3), rng.integers(0, w, 3), strict=True)]
        reached, stack = set(seeds), list(seeds)  # the reference: a plain search from the seeds
        while stack:
            y, x = stack.pop()
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < h and 0 <= nx < w and (ny, nx) not in reached and terrain[ny, nx] == 1:
                    reached.add((ny, nx))
                    stack.append((ny, nx))
        marked = terrain.copy()
        for y, x in seeds:
            marked[y, x] |= FLOODED
        k_spread(marked, passable)
        got = {(int(y), int(x)) for y, x in np.argwhere(marked & FLOODED)}
        assert got == reached, f"trial {trial}"
        np.testing.assert_array_equal(marked & ~np.uint8(FLOODED), terrain)  # only the mark bit changed


# --- finding a kind a word at a time ----------------------------------------------------------------------


def test_finding_a_kind_gives_the_first_and_last_cells_a_plain_search_gives() -> None:
    from arcgames.primitives.base import k_find, k_find_last

    rng = np.random.default_rng(11)
    buffer = np.zeros(2 * 17 * 17 + 8, dtype=np.uint8)
    for trial in range(300):
        h, w = (int(v) for v in rng.integers(1, 18, size=2))
        offset = int(rng.integers(0, 8))  # boards that start anywhere in a word, not only on its first byte
        grid = buffer[offset : offset + 2 * h * w].reshape(2, h, w)
        grid[...] = rng.choice(np.array([0, 3, 7], dtype=np.uint8), size=(2, h, w), p=[0.9, 0.05, 0.05])
        layer, kind = int(rng.integers(0, 2)), int(rng.choice([3, 7, 9]))
        where = np.flatnonzero(grid[layer].reshape(-1) == kind)
        for start in range(h * w + 1):
            after, before = where[where >= start], where[where < start]
            assert k_find(grid, layer, kind, start) == (after[0] if after.size else -1), f"trial {trial}"
            assert k_find_last(grid, layer, kind, start) == (before[-1] if before.size else -1), f"trial {trial}"
