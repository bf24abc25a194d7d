"""The ice primitive (arcgames.primitives.ice) on tiny ASCII boards: an avatar slides over ice until
something stops it or the ice ends."""

from __future__ import annotations

from helpers import MOVES, board_text, play, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.primitives import move_avatar
from arcgames.primitives.bodies import switch_body
from arcgames.primitives.ice import slide_on_ice

LEGEND = {"i": ("ice", ""), "I": ("ice", "avatar"), "b": ("floor", "body"), "j": ("ice", "body")}


def engine_for(board: str) -> Engine:
    game = tiny_game(board, rules=(switch_body, move_avatar, slide_on_ice), legend=LEGEND,
                     actions=(*MOVES, ActionId.ACTION5))  # fmt: skip
    return Engine(game)


def test_slide_on_ice_carries_the_avatar_to_the_wall() -> None:
    engine = engine_for("#@iii#")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "#.iiI#"


def test_slide_on_ice_stops_where_the_ice_ends_and_against_an_object() -> None:
    engine = engine_for("@ii..")
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".ii@."  # off the ice onto floor: it stops there
    engine = engine_for("Iiibj")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "iiIbj"
    play(engine, Action.INTERACT, Action.LEFT)  # a waiting body does not slide; the active one on floor stops
    assert board_text(engine) == "iij@j"


def test_slide_on_ice_turns_with_a_new_move_and_ignores_other_actions() -> None:
    engine = engine_for("#####\n#Iii#\n#iii#\n#iii#\n#####")
    play(engine, Action.INTERACT)
    assert board_text(engine) == "#####\n#Iii#\n#iii#\n#iii#\n#####"
    play(engine, Action.RIGHT, Action.DOWN, Action.LEFT)
    assert board_text(engine) == "#####\n#iii#\n#iii#\n#Iii#\n#####"
