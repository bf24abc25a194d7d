"""The geometry primitives (arcgames.primitives.geometry) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map;
conditions are listed in CONDITION_CASES, which the guards in test_primitives.py read.
"""

from __future__ import annotations

import pytest
from helpers import CLICK_ACTIONS, board_text, click_cell, click_engine, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.primitives.geometry import (
    connected,
    fill_pipes,
    match_target,
    match_target_any,
    match_target_mirrored,
    match_target_rotated,
    mirror_symmetric,
    paint_cycle,
    rotate_block,
    rotation_symmetric,
)
from arcgames.state import Act

LEGEND = {
    "-": ("pipe", ""),
    "~": ("water", ""),
    "r": ("rotor", ""),
    "I": ("source", ""),
    "E": ("sink", ""),
    "s": ("shade", ""),
    ",": ("paint_blank", ""),
    "R": ("paint_red", ""),
    "U": ("paint_blue", ""),
    "Y": ("paint_yellow", ""),
    "|": ("axis", ""),
    "*": ("pivot", ""),
    "c": ("canvas_off", ""),
    "C": ("canvas_on", ""),
    "p": ("canvas_pin", ""),
    "t": ("target_off", ""),
    "T": ("target_on", ""),
    "b": ("shade", "block"),
}


def engine_for(board: str, rules) -> Engine:
    return click_engine(board, rules, LEGEND)


# --- rotate_block --------------------------------------------------------------------


def test_rotate_block_turns_the_ring_a_quarter_turn_clockwise() -> None:
    engine = engine_for("-I.\n.r.\n..E", rules=(rotate_block,))
    click_cell(engine, 1, 1)
    assert board_text(engine) == "..-\n.rI\nE.."
    click_cell(engine, 1, 1)
    assert board_text(engine) == "E..\n.r.\n.I-"


def test_rotate_block_four_turns_come_back_round() -> None:
    board = "-I.\n.rs\n.,E"
    engine = engine_for(board, rules=(rotate_block,))
    for _ in range(4):
        click_cell(engine, 1, 1)
    assert board_text(engine) == board


def test_rotate_block_carries_objects_round_too() -> None:
    engine = engine_for("b..\n.r.\n...", rules=(rotate_block,))
    click_cell(engine, 1, 1)
    assert board_text(engine) == "..b\n.r.\n..."


@pytest.mark.parametrize(
    ("board", "cell"),
    [
        ("..-\n.r.\n...", (0, 2)),  # a pipe is not a rotor
        ("..-\n.r.\n...", (1, 0)),  # nor is floor
    ],
)
def test_rotate_block_does_nothing_unless_a_whole_block_is_clicked(board: str, cell: tuple[int, int]) -> None:
    engine = engine_for(board, rules=(rotate_block,))
    click_cell(engine, *cell)
    assert board_text(engine) == board


def test_a_rotor_on_the_edge_turns_nothing() -> None:
    # A game refuses such a level (rotate_block's level check); the kernel still leaves the board alone.
    engine = engine_for("r-.\n...", rules=(fill_pipes,))
    rotate_block(engine.state, Act(ActionId.ACTION6, row=0, col=0))
    assert board_text(engine) == "r-.\n..."


def test_rotate_block_ignores_clicks_off_the_board_and_other_actions() -> None:
    board = "-..\n.r.\n..."
    engine = engine_for(board + "\n...\n...", rules=(rotate_block,))  # 5x3: margins left and right
    assert engine.layout.cell_at(0, 0) == (-1, -1)
    engine.step(Action.click(0, 0))
    engine.step(Action.INTERACT)
    assert board_text(engine) == board + "\n...\n..."


def test_rotate_block_moves_a_rotor_standing_in_the_ring() -> None:
    engine = engine_for("....\n.rr.\n....", rules=(rotate_block,))
    click_cell(engine, 1, 1)  # the second rotor sits east of the first: a quarter turn takes it south
    assert board_text(engine) == "....\n.r..\n.r.."


# --- fill_pipes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("I--.-", "I~~.-"),  # water runs as far as the pipe is joined
        ("I.~~", "I.--"),  # a pipe cut off from every source runs dry
        ("I-r-", "I~r~"),  # rotors conduct but keep their colour
        ("I-E-", "I~E~"),  # so do sinks
        ("-I.I-", "~I.I~"),  # every source fills
        ("~~-", "---"),  # no source: everything dry
        ("I-\n.-\n-.", "I~\n.~\n-."),  # corners turn; diagonal cells are not joined
    ],
)
def test_fill_pipes(before: str, after: str) -> None:
    engine = engine_for(before, rules=(fill_pipes,))
    engine.step(Action.INTERACT)
    assert board_text(engine) == after


def test_fill_pipes_follows_a_turned_block() -> None:
    engine = engine_for("....\nI.r.\n..-.", rules=(rotate_block, fill_pipes))
    click_cell(engine, 1, 2)  # the south arm turns west, onto the source
    assert board_text(engine) == "....\nI~r.\n...."
    for _ in range(3):
        click_cell(engine, 1, 2)
    assert board_text(engine) == "....\nI.r.\n..-."


# --- paint_cycle ---------------------------------------------------------------------


def test_paint_cycle_steps_round_the_palette() -> None:
    engine = engine_for(",R", rules=(paint_cycle,))
    seen = []
    for _ in range(4):
        click_cell(engine, 0, 0)
        seen.append(board_text(engine)[0])
    assert seen == ["R", "U", "Y", ","]
    assert board_text(engine)[1] == "R"  # only the clicked cell changes


def test_paint_cycle_flips_canvas_cells() -> None:
    engine = engine_for("cC", rules=(paint_cycle,))
    click_cell(engine, 0, 0)
    click_cell(engine, 0, 1)
    assert board_text(engine) == "Cc"
    click_cell(engine, 0, 0)
    assert board_text(engine) == "cc"


def test_paint_cycle_leaves_everything_else_alone() -> None:
    board = "|*p\ntT.\n-rs"
    engine = engine_for(board + "\n...", rules=(paint_cycle,))  # 4x3: margins left and right
    for row in range(3):
        for col in range(3):
            click_cell(engine, row, col)
    engine.step(Action.click(0, 0))  # off the board
    engine.step(Action.INTERACT)
    assert board_text(engine) == board + "\n..."


def test_paint_cycle_ignores_other_actions() -> None:
    engine = engine_for(",c", rules=(paint_cycle,))
    engine.step(Action.INTERACT)
    assert board_text(engine) == ",c"


# --- conditions ----------------------------------------------------------------------


CONDITION_CASES = [
    (connected, "I-E", True),
    (connected, "I~~rE", True),  # water and rotors conduct
    (connected, "I-.E", False),
    (connected, "I-.\n..E", False),  # diagonal cells are not joined
    (connected, "I-\n.E", True),  # a corner is
    (connected, "E-I-E", True),  # every sink reached
    (connected, "E-I-.E", False),  # one sink cut off
    (connected, "I--", False),  # no sink: nothing to join
    (connected, "-E", False),  # no source
    (mirror_symmetric, "R|R", True),
    (mirror_symmetric, ".RU|UR..", True),  # the picture is the box around the paint, not the board
    (mirror_symmetric, "R|U", False),
    (mirror_symmetric, "R|,\n,|R", False),
    (mirror_symmetric, "R.|.R", True),  # holes in the picture must mirror too
    (mirror_symmetric, "R.|,R", False),
    (mirror_symmetric, "RU", True),  # no axis: the picture does not ask for a mirror
    (mirror_symmetric, "...", True),  # no picture at all
    (rotation_symmetric, "R*R", True),
    (rotation_symmetric, "RU.\n.*.\n.UR", True),
    (rotation_symmetric, "RU.\n.*.\n.RU", False),  # mirrored, not turned
    (rotation_symmetric, "R*U", False),
    (rotation_symmetric, "RU\nUU", True),  # no pivot: not asked
    (match_target, "Tt.Cc", True),
    (match_target, "Tt.pc", True),  # a pin is a drawn cell
    (match_target, "Tt.cC", False),
    (match_target, "Tt.CC", False),
    (match_target, "Tt.Ccc", False),  # a canvas of another size
    (match_target, "Tt", False),  # no canvas
    (match_target, "Cc", False),  # no target
    (match_target, "Tt.\n...\ntT.\n..C\n..C", False),  # two pieces overlaid are TT, not a column
    (match_target, "Tt.\n...\ntT.\n...\nCC.", True),
    (match_target, "Tt.\n...\ntTt\n...\nCC.", False),  # pieces of different sizes
    (match_target_mirrored, "Tt.cC", True),
    (match_target_mirrored, "Tt.Cc", False),
    (match_target_rotated, "Tt.C\n...c", True),  # a quarter turn clockwise stands the row on its end
    (match_target_rotated, "Tt.c\n...C", False),  # that is the anticlockwise turn
    (match_target_any, "Tt.c\n...C", True),
    (match_target_any, "TTt.CCc\ntTt.cCc", True),  # as it is
    (match_target_any, "TTt.CCc\ntTt.ccc", False),  # a cell missing
    (match_target_any, "TTt.cCc\ntTt.cCC", True),  # turned half a turn
    (match_target_any, "TTt.cCc\ntTt.CCc", True),  # upside down (turned and mirrored)
    (match_target_any, "TTt.CcC\ntTt.cCc", False),  # another shape
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), actions=CLICK_ACTIONS, legend=LEGEND)
    assert cond(game.parsed[0].start) is expected
