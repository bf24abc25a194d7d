"""The tile primitives (arcgames.primitives.tiles) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map;
conditions are listed in CONDITION_CASES, which the guards in test_primitives.py read.
"""

from __future__ import annotations

import pytest
from helpers import CLICK_ACTIONS, board_text, play, tiny_game

from arcgames.actions import Action
from arcgames.engine import Engine
from arcgames.primitives import move_avatar
from arcgames.primitives.tiles import bump_turn, edges_match

LEGEND = {"H": ("tile_hub", ""), "p": ("tile_pin", ""), "c": ("tile_corner", ""), "-": ("edge_blank", ""),
          "r": ("edge_red", ""), "y": ("edge_yellow", ""), "b": ("edge_blue", ""), "g": ("edge_green", "")}  # fmt: skip


def engine_for(board: str) -> Engine:
    return Engine(tiny_game(board, rules=(bump_turn, move_avatar), legend=LEGEND))


def test_bump_turn_walking_into_a_side_turns_the_tile_clockwise() -> None:
    engine = engine_for("@..\ncrc\ngHy\ncbc")
    play(engine, Action.RIGHT, Action.DOWN)
    assert board_text(engine) == ".@.\ncgc\nbHr\ncyc"
    play(engine, Action.DOWN, Action.DOWN, Action.DOWN)
    assert board_text(engine) == ".@.\ncrc\ngHy\ncbc"


def test_bump_turn_a_fixed_tile_and_a_corner_do_not_turn() -> None:
    board = "@..\ncrc\ngpy\ncbc"
    engine = engine_for(board)
    play(engine, Action.RIGHT, Action.DOWN)  # into a fixed tile's edge
    play(engine, Action.LEFT, Action.DOWN)  # into a turnable tile's corner
    assert board_text(engine) == "@..\ncrc\ngpy\ncbc"
    engine = engine_for("@..\ncrc\ngHy\ncbc")
    play(engine, Action.DOWN)
    assert board_text(engine) == "@..\ncrc\ngHy\ncbc"


CONDITION_CASES = [
    (edges_match, "crccrc\ngHyypb\ncbccgc", True),
    (edges_match, "crccrc\ngHyrpb\ncbccgc", False),  # yellow against red
    (edges_match, "crc\ngHy\ncbc\ncbc\n-p-\ncgc", True),  # one above the other
    (edges_match, "crc\ngHy\ncbc\ncrc\n-p-\ncgc", False),
    (edges_match, "crc.crc\ngHy.ypb\ncbc.cgc", False),  # edges that do not touch: nothing to match
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), actions=CLICK_ACTIONS, legend=LEGEND)  # no moves: maps without "@" load
    assert cond(game.parsed[0].start) is expected
