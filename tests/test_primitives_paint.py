"""The paint primitives (arcgames.primitives.paint) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map;
conditions are listed in CONDITION_CASES, which the guards in test_primitives.py read.
"""

from __future__ import annotations

import pytest
from helpers import CLICK_ACTIONS, ascii_map, board_text, play, tiny_game

from arcgames.actions import Action
from arcgames.engine import Engine
from arcgames.primitives.paint import paint_walk, painter_home

LEGEND = {"r": ("pad_red", ""), "y": ("pad_yellow", ""), "b": ("pad_blue", ""), "w": ("pad_wash", ""),
          "R": ("paint_gate_red", ""), "O": ("paint_gate_orange", ""),
          "1": ("floor", "painter_red"), "3": ("floor", "painter_orange"), "7": ("floor", "painter_brown"),
          "!": ("pad_red", "painter_red"), "%": ("pad_yellow", "painter_orange"),
          "^": ("pad_wash", "avatar"), "&": ("pad_blue", "painter_brown"), "x": ("goal", "painter_red"),
          "Q": ("paint_gate_red", "painter_red")}  # fmt: skip


def engine_for(board: str) -> Engine:
    return Engine(tiny_game(ascii_map(board), rules=(paint_walk,), legend=LEGEND))


def test_paint_walk_moves_the_avatar_and_walls_block_it() -> None:
    engine = engine_for("#@.#")
    play(engine, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == "#.@#"
    play(engine, Action.LEFT, Action.LEFT, Action.LEFT)
    assert board_text(engine) == "#@.#"


def test_paint_walk_pads_mix_their_colour_into_the_avatar() -> None:
    engine = engine_for("@ry.")
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".!y."
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".r%."
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".ry3"


def test_paint_walk_all_three_primaries_make_mud_and_the_wash_cleans_it() -> None:
    engine = engine_for("@ryb.w")
    play(engine, Action.RIGHT, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == ".ry&.w"
    play(engine, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == ".ryb.^"


def test_paint_walk_a_gate_lets_through_only_its_own_colour() -> None:
    engine = engine_for("@R.")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "@R."
    engine = engine_for("@rR.")
    play(engine, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == ".rQ."
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".rR1"
    engine = engine_for("@ryR.")  # orange is not red
    play(engine, Action.RIGHT, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == ".r%R."


CONDITION_CASES = [
    (painter_home, "x.", True),
    (painter_home, "G1", False),
    (painter_home, "+.", True),  # the plain avatar counts too
    (painter_home, "G.", False),
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), actions=CLICK_ACTIONS, legend=LEGEND)  # no moves: maps without "@" load
    assert cond(game.parsed[0].start) is expected
