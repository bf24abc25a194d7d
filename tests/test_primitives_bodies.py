"""The body primitives (arcgames.primitives.bodies) on tiny ASCII boards: passing control between bodies,
plates that hold gates open, and the win with every body home."""

from __future__ import annotations

import pytest
from helpers import MOVES, board_text, play, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.primitives import move_avatar, push_blocks
from arcgames.primitives.bodies import all_bodies_home, hold_plates, switch_body

LEGEND = {
    "b": ("floor", "body"),
    "h": ("goal", "body"),
    "p": ("plate", ""),
    "a": ("plate", "avatar"),
    "c": ("plate", "body"),
    "q": ("plate", "block"),
    "g": ("gate_open", "avatar"),
}


def engine_for(board: str) -> Engine:
    game = tiny_game(board, rules=(switch_body, push_blocks, move_avatar, hold_plates), legend=LEGEND,
                     actions=(*MOVES, ActionId.ACTION5))  # fmt: skip
    return Engine(game)


def test_switch_body_passes_control_to_the_next_body_in_reading_order_and_wraps() -> None:
    engine = engine_for("b.@\nb..")
    play(engine, Action.INTERACT)
    assert board_text(engine) == "b.b\n@.."
    play(engine, Action.INTERACT)  # wraps round to the first body of the board
    assert board_text(engine) == "@.b\nb.."
    play(engine, Action.RIGHT)  # only the active body moves
    assert board_text(engine) == ".@b\nb.."


def test_switch_body_does_nothing_without_a_waiting_body_or_on_other_actions() -> None:
    engine = engine_for("@..")
    play(engine, Action.INTERACT)
    assert board_text(engine) == "@.."
    engine = engine_for("@.b")
    play(engine, Action.DOWN)
    assert board_text(engine) == "@.b"


def test_a_waiting_body_blocks_the_active_one() -> None:
    engine = engine_for("@b.")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "@b."


def test_hold_plates_opens_every_gate_while_anything_stands_on_a_plate() -> None:
    engine = engine_for("@pX\n.BX\n.pX")
    play(engine, Action.RIGHT)  # the avatar holds one plate
    assert board_text(engine) == ".a_\n.B_\n.p_"
    play(engine, Action.DOWN)  # off the plate, pushing a block onto the other one: it holds the gates instead
    assert board_text(engine) == ".p_\n.@_\n.q_"


def test_hold_plates_closes_the_gates_when_the_plate_is_left_but_not_on_an_object() -> None:
    engine = engine_for("@pX.")
    play(engine, Action.RIGHT, Action.RIGHT)  # off the plate into the open gate: it stays open under the avatar
    assert board_text(engine) == ".pg."
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".pX@"


def test_hold_plates_counts_a_waiting_body_on_a_plate() -> None:
    engine = engine_for("c.@X")
    play(engine, Action.INTERACT)
    assert board_text(engine) == "a.b_"


CONDITION_CASES = [
    (all_bodies_home, "hG+", True),
    (all_bodies_home, "h.+", True),
    (all_bodies_home, "hb+", False),  # a waiting body off its goal
    (all_bodies_home, "h.@", False),  # the active one off its goal
    (all_bodies_home, "G..", False),  # no bodies at all is no win
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), legend=LEGEND, actions=(ActionId.ACTION5,))
    assert cond(game.parsed[0].start) is expected
