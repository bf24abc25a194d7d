"""The fuel primitives (arcgames.primitives.fuel) on tiny ASCII boards: a gauge that moves drain and
pads refill, and the lose condition of an empty gauge."""

from __future__ import annotations

import pytest
from helpers import MOVES, board_text, play, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine, GameState
from arcgames.primitives import move_avatar, reach_goal
from arcgames.primitives.fuel import burn_fuel, out_of_fuel, refuel

LEGEND = {"=": ("fuel", ""), "-": ("fuel_empty", ""), "r": ("refuel", ""), "R": ("refuel", "avatar")}


def engine_for(board: str, **kwargs) -> Engine:
    game = tiny_game(board, rules=(burn_fuel, move_avatar, refuel), legend=LEGEND, actions=(*MOVES, ActionId.ACTION5),
                     **kwargs)  # fmt: skip
    return Engine(game)


def test_burn_fuel_empties_the_last_full_cell_on_every_move_blocked_or_not() -> None:
    engine = engine_for("#===#\n#@..#\n#####")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "#==-#\n#.@.#\n#####"
    play(engine, Action.UP)  # into the wall: still a move, still a cell
    assert board_text(engine) == "#=--#\n#.@.#\n#####"


def test_burn_fuel_ignores_actions_that_are_not_moves_and_a_board_without_fuel() -> None:
    engine = engine_for("#=-#\n#@.#\n####")
    play(engine, Action.INTERACT)
    assert board_text(engine) == "#=-#\n#@.#\n####"
    engine = engine_for("#@.#")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "#.@#"


def test_refuel_fills_every_gauge_cell_once_and_the_pad_is_used_up() -> None:
    engine = engine_for("#=---#\n#@r..#\n######")
    play(engine, Action.RIGHT)  # the move burns the last cell, then the pad fills them all
    assert board_text(engine) == "#====#\n#.@..#\n######"
    play(engine, Action.RIGHT, Action.LEFT)  # the pad is floor now
    assert board_text(engine) == "#==--#\n#.@..#\n######"


def test_refuel_waits_for_an_avatar_on_the_pad() -> None:
    engine = engine_for("#=--#\n#@.r#\n#####")
    play(engine, Action.DOWN)
    assert board_text(engine) == "#---#\n#@.r#\n#####"


def test_an_empty_gauge_loses_but_reaching_the_goal_on_the_last_cell_wins() -> None:
    lost = engine_for("#=-#\n#@.#\n#.G#\n####", win=(reach_goal,), lose=(out_of_fuel,))
    play(lost, Action.RIGHT)
    assert lost.game_state == GameState.GAME_OVER
    won = engine_for("#=#\n#@#\n#G#\n###", win=(reach_goal,), lose=(out_of_fuel,))
    play(won, Action.DOWN)
    assert won.game_state == GameState.WIN


CONDITION_CASES = [
    (out_of_fuel, "--@", True),
    (out_of_fuel, "-@.", True),
    (out_of_fuel, "..@", False),  # a level without a gauge never runs out
    (out_of_fuel, "=-@", False),
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), legend=LEGEND, actions=(ActionId.ACTION5,))
    assert cond(game.parsed[0].start) is expected
