"""The agent primitives (arcgames.primitives.agents) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map;
conditions are listed in CONDITION_CASES, which the guards in test_primitives.py read.
"""

from __future__ import annotations

import pytest
from helpers import MOVES, ascii_map, board_text, play, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.kinds import KINDS
from arcgames.primitives import move_avatar
from arcgames.primitives.agents import (
    HIDDEN_PATROLS,
    PATROLS,
    all_on_goals,
    caught_by_patrol,
    fill_tally,
    flee,
    gems_in_order,
    gems_out_of_order,
    herded,
    mirror_move,
    patrol,
    reveal_fog,
    tally_exact,
    tally_overflow,
    twin_touches_lava,
)
from arcgames.state import Var

TICK = Action.INTERACT  # an action that moves nothing: agents still take their turn
LEGEND = {
    "^": ("floor", "patrol_up"),
    "v": ("floor", "patrol_down"),
    "<": ("floor", "patrol_left"),
    ">": ("floor", "patrol_right"),
    "~": ("fog_floor", ""),
    "=": ("fog_wall", ""),
    "%": ("fog_lava", ""),
    "g": ("fog_goal", ""),
    "A": ("fog_floor", "hidden_patrol_up"),
    "V": ("fog_floor", "hidden_patrol_down"),
    "[": ("fog_floor", "hidden_patrol_left"),
    "]": ("fog_floor", "hidden_patrol_right"),
    "s": ("floor", "sheep"),
    "p": ("pen", ""),
    "S": ("pen", "sheep"),
    "T": ("floor", "twin"),
    "Y": ("goal", "twin"),
    "x": ("lava", "twin"),
    "1": ("gem_1", ""),
    "2": ("gem_2", ""),
    "3": ("gem_3", ""),
    "|": ("tally", ""),
    "f": ("tally_full", ""),
}


def engine_for(board: str, rules, **kwargs) -> Engine:
    """An engine on a one-level board; boards without an avatar get only the do-nothing action."""
    actions = (*MOVES, ActionId.ACTION5) if "@" in board else (ActionId.ACTION5,)
    return Engine(tiny_game(board, rules=rules, actions=actions, legend=LEGEND, **kwargs))


def after(board: str, rules, *actions: Action) -> str:
    engine = engine_for(board, rules)
    play(engine, *actions)
    return board_text(engine)


# --- patrol --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (">..", ".>."),  # walks along its heading
        ("..<", ".<."),
        ("^\n.", ".\nv"),  # the board edge turns it back too
        (".>#", "<.#"),  # a wall turns it back and it steps the other way at once
        (".>@", "<.@"),  # so does the avatar
        (".>B", "<.B"),  # and any other object
        ("#>#", "#<#"),  # boxed in: it waits, facing the other way
        ("..\n^.\n..", "^.\n..\n.."),
        ("v.\n..\n..", "..\nv.\n.."),
    ],
)
def test_patrol_steps_and_turns_back(before: str, expected: str) -> None:
    assert after(before, (patrol,), TICK) == expected


def test_patrol_keeps_bouncing_between_walls() -> None:
    engine = engine_for("#>..#", (patrol,))
    seen = []
    for _ in range(6):
        engine.step(TICK)
        seen.append(board_text(engine))
    assert seen == ["#.>.#", "#..>#", "#.<.#", "#<..#", "#.>.#", "#..>#"]


def test_patrol_moves_each_patroller_once_and_a_line_as_one() -> None:
    assert after(">>..", (patrol,), TICK) == ".>>."
    assert after("..<<", (patrol,), TICK) == ".<<."
    assert after(".>>#", (patrol,), TICK) == "<<.#", "both are blocked: they turn back, the rear one first"


def test_patrol_head_on_the_first_in_reading_order_takes_the_cell() -> None:
    # The left one steps into the middle; the right one finds it taken, turns and is boxed in.
    assert after("#>.<#", (patrol,), TICK) == "#.>>#"


def test_patrol_moves_on_every_action_after_the_avatar() -> None:
    engine = engine_for("@#\n..\n>.", (move_avatar, patrol))
    engine.step(Action.RIGHT)  # the avatar bumps a wall; time passes anyway
    assert board_text(engine) == "@#\n..\n.>"


def test_patrol_hides_in_fog_and_shows_again_out_of_it() -> None:
    engine = engine_for(">~.", (patrol,))
    engine.step(TICK)
    assert board_text(engine) == ".].", "in fog it is drawn as fog"
    engine.step(TICK)
    assert board_text(engine) == ".~>"
    assert after("#~]#", (patrol,), TICK) == "#[~#", "turning back in fog keeps it hidden"


def test_patrol_headings_look_alike_and_hidden_ones_look_like_fog() -> None:
    game = tiny_game(".", rules=(patrol,), actions=(ActionId.ACTION5,), legend=LEGEND)
    assert len({int(game.lut[k]) for k in PATROLS}) == 1
    assert {int(game.lut[k]) for k in HIDDEN_PATROLS} == {int(game.lut[KINDS["fog_floor"].id])}


# --- flee ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("@.s..", "@..s."),  # two steps away: it steps directly away
        ("@s...", "@.s.."),  # one step away
        ("@..s.", "@..s."),  # three steps away: it does not notice
        ("@.s#", "@.s#"),  # cornered straight ahead: it stays (never sideways)
        ("@\n.\ns\n.", "@\n.\n.\ns"),  # straight down
        ("@..\n...\n.s.", "@..\n...\n.s."),  # three steps: nothing
        ("@..\n.s.\n...", "@..\n...\n.s."),  # a tie goes vertical first
        ("@..\n.s#\n.#.", "@..\n.s#\n.#."),  # both ways blocked: it stays
        ("@..\n.s.\n.#.", "@..\n..s\n.#."),  # the first way blocked: the other axis
        ("@ss..", "@.ss."),  # a line of sheep moves as one, the farthest first
        ("@.s.@", "@..s@"),  # two avatars as near: the first in reading order counts
    ],
)
def test_flee(before: str, expected: str) -> None:
    assert after(before, (flee,), TICK) == expected


def test_flee_after_the_avatar_moves_drives_a_sheep_ahead() -> None:
    engine = engine_for("@..s..", (move_avatar, flee))
    play(engine, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == "..@..s"
    engine.step(Action.RIGHT)  # the sheep is stuck at the edge
    assert board_text(engine) == "...@.s"
    play(engine, Action.RIGHT, Action.RIGHT)  # and blocks the avatar
    assert board_text(engine) == "....@s"


def test_flee_without_avatars_does_nothing() -> None:
    assert after("s.s", (flee,), TICK) == "s.s"


# --- mirror_move ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action.RIGHT, "......\n..@T..\n......"),
        (Action.LEFT, "......\n@....T\n......"),
        (Action.UP, ".@..T.\n......\n......"),
        (Action.DOWN, "......\n......\n.@..T."),
    ],
)
def test_mirror_move_copies_moves_with_left_and_right_swapped(action: Action, expected: str) -> None:
    assert after("......\n.@..T.\n......", (move_avatar, mirror_move), action) == expected


def test_mirror_move_walls_stop_each_piece_on_its_own() -> None:
    rules = (move_avatar, mirror_move)
    assert after("#@..T.", rules, Action.LEFT) == "#@...T"  # the avatar is stopped, the twin goes
    assert after("@...T#", rules, Action.LEFT) == "@...T#"  # both stopped
    assert after(".@.T#", rules, Action.LEFT) == "@..T#"  # the twin is stopped, the avatar goes


def test_mirror_move_the_avatar_moves_first_and_blocks_the_twin() -> None:
    assert after(".@.T.", (move_avatar, mirror_move), Action.RIGHT) == "..@T."


def test_mirror_move_ignores_actions_that_are_not_moves() -> None:
    assert after("@.T", (move_avatar, mirror_move), TICK) == "@.T"


def test_mirror_move_moves_a_line_of_twins_as_one() -> None:
    assert after("@...TT", (move_avatar, mirror_move), Action.RIGHT) == ".@.TT."


# --- reveal_fog ----------------------------------------------------------------------


def test_reveal_fog_lifts_the_fog_on_and_next_to_the_avatar_for_good() -> None:
    engine = engine_for(
        """
        ~~~~
        ~@%~
        ~=g~
        """,
        (move_avatar, reveal_fog),
    )
    engine.step(TICK)
    assert board_text(engine) == ascii_map(
        """
        ~.~~
        .@L~
        ~#g~
        """
    )  # diagonal cells stay fogged
    engine.step(Action.DOWN)  # into the wall that was fog
    assert board_text(engine) == ascii_map(
        """
        ~.~~
        .@L~
        ~#g~
        """
    )


def test_reveal_fog_fog_is_as_solid_as_what_it_hides() -> None:
    assert after("@=", (move_avatar, reveal_fog), Action.RIGHT) == "@#"
    assert after("@~", (move_avatar, reveal_fog), Action.RIGHT) == ".@"


def test_reveal_fog_lifts_under_the_avatar_and_stays_lifted() -> None:
    engine = engine_for("@~~~", (move_avatar, reveal_fog))
    play(engine, Action.RIGHT, Action.RIGHT, Action.LEFT, Action.LEFT)
    assert board_text(engine) == "@..."


def test_reveal_fog_shows_a_hidden_patroller() -> None:
    engine = engine_for("@~A", (reveal_fog,))
    engine.step(TICK)
    assert board_text(engine) == "@.A"
    engine = engine_for(".@A", (reveal_fog,))
    engine.step(TICK)
    assert board_text(engine) == ".@^"


def test_reveal_fog_undo_brings_the_fog_back() -> None:
    engine = Engine(tiny_game("@~~", rules=(move_avatar, reveal_fog), legend=LEGEND))
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@."
    engine.step(Action.UNDO)
    assert board_text(engine) == "@~~"


# --- fill_tally ----------------------------------------------------------------------


def test_fill_tally_fills_as_many_marks_as_the_gem_is_worth() -> None:
    engine = engine_for("@213.\n|||||", (move_avatar, fill_tally))
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@13.\nff|||"
    engine.step(Action.RIGHT)
    assert board_text(engine) == "..@3.\nfff||"
    assert (engine.state.vars[Var.TALLIED], engine.state.vars[Var.LAST_GEM]) == (3, 1)
    assert engine.state.vars[Var.OUT_OF_ORDER] == 1, "a one after a two is out of order"
    engine.step(Action.RIGHT)
    assert board_text(engine) == "...@.\nfffff"
    assert engine.state.vars[Var.TALLIED] == 6, "the count goes on past the last mark"


def test_fill_tally_in_ascending_order_is_in_order() -> None:
    engine = engine_for("@1123", (move_avatar, fill_tally))
    play(engine, *[Action.RIGHT] * 4)
    assert engine.state.vars[Var.OUT_OF_ORDER] == 0
    assert engine.state.vars[Var.TALLIED] == 7


def test_fill_tally_leaves_gems_no_avatar_stands_on() -> None:
    assert after("@.1|", (move_avatar, fill_tally), Action.RIGHT) == ".@1|"


# --- conditions ----------------------------------------------------------------------


CONDITION_CASES = [
    (caught_by_patrol, "@>", True),
    (caught_by_patrol, "@\nv", True),
    (caught_by_patrol, "@A", True),  # hidden guards catch too
    (caught_by_patrol, "@.<", False),
    (caught_by_patrol, "@.\n.^", False),  # diagonal is not caught
    (herded, "SS", True),
    (herded, "Sp@", True),  # spare pen cells are fine
    (herded, "Ss", False),
    (herded, "pp", False),  # no sheep is not a win
    (all_on_goals, "+Y", True),
    (all_on_goals, "+G", True),  # no twin: every avatar on a goal
    (all_on_goals, "+T", False),
    (all_on_goals, "@Y", False),
    (all_on_goals, "GG", False),  # nothing on the goals
    (twin_touches_lava, "x.", True),
    (twin_touches_lava, "TL", False),
    (twin_touches_lava, "l.", False),  # the avatar on lava is touch_lava's business
    (tally_exact, ("ff", {Var.TALLIED: 2}), True),
    (tally_exact, ("f|", {Var.TALLIED: 1}), False),
    (tally_exact, ("ff", {Var.TALLIED: 3}), False),  # overflowed
    (tally_exact, ("..", {}), False),  # no tally at all
    (tally_overflow, ("ff", {Var.TALLIED: 3}), True),
    (tally_overflow, ("ff", {Var.TALLIED: 2}), False),
    (tally_overflow, ("f|", {Var.TALLIED: 1}), False),
    (gems_out_of_order, ("..", {Var.OUT_OF_ORDER: 1}), True),
    (gems_out_of_order, ("..", {Var.LAST_GEM: 3}), False),
    (gems_in_order, ("..", {Var.LAST_GEM: 3}), True),
    (gems_in_order, ("..", {Var.OUT_OF_ORDER: 1}), False),
]


def _case_id(case) -> str:
    cond, board, expected = case
    return f"{cond.__name__}-{board!r}-{expected}"


@pytest.mark.parametrize(("cond", "board", "expected"), CONDITION_CASES, ids=map(_case_id, CONDITION_CASES))
def test_condition(cond, board, expected: bool) -> None:
    text, counters = (board, {}) if isinstance(board, str) else board
    legend = {**LEGEND, "l": ("lava", "avatar")}
    state = tiny_game(text, rules=(), actions=(ActionId.ACTION5,), legend=legend).parsed[0].start.copy()
    for var, value in counters.items():
        state.vars[var] = value
    assert cond(state) is expected


def test_tally_conditions_through_play() -> None:
    def outcome(board: str, *actions: Action) -> str:
        game = tiny_game(
            board,
            rules=(move_avatar, fill_tally),
            win=(tally_exact, gems_in_order),
            lose=(tally_overflow, gems_out_of_order),
            legend=LEGEND,
        )
        engine = Engine(game)
        return "won" if any(play(engine, *actions)) else engine.game_state.value

    assert outcome("@12.\n|||#", Action.RIGHT, Action.RIGHT) == "won"  # 1 + 2 fills three marks
    assert outcome("@22\n|||", Action.RIGHT, Action.RIGHT) == "GAME_OVER"  # 2 + 2 overflows
    assert outcome("@21\n|||", Action.RIGHT, Action.RIGHT) == "GAME_OVER"  # exact, but out of order
    assert outcome("@1.\n|||", Action.RIGHT, Action.RIGHT) == "NOT_FINISHED"
