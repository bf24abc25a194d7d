"""The shape primitives (arcgames.primitives.shapes) on tiny ASCII boards: pads that turn, mirror and
recolour the panel, and doors that open while it matches the goal shape."""

from __future__ import annotations

from helpers import MOVES, board_text, play, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.primitives import move_avatar
from arcgames.primitives.shapes import shape_doors, shape_pads
from arcgames.state import Act

LEGEND = {
    ",": ("panel_off", ""),
    "x": ("panel_a", ""),
    "y": ("panel_b", ""),
    ":": ("shape_off", ""),
    "m": ("shape_a", ""),
    "n": ("shape_b", ""),
    "t": ("pad_turn", ""),
    "v": ("pad_mirror", ""),
    "c": ("pad_recolour", ""),
    "T": ("pad_turn", "avatar"),
    "d": ("shape_door", ""),
    "e": ("shape_door_open", ""),
    "E": ("shape_door_open", "avatar"),
}


def engine_for(board: str, rules: tuple = (shape_pads, move_avatar, shape_doors)) -> Engine:
    """An engine on ``board``; the pad tests leave out shape_doors, whose level check wants a goal shape."""
    return Engine(tiny_game(board, rules=rules, legend=LEGEND, actions=(*MOVES, ActionId.ACTION5)))


PADS = (shape_pads, move_avatar)


def panel(engine: Engine) -> str:
    """The first three rows' first three cells: where these tests draw the panel."""
    return "/".join(row[:3] for row in board_text(engine).split("\n")[:3])


def test_shape_pads_turn_the_panel_a_quarter_clockwise_on_each_entry() -> None:
    engine = engine_for("x,,#\ny,,#\nxx,#\n@t.#", PADS)
    play(engine, Action.RIGHT)
    assert panel(engine) == "xyx/x,,/,,,"
    play(engine, Action.RIGHT, Action.LEFT)  # stepping off does nothing, stepping on again turns again
    assert panel(engine) == ",xx/,,y/,,x"


def test_shape_pads_act_on_entering_not_while_the_avatar_stands_there() -> None:
    engine = engine_for("x,,#\nx,,#\nxx,#\n#T.#", PADS)
    play(engine, Action.LEFT, Action.DOWN, Action.INTERACT)  # blocked moves and other actions on the pad
    assert panel(engine) == "x,,/x,,/xx,"


def test_shape_pads_mirror_and_recolour_the_panel() -> None:
    engine = engine_for("xy,#\nx,,#\nx,,#\n@vc#", PADS)
    play(engine, Action.RIGHT)
    assert panel(engine) == ",yx/,,x/,,x"
    play(engine, Action.RIGHT)
    assert panel(engine) == ",xy/,,y/,,y"


def test_shape_pads_do_not_turn_a_panel_that_is_not_square() -> None:
    engine = engine_for("x,,\ny,,\n@t.", PADS)
    play(engine, Action.RIGHT)
    assert board_text(engine) == "x,,\ny,,\n.T."


def test_shape_doors_open_while_the_panel_matches_and_close_when_it_stops_unless_occupied() -> None:
    engine = engine_for("x,#mm\nx,#::\n@t.d.")
    play(engine, Action.RIGHT)  # a quarter turn: the panel matches and the door opens
    assert board_text(engine) == "xx#mm\n,,#::\n.T.e."
    play(engine, Action.RIGHT, Action.LEFT)  # another turn: no match, the door closes
    assert board_text(engine) == ",x#mm\n,x#::\n.T.d."
    play(engine, Action.RIGHT, Action.LEFT, Action.RIGHT, Action.LEFT, Action.RIGHT, Action.LEFT)
    play(engine, Action.RIGHT, Action.RIGHT)  # matching again; the avatar waits in the open door
    assert board_text(engine) == "xx#mm\n,,#::\n.t.E."


def test_shape_doors_stay_shut_without_a_goal_shape_of_the_panel_size() -> None:
    # A game refuses such a level (shape_doors' level check); the rule still keeps the doors shut.
    engine = engine_for("x,#m\nx,#:\n@t.d", PADS)
    play(engine, Action.RIGHT)
    shape_doors(engine.state, Act(ActionId.ACTION1))
    assert board_text(engine) == "xx#m\n,,#:\n.T.d"
