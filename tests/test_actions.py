"""Actions: the structured Action type, its text form, and the flat RL encoding."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from arcgames.actions import FRAME_SIZE, Action, ActionCodec, ActionId, InvalidActionError

SIMPLE_IDS = [a for a in ActionId if a != ActionId.ACTION6]
MOVES_AND_UNDO = (ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4, ActionId.ACTION7)
CLICK_GAME = (ActionId.ACTION5, ActionId.ACTION6)

# --- construction and validation -----------------------------------------------------


def test_action_accepts_ids_as_ints_and_stores_the_enum() -> None:
    action = Action(3)
    assert action.id is ActionId.ACTION3
    assert action == Action.LEFT
    assert (action.x, action.y) == (None, None)


def test_named_actions_and_aliases() -> None:
    assert [Action(ActionId(i)) for i in (1, 2, 3, 4)] == [Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT]
    assert Action(ActionId.ACTION5) == Action.INTERACT
    assert Action(ActionId.ACTION7) == Action.UNDO
    assert Action.RESET.id is ActionId.RESET


@pytest.mark.parametrize("bad", [8, -1, 6.5, "ACTION1", None])
def test_unknown_action_ids_are_rejected(bad) -> None:
    with pytest.raises(InvalidActionError, match=r"unknown action type .*allowed: RESET, ACTION1"):
        Action(bad)


@pytest.mark.parametrize(("x", "y"), [(0, 0), (63, 63), (0, 63), (17, 42)])
def test_click_inside_the_frame(x: int, y: int) -> None:
    action = Action.click(x, y)
    assert (action.id, action.x, action.y) == (ActionId.ACTION6, x, y)


@pytest.mark.parametrize(("x", "y", "name"), [(-1, 0, "x"), (64, 0, "x"), (0, -1, "y"), (0, 64, "y"), (1000, 5, "x")])
def test_click_outside_the_frame_is_rejected(x: int, y: int, name: str) -> None:
    with pytest.raises(InvalidActionError, match=rf"click {name}=-?\d+ is outside the frame; {name} must be in 0..63"):
        Action.click(x, y)


@pytest.mark.parametrize(("x", "y"), [(1.0, 2), (1, 2.5), ("1", 2), (True, 2), (1, None), (None, None)])
def test_click_needs_integer_coordinates(x, y) -> None:
    with pytest.raises(InvalidActionError, match=r"ACTION6 \(click\) needs integer [xy]"):
        Action.click(x, y)


def test_click_accepts_numpy_integers_and_stores_python_ints() -> None:
    action = Action.click(np.int64(5), np.uint8(7))
    assert (action.x, action.y) == (5, 7)
    assert type(action.x) is int and type(action.y) is int


def test_a_bare_action6_without_coordinates_is_rejected() -> None:
    with pytest.raises(InvalidActionError, match="needs integer x"):
        Action(ActionId.ACTION6)


@pytest.mark.parametrize("action_id", SIMPLE_IDS)
def test_coordinates_on_non_click_actions_are_rejected(action_id: ActionId) -> None:
    with pytest.raises(InvalidActionError, match=f"only ACTION6 takes coordinates; {action_id.name} got"):
        Action(action_id, 1, 2)
    with pytest.raises(InvalidActionError, match="only ACTION6 takes coordinates"):
        Action(action_id, y=0)


def test_actions_are_frozen_hashable_values() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Action.click(1, 2).x = 3  # type: ignore[misc]
    assert Action.click(1, 2) == Action.click(1, 2)
    assert Action.click(1, 2) != Action.click(2, 1)
    assert len({Action.click(1, 2), Action.click(1, 2), Action.UP, Action(ActionId.ACTION1)}) == 2


# --- text form -----------------------------------------------------------------------


def test_str() -> None:
    assert str(Action.RESET) == "RESET"
    assert str(Action.LEFT) == "ACTION3"
    assert str(Action.click(12, 40)) == "ACTION6(12,40)"


@pytest.mark.parametrize(
    "action",
    [Action(a) for a in SIMPLE_IDS] + [Action.click(0, 0), Action.click(63, 0), Action.click(12, 40)],
    ids=str,
)
def test_str_parse_round_trip(action: Action) -> None:
    assert Action.parse(str(action)) == action


@pytest.mark.parametrize(
    ("text", "expected"),
    [(" action3 ", Action.LEFT), ("reset", Action.RESET), ("ACTION6( 3, 4 )", Action.click(3, 4))],
)
def test_parse_is_lenient_about_case_and_spaces(text: str, expected: Action) -> None:
    assert Action.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("JUMP", r"unknown action 'JUMP'; allowed: RESET, ACTION1"),
        ("ACTION8", r"unknown action 'ACTION8'"),
        ("", r"unknown action ''"),
        ("ACTION6", r"cannot read click 'ACTION6'; write it as ACTION6\(x,y\)"),
        ("ACTION6(1)", r"cannot read click"),
        ("ACTION6(1,2,3)", r"cannot read click"),
        ("ACTION6(a,b)", r"cannot read click"),
        ("ACTION6(64,0)", r"x=64 is outside the frame"),
    ],
)
def test_parse_rejects_malformed_text(text: str, message: str) -> None:
    with pytest.raises(InvalidActionError, match=message):
        Action.parse(text)


# --- the flat encoding ---------------------------------------------------------------


def test_codec_without_clicks_lists_reset_then_the_game_actions() -> None:
    codec = ActionCodec(MOVES_AND_UNDO)
    assert codec.n == 6
    assert codec.available == (ActionId.RESET, *MOVES_AND_UNDO)
    assert [codec.decode(i) for i in range(codec.n)] == [Action.RESET, *(Action(a) for a in MOVES_AND_UNDO)]


def test_codec_with_clicks_puts_clicks_after_the_simple_actions_row_by_row() -> None:
    codec = ActionCodec(CLICK_GAME)
    assert codec.n == 2 + FRAME_SIZE * FRAME_SIZE
    assert codec.decode(0) == Action.RESET
    assert codec.decode(1) == Action.INTERACT
    assert codec.decode(2) == Action.click(0, 0)
    assert codec.decode(3) == Action.click(1, 0)
    assert codec.decode(2 + FRAME_SIZE) == Action.click(0, 1)
    assert codec.decode(codec.n - 1) == Action.click(63, 63)


@pytest.mark.parametrize("actions", [MOVES_AND_UNDO, CLICK_GAME, tuple(ActionId)], ids=["moves", "clicks", "all"])
def test_codec_round_trips_every_index(actions: tuple[ActionId, ...]) -> None:
    codec = ActionCodec(actions)
    decoded = [codec.decode(i) for i in range(codec.n)]
    assert len(set(decoded)) == codec.n, "two indices decode to the same action"
    assert [codec.encode(a) for a in decoded] == list(range(codec.n))
    assert {a.id for a in decoded} == set(codec.available)


def test_codec_round_trips_every_action_of_the_game() -> None:
    codec = ActionCodec(tuple(ActionId))
    actions = [Action(a) for a in SIMPLE_IDS] + [Action.click(x, y) for y in range(64) for x in range(64)]
    assert [codec.decode(codec.encode(a)) for a in actions] == actions


def test_reset_is_always_available() -> None:
    codec = ActionCodec((ActionId.ACTION5,))
    assert codec.available == (ActionId.RESET, ActionId.ACTION5)
    assert codec.encode(Action.RESET) == 0


def test_codec_accepts_numpy_indices() -> None:
    codec = ActionCodec(CLICK_GAME)
    assert codec.decode(np.int64(1)) == Action.INTERACT
    assert codec.decode(np.int32(2 + 64 + 5)) == Action.click(5, 1)


@pytest.mark.parametrize("index", [-1, 6, 10**9])
def test_decode_out_of_range(index: int) -> None:
    with pytest.raises(
        InvalidActionError, match=rf"action index {index} is out of range; this game's actions are 0..5"
    ):
        ActionCodec(MOVES_AND_UNDO).decode(index)


@pytest.mark.parametrize("index", [1.0, "1", True, None, np.float32(1)])
def test_decode_needs_an_integer(index) -> None:
    with pytest.raises(InvalidActionError, match="a flat action must be an integer"):
        ActionCodec(MOVES_AND_UNDO).decode(index)


@pytest.mark.parametrize("action", [Action.INTERACT, Action.click(3, 3)], ids=str)
def test_encode_rejects_actions_the_game_does_not_use(action: Action) -> None:
    codec = ActionCodec(MOVES_AND_UNDO)
    with pytest.raises(
        InvalidActionError,
        match=f"{action.id.name} is not used by this game; available actions: RESET, ACTION1, ACTION2, ACTION3, "
        "ACTION4, ACTION7",
    ):
        codec.encode(action)


def test_to_action_accepts_actions_ids_and_indices() -> None:
    codec = ActionCodec(CLICK_GAME)
    assert codec.to_action(Action.INTERACT) == Action.INTERACT
    assert codec.to_action(ActionId.ACTION5) == Action.INTERACT
    assert codec.to_action(1) == Action.INTERACT
    assert codec.to_action(np.int64(2)) == Action.click(0, 0)
    assert codec.to_action(Action.click(9, 9)) == Action.click(9, 9)


@pytest.mark.parametrize("bad", ["ACTION1", 1.0, True, None, [1]])
def test_to_action_rejects_other_types(bad) -> None:
    with pytest.raises(InvalidActionError, match=r"an action must be an arcgames.Action or a flat index 0..5"):
        ActionCodec(MOVES_AND_UNDO).to_action(bad)


@pytest.mark.parametrize("bad", [Action.INTERACT, ActionId.ACTION5])
def test_to_action_rejects_actions_the_game_does_not_use(bad) -> None:
    with pytest.raises(InvalidActionError, match="ACTION5 is not used by this game"):
        ActionCodec(MOVES_AND_UNDO).to_action(bad)


# --- the mask ------------------------------------------------------------------------


@pytest.mark.parametrize("actions", [MOVES_AND_UNDO, CLICK_GAME], ids=["moves", "clicks"])
def test_mask_allows_everything_while_playing_and_only_reset_after_game_over(actions) -> None:
    codec = ActionCodec(actions)
    playing = codec.mask()
    assert playing.shape == (codec.n,) and playing.dtype == np.int8
    assert playing.all()
    over = codec.mask(only_reset=True)
    assert over.shape == (codec.n,) and over.dtype == np.int8
    assert [codec.decode(i) for i in np.flatnonzero(over)] == [Action.RESET]
