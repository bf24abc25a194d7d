"""State on screen (issue 15): the frame layout, the status strip, one cell size per game, countable cells.

The batched engine draws with the same kernel (tests/test_batched.py compares the two engines' frames,
strip included); these tests pin down what the frame shows.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import tiny_game

from arcgames.actions import FRAME_SIZE, Action
from arcgames.draw import (
    BOARD_HEIGHT,
    BOARD_TOP,
    MARK_CURRENT,
    MARK_DONE,
    MARK_TO_COME,
    STRIP_BACKGROUND,
    STRIP_HEIGHT,
    Counter,
    cell_size,
)
from arcgames.engine import Engine, GameState
from arcgames.game import GameDefinitionError
from arcgames.kinds import BLOCK, GOAL, KEY, kind_id
from arcgames.palette import colour_index
from arcgames.primitives import collect_items, move_avatar, reach_goal, rule, touch_lava, unlock_doors
from arcgames.registry import get_game, list_games
from arcgames.state import Var

YELLOW, RED, GREEN, BLACK = (colour_index(c) for c in ("yellow", "red", "green", "black"))


def strip(engine: Engine) -> np.ndarray:
    return engine.frame[:STRIP_HEIGHT]


def runs(row: np.ndarray, colour: int) -> int:
    """How many separate runs of ``colour`` a pixel row holds: what a person counts."""
    hit = np.concatenate([[False], row == colour, [False]])
    return int(np.count_nonzero(hit[1:] & ~hit[:-1]))


def level_marks(engine: Engine) -> list[int]:
    """The colour of each level's mark, left to right (2 px wide, 1 apart, from x = 1)."""
    return [int(engine.frame[1, 1 + 3 * i]) for i in range(engine.game.num_levels)]


# --- layout --------------------------------------------------------------------------


@pytest.mark.parametrize("game_id", list_games())
def test_every_game_keeps_one_cell_size_and_its_boards_below_the_strip(game_id: str) -> None:
    game = get_game(game_id)
    layouts = [lv.layout for lv in game.parsed]
    scale = min(min(60 // lay.height, 64 // lay.width) for lay in layouts)
    assert {lay.scale for lay in layouts} == {scale} and scale >= 1
    for lay in layouts:
        assert lay.top >= BOARD_TOP and lay.top + lay.height * lay.scale <= FRAME_SIZE
        assert lay.left >= 0 and lay.left + lay.width * lay.scale <= FRAME_SIZE
        # Centred in the board area (rows 4-63), the odd pixel below and to the right.
        assert lay.top - BOARD_TOP == (BOARD_HEIGHT - lay.height * scale) // 2
        assert lay.left == (FRAME_SIZE - lay.width * scale) // 2
        assert lay.cell_at(*lay.pixel_of(lay.height - 1, lay.width - 1)) == (lay.height - 1, lay.width - 1)
        assert all(lay.cell_at(x, y) == (-1, -1) for y in range(STRIP_HEIGHT) for x in range(FRAME_SIZE))


def test_the_largest_level_decides_the_cell_size() -> None:
    game = tiny_game("@G", "@" + "." * 20 + "G", rules=(move_avatar,), win=(reach_goal,))
    assert cell_size([(1, 2), (1, 22)]) == 64 // 22 == 2
    assert [lv.layout.scale for lv in game.parsed] == [2, 2]
    assert game.parsed[0].layout.left == (64 - 4) // 2


def test_a_map_taller_than_the_board_area_is_refused_with_the_limit_named() -> None:
    with pytest.raises(GameDefinitionError, match=r"61x1; at most 60x64 .*status strip"):
        tiny_game("\n".join(["@"] + ["."] * 60), rules=(move_avatar,))


# --- the status strip ----------------------------------------------------------------


KEY_ROOM = "#@kkD.G#"


def key_game():
    return tiny_game(
        KEY_ROOM, "#@G#", rules=(unlock_doors, move_avatar, collect_items), win=(reach_goal,), lose=(touch_lava,)
    )


def test_picking_up_a_key_adds_one_yellow_pip_and_spending_it_removes_one() -> None:
    engine = Engine(key_game())
    pips = [runs(strip(engine)[1], YELLOW)]
    for _ in range(3):  # onto the first key, the second key, then into the door (spends one)
        engine.step(Action.RIGHT)
        pips.append(runs(strip(engine)[1], YELLOW))
    assert engine.state.vars[Var.KEYS] == 1
    assert pips == [0, 1, 2, 1]
    assert (engine.frame[1:3] == YELLOW).sum() == 2 * 1, "a pip is 1x2 pixels"


def test_the_level_strip_marks_done_current_and_to_come() -> None:
    game = tiny_game("@G", "@.G", "#@..G", rules=(move_avatar,), win=(reach_goal,))
    engine = Engine(game)
    assert level_marks(engine) == [MARK_CURRENT, MARK_TO_COME, MARK_TO_COME]
    engine.step(Action.RIGHT)
    assert engine.level == 1 and level_marks(engine) == [MARK_DONE, MARK_CURRENT, MARK_TO_COME]
    assert level_marks_of(engine.solved_frame, 3) == [MARK_DONE, MARK_TO_COME, MARK_TO_COME]
    engine.step(Action.RIGHT)
    engine.step(Action.RIGHT)
    assert level_marks(engine) == [MARK_DONE, MARK_DONE, MARK_CURRENT]
    # A play started at level 3 has completed nothing: the levels before it are not marked done.
    assert level_marks(Engine(game, 2)) == [MARK_TO_COME, MARK_TO_COME, MARK_CURRENT]


def level_marks_of(frame: np.ndarray, levels: int) -> list[int]:
    return [int(frame[1, 1 + 3 * i]) for i in range(levels)]


def test_game_over_and_win_change_the_strip_and_reset_restores_it() -> None:
    game = tiny_game("G.@L", "@G", rules=(move_avatar,), win=(reach_goal,), lose=(touch_lava,))
    engine = Engine(game)
    assert strip(engine)[0, 0] == STRIP_BACKGROUND[0] == BLACK
    engine.step(Action.RIGHT)
    assert engine.game_state == GameState.GAME_OVER
    assert (strip(engine)[0] == RED).all() and strip(engine)[3, 40] == RED
    engine.step(Action.RESET)
    assert (strip(engine)[0] == BLACK).all()
    for action in (Action.LEFT, Action.LEFT, Action.RIGHT):
        engine.step(action)
    assert engine.game_state == GameState.WIN
    assert (strip(engine)[0] == GREEN).all()
    assert level_marks(engine) == [MARK_DONE, MARK_DONE]


def test_a_primitive_declares_its_counters_and_the_game_collects_them() -> None:
    @rule(register=False, counters=(Counter(Var.LAST_GEM, "red", 4),))
    def count_steps(grid, vars, act, flags):
        """Counts moves up to 4 in a vars slot."""
        if act[1] != 0 or act[2] != 0:
            vars[2] = min(vars[2] + 1, 4)

    game = tiny_game("#@....#", rules=(move_avatar, count_steps, collect_items, unlock_doors))
    assert [c.slot for c in game.counters] == [Var.KEYS, Var.LAST_GEM]  # one per slot, in slot order
    engine = Engine(game)
    for steps in range(1, 6):
        engine.step(Action.RIGHT if steps < 5 else Action.LEFT)
        assert runs(strip(engine)[1], RED) == min(steps, 4)


def test_two_primitives_showing_one_slot_differently_are_refused() -> None:
    @rule(register=False, counters=(Counter(Var.KEYS, "red", 3),))
    def other_keys(grid, vars, act, flags):
        """Shows the keys in red."""

    with pytest.raises(GameDefinitionError, match="show counter slot 0 differently"):
        tiny_game("#@.#", rules=(move_avatar, collect_items, other_keys))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Counter(9, "red"), "slot 9 must be a State.vars slot"),
        (lambda: Counter(Var.KEYS, "purple"), "unknown colour 'purple'"),
        (lambda: Counter(Var.KEYS, "red", 0), "most=0 must be 1..30"),
    ],
)
def test_bad_counters_are_refused_with_the_fix_named(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_counters_that_do_not_fit_the_strip_are_refused() -> None:
    wide = [Counter(slot, "red", 30) for slot in (4, 5)]

    @rule(register=False, counters=tuple(wide))
    def wide_rule(grid, vars, act, flags):
        """Declares more pips than the strip holds."""

    with pytest.raises(GameDefinitionError, match="do not fit in the 64 px status strip; lower the counters' most="):
        tiny_game("#@.#", rules=(move_avatar, wide_rule))
    with pytest.raises(TypeError, match=r"counters= takes arcgames.draw.Counter"):
        rule(register=False, counters=((0, "red"),))(lambda grid, vars, act, flags: None)


def test_many_levels_get_narrower_marks() -> None:
    game = tiny_game(*["@G"] * 25, rules=(move_avatar,), win=(reach_goal,))
    engine = Engine(game)
    assert [int(engine.frame[1, 1 + 2 * i]) for i in range(3)] == [MARK_CURRENT, MARK_TO_COME, MARK_TO_COME]
    assert runs(engine.frame[1], MARK_TO_COME) == 24


def test_tally_and_keys_games_show_their_counters() -> None:
    assert [int(c.slot) for c in get_game("pft7").counters] == [Var.TALLIED, Var.LAST_GEM, Var.OUT_OF_ORDER]
    assert [int(c.slot) for c in get_game("e8gx").counters] == [Var.KEYS]


# --- countable cells --------------------------------------------------------------------


def test_two_adjacent_cells_of_one_kind_show_as_two() -> None:
    game = tiny_game("#@.BB.#\n#.kk.G#", rules=(move_avatar,), legend={"G": ("goal", "block")})
    engine = Engine(game)
    lay = engine.layout
    assert lay.scale >= 3
    frame = engine.frame
    for kind, row in ((BLOCK, 0), (KEY, 1)):
        y = lay.top + row * lay.scale + 1
        assert runs(frame[y, lay.left : lay.left + lay.width * lay.scale], game.lut[kind]) == 2, kind
    # A block on a goal: the edge line shows the goal under it.
    y, x = lay.pixel_of(1, 5)[1], lay.left + 6 * lay.scale - 1
    assert frame[y, x] == game.lut[GOAL] and frame[lay.top + lay.scale + 1, x - 1] == game.lut[BLOCK]
    # Walls and floor fill their cells: the walls of a column join up.
    column = frame[lay.top : lay.top + 2 * lay.scale, lay.left + 1]
    assert runs(column, game.lut[kind_id("wall")]) == 1


def test_two_pixel_cells_are_drawn_full() -> None:
    game = tiny_game("@" + "BB" + "." * 25, rules=(move_avatar,))
    engine = Engine(game)
    lay = engine.layout
    assert lay.scale == 2
    y = lay.top
    assert runs(engine.frame[y], game.lut[BLOCK]) == 1  # no room for an edge line: one bar


@pytest.mark.parametrize("game_id", list_games())
def test_same_kind_neighbours_are_separated_in_every_first_frame(game_id: str) -> None:
    """Two side-by-side cells of one tile kind (tally marks, lamps, gems, blocks) show a line between them."""
    game = get_game(game_id)
    for level in range(game.num_levels):
        engine = Engine(game, level)
        lay, frame = engine.layout, engine.frame
        if lay.scale < 3:
            continue
        terrain, objects = engine.state.grid
        visible = np.maximum(terrain, objects)
        tiles = game.look.tiles
        for r in range(lay.height):
            for c in range(lay.width - 1):
                if visible[r, c] == visible[r, c + 1] and tiles[visible[r, c]]:
                    y = lay.top + r * lay.scale
                    x = lay.left + (c + 1) * lay.scale - 1  # the left cell's edge column
                    assert frame[y, x] != game.lut[visible[r, c]], (game_id, level, r, c)
