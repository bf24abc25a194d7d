"""The scalar engine: counting, undo, RESET, levels, WIN / GAME_OVER, frames, determinism."""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import MOVES, ascii_map, board_text, frame_hash, play, tiny_game

from arcgames.actions import FRAME_SIZE, Action, ActionId, InvalidActionError
from arcgames.engine import Engine, GameEndedError, GameState, Outcome, advance
from arcgames.kinds import AVATAR, BLOCK, FLOOR, GOAL, LAVA, WALL
from arcgames.palette import colour_index
from arcgames.primitives import (
    caught,
    chase,
    collect_items,
    cover_goals,
    move_avatar,
    push_blocks,
    reach_goal,
    touch_lava,
    unlock_doors,
)
from arcgames.state import MOVES as MOVE_ACTS
from arcgames.state import Var

ROOM = "#@..#"


def room_engine() -> Engine:
    return Engine(tiny_game(ROOM, rules=(move_avatar,)))


def race_game():
    """Three levels; each is won by walking right onto the goal."""
    return tiny_game("@G", "@.G", "#@..G", rules=(move_avatar,), win=(reach_goal,))


def lava_game():
    return tiny_game("G.@L", "@G", rules=(move_avatar,), win=(reach_goal,), lose=(touch_lava,))


# --- counting ------------------------------------------------------------------------


def test_every_action_counts_reset_undo_and_bumps_included() -> None:
    engine = room_engine()
    assert (engine.action_count, engine.level_actions) == (0, 0)
    play(engine, Action.RIGHT, Action.UP, Action.UNDO, Action.RESET, Action.UNDO, Action.LEFT)
    assert (engine.action_count, engine.level_actions) == (6, 6)


def test_refused_actions_do_not_count() -> None:
    engine = room_engine()
    with pytest.raises(InvalidActionError):
        engine.step(Action.INTERACT)
    assert engine.action_count == 0


@pytest.mark.parametrize("action", [Action.INTERACT, Action.click(5, 5)], ids=str)
def test_actions_the_game_does_not_use_are_refused(action: Action) -> None:
    with pytest.raises(
        InvalidActionError, match=f"{action.id.name} is not used by this game; available actions: RESET"
    ):
        room_engine().step(action)


def test_reset_is_accepted_even_though_games_never_list_it() -> None:
    engine = room_engine()
    assert ActionId.RESET not in engine.game.actions
    assert engine.step(Action.RESET) is False


# --- undo ----------------------------------------------------------------------------


def test_undo_restores_the_previous_state_and_frame() -> None:
    engine = Engine(tiny_game("#@kD.#", rules=(unlock_doors, move_avatar, collect_items)))
    snapshots = []
    for _ in range(3):
        snapshots.append((engine.state.digest(), engine.frame.copy(), board_text(engine)))
        engine.step(Action.RIGHT)
    assert board_text(engine) == "#...@#"
    for digest, frame, board in reversed(snapshots):
        engine.step(Action.UNDO)
        assert (engine.state.digest(), board_text(engine)) == (digest, board)
        np.testing.assert_array_equal(engine.frame, frame)
    assert engine.state.vars[Var.KEYS] == 0  # counters are part of the state undo restores


def test_undo_at_the_start_is_a_counted_no_op() -> None:
    engine = room_engine()
    start, frame = engine.state.digest(), engine.frame.copy()
    assert engine.step(Action.UNDO) is False
    assert engine.state.digest() == start
    np.testing.assert_array_equal(engine.frame, frame)
    assert engine.action_count == 1


def test_undo_steps_back_over_a_bump_that_changed_nothing() -> None:
    engine = room_engine()
    play(engine, Action.RIGHT, Action.UP, Action.UNDO)  # UP bumps the wall
    assert board_text(engine) == "#.@.#"
    engine.step(Action.UNDO)
    assert board_text(engine) == ROOM


def test_undo_does_not_reach_back_past_a_reset() -> None:
    engine = room_engine()
    play(engine, Action.RIGHT, Action.RESET, Action.UNDO)
    assert board_text(engine) == ROOM


def test_undo_needs_the_game_to_use_it() -> None:
    engine = Engine(tiny_game("@.", rules=(move_avatar,), actions=MOVES))
    with pytest.raises(InvalidActionError, match="ACTION7 is not used by this game"):
        engine.step(Action.UNDO)


# --- RESET and reset() ---------------------------------------------------------------


def test_reset_action_restarts_the_level_and_keeps_progress_and_counts() -> None:
    engine = Engine(race_game())
    engine.step(Action.RIGHT)  # wins level 1
    play(engine, Action.RIGHT, Action.LEFT)
    assert board_text(engine) == "@.G"  # the avatar went back
    engine.step(Action.RIGHT)
    assert board_text(engine) == ".@G"
    assert engine.step(Action.RESET) is False
    assert board_text(engine) == "@.G"
    # The board as a fresh play of level 2 draws it; the strip still shows level 1 completed in this play.
    np.testing.assert_array_equal(engine.frame[4:], Engine(engine.game, level=1).frame[4:])
    assert (engine.level, engine.levels_completed, engine.action_count) == (1, 1, 5)
    assert engine.level_actions == 4, "actions spent on a level, RESET included, count toward it"


def test_reset_method_starts_a_new_play() -> None:
    engine = Engine(race_game())
    play(engine, Action.RIGHT, Action.RIGHT)
    engine.reset()
    assert (engine.level, engine.levels_completed, engine.action_count, engine.level_actions) == (0, 0, 0, 0)
    assert engine.game_state is GameState.NOT_FINISHED
    assert board_text(engine) == "@G"


def test_engine_can_start_at_any_level() -> None:
    engine = Engine(race_game(), level=2)
    assert (engine.level, board_text(engine)) == (2, "#@..G")
    engine.reset(1)
    assert (engine.level, board_text(engine)) == (1, "@.G")


@pytest.mark.parametrize("level", [-1, 3, 1.0, "1", None])
def test_bad_start_levels_are_rejected(level) -> None:
    with pytest.raises(ValueError, match=r"level must be an integer in 0..2"):
        Engine(race_game(), level=level)


def test_a_bool_is_not_a_level() -> None:
    """``True == 1``, but passing a flag as a level is a caller's mistake, as for seeds and actions."""
    with pytest.raises(ValueError, match=r"level must be an integer in 0..2"):
        Engine(race_game(), level=True)


# --- levels, WIN and GAME_OVER -------------------------------------------------------


def test_completing_a_level_moves_to_the_next() -> None:
    game = race_game()
    engine = Engine(game)
    assert engine.step(Action.RIGHT) is True
    assert (engine.level, engine.levels_completed, engine.game_state) == (1, 1, GameState.NOT_FINISHED)
    assert (engine.action_count, engine.level_actions) == (1, 0)
    assert board_text(engine) == "@.G"
    fresh = Engine(game, level=1).frame
    np.testing.assert_array_equal(engine.frame[4:], fresh[4:])
    assert (engine.frame[:4] != fresh[:4]).any(), "the strip shows one more level completed"


def test_undo_after_a_level_change_stays_on_the_new_level() -> None:
    engine = Engine(race_game())
    play(engine, Action.RIGHT, Action.UNDO)
    assert (engine.level, board_text(engine)) == (1, "@.G")


def test_winning_the_last_level_wins_the_game() -> None:
    engine = Engine(race_game())
    results = play(engine, Action.RIGHT, Action.RIGHT, Action.RIGHT, Action.RIGHT, Action.RIGHT, Action.RIGHT)
    assert results == [True, False, True, False, False, True]
    assert (engine.game_state, engine.levels_completed, engine.level) == (GameState.WIN, 3, 2)
    assert board_text(engine) == "#...+", "the final state is the winning board"
    x, y = engine.layout.pixel_of(0, 4)
    assert engine.frame[y, x] == engine.game.lut[AVATAR], "and the final frame shows it"


@pytest.mark.parametrize("action", [Action.RIGHT, Action.RESET, Action.UNDO], ids=str)
def test_stepping_after_win_raises(action: Action) -> None:
    engine = Engine(tiny_game("@G", rules=(move_avatar,), win=(reach_goal,)))
    engine.step(Action.RIGHT)
    with pytest.raises(GameEndedError, match=r"the game is won; call reset\(\) to play again"):
        engine.step(action)
    assert engine.action_count == 1
    engine.reset()
    assert engine.game_state is GameState.NOT_FINISHED


def test_game_over_then_only_reset() -> None:
    engine = Engine(lava_game())
    assert engine.step(Action.RIGHT) is False
    assert engine.game_state is GameState.GAME_OVER
    x, y = engine.layout.pixel_of(0, 3)
    assert engine.frame[y, x] == engine.game.lut[AVATAR], "the frame shows the avatar on the lava"
    for action in (Action.LEFT, Action.UNDO):
        with pytest.raises(GameEndedError, match=f"game over: {action} is not allowed; send RESET"):
            engine.step(action)
    assert engine.action_count == 1
    engine.step(Action.RESET)
    assert (engine.game_state, board_text(engine), engine.action_count) == (GameState.NOT_FINISHED, "G.@L", 2)
    play(engine, Action.LEFT, Action.LEFT)
    assert (engine.level, engine.levels_completed) == (1, 1)


def test_game_over_is_a_game_error_and_an_invalid_action() -> None:
    assert issubclass(GameEndedError, InvalidActionError)


def test_a_win_takes_precedence_over_a_loss() -> None:
    game = tiny_game("@GC", rules=(move_avatar,), win=(reach_goal,), lose=(caught,))
    state = game.parsed[0].start.copy()
    assert advance(game, state, MOVE_ACTS[ActionId.ACTION4]) is Outcome.WON
    assert caught(state), "the test needs a state that is both won and lost"


def test_advance_judges_continue_and_lost() -> None:
    game = lava_game()
    state = game.parsed[0].start.copy()
    assert advance(game, state, MOVE_ACTS[ActionId.ACTION3]) is Outcome.CONTINUE
    assert advance(game, state, MOVE_ACTS[ActionId.ACTION4]) is Outcome.CONTINUE  # back where it started
    assert advance(game, state, MOVE_ACTS[ActionId.ACTION4]) is Outcome.LOST


def test_rules_run_in_the_order_the_game_lists_them() -> None:
    push_first = Engine(tiny_game("@B.", rules=(push_blocks, move_avatar)))
    move_first = Engine(tiny_game("@B.", rules=(move_avatar, push_blocks)))
    push_first.step(Action.RIGHT)
    move_first.step(Action.RIGHT)
    assert board_text(push_first) == ".@B"
    assert board_text(move_first) == "@.B"  # blocked first, then the block is shoved away


def test_a_chaser_catching_the_avatar_ends_the_game() -> None:
    engine = Engine(tiny_game("@..C", rules=(move_avatar, chase), lose=(caught,)))
    engine.step(Action.LEFT)  # the avatar stays put, the chaser closes in
    assert engine.game_state is GameState.NOT_FINISHED
    engine.step(Action.LEFT)
    assert engine.game_state is GameState.GAME_OVER


def test_the_start_map_is_never_modified_by_play() -> None:
    game = race_game()
    start = game.parsed[1].start.digest()
    engine = Engine(game, level=1)
    play(engine, Action.RIGHT, Action.RESET, Action.RIGHT)
    assert game.parsed[1].start.digest() == start


# --- frames --------------------------------------------------------------------------


def cell_pixels(frame: np.ndarray, top: int, left: int, scale: int, row: int, col: int) -> np.ndarray:
    return frame[top + row * scale : top + (row + 1) * scale, left + col * scale : left + (col + 1) * scale]


def test_frame_draws_each_cell_as_a_scaled_square_of_its_colour() -> None:
    board = ascii_map(
        """
        #######
        #@.B.G#
        #######
        """
    )
    game = tiny_game(board, rules=(move_avatar,), background=1, colours={"wall": 9})
    frame = Engine(game).frame
    assert frame.shape == (FRAME_SIZE, FRAME_SIZE) and frame.dtype == np.uint8
    # 7 columns fit the 64 px board area at scale 64 // 7 = 9: a 63x27 board, centred in rows 4-63:
    # 16 rows above (from row 4), 17 below, 0 left, 1 right.
    scale, top, left = 9, 20, 0
    expected = {
        (0, 0): 9,  # wall, recoloured by the game
        (1, 1): colour_index("orange"),  # avatar, drawn over the floor
        (1, 2): colour_index("black"),  # floor
        (1, 3): colour_index("brown"),  # block
        (1, 5): colour_index("green"),  # goal
    }
    for (row, col), colour in expected.items():
        # Walls and floor fill their cells; the other kinds are tiles: a body and a 1 px floor-coloured edge.
        body = cell_pixels(frame, top, left, scale, row, col)[: scale - 1, : scale - 1]
        assert (body == colour).all(), (row, col)
    assert [game.lut[k] for k in (WALL, AVATAR, FLOOR, BLOCK, GOAL)] == list(expected.values())
    assert (frame[4:top] == 1).all() and (frame[top + 3 * scale :] == 1).all() and (frame[4:, 63] == 1).all()
    assert (frame[top : top + 3 * scale, : 7 * scale] != 1).all(), "no background inside the board"


def test_frame_is_the_board_upscaled_and_centred() -> None:
    game = tiny_game("@.L\n.#.", rules=(move_avatar,), background=4)
    engine = Engine(game)
    # 2x3 cells at scale 21: 42x63 pixels in the 60x64 board area: 9 rows of margin above (rows 4-12), 9 below,
    # 0 left and 1 right. The avatar and the lava are tiles: their last row and column show the floor.
    colours = game.lut[np.array([[AVATAR, FLOOR, LAVA], [FLOOR, WALL, FLOOR]])]
    board = np.kron(colours, np.ones((21, 21), dtype=np.uint8))
    for col in (0, 2):
        board[20, col * 21 : col * 21 + 21] = board[0:21, col * 21 + 20] = game.lut[FLOOR]
    expected = np.full((FRAME_SIZE, FRAME_SIZE), 4, dtype=np.uint8)
    expected[13:55, 0:63] = board
    np.testing.assert_array_equal(engine.frame[4:], expected[4:])


def test_frame_follows_the_state() -> None:
    game = tiny_game("@..\n...\n...", rules=(move_avatar,))
    engine = Engine(game)  # 3x3 cells at scale 20, centred: rows 4-63, columns 2-61
    assert engine.frame[10, 10] == game.lut[AVATAR] and engine.frame[10, 30] == game.lut[FLOOR]
    engine.step(Action.RIGHT)
    assert engine.frame[10, 10] == game.lut[FLOOR] and engine.frame[10, 30] == game.lut[AVATAR]


def test_clicks_hit_the_cell_under_the_pixel() -> None:
    layout = Engine(tiny_game("0000\n0000", rules=(), actions=(ActionId.ACTION6,))).layout
    # 2x4 cells at scale 16 (64 // 4): rows 18..49 hold the board (4 + (60 - 32) // 2 = 18).
    assert (layout.scale, layout.top, layout.left) == (16, 18, 0)
    assert layout.cell_at(0, 18) == (0, 0)
    assert layout.cell_at(15, 33) == (0, 0)
    assert layout.cell_at(16, 34) == (1, 1)
    assert layout.cell_at(63, 49) == (1, 3)
    assert layout.cell_at(0, 17) == (-1, -1)
    assert layout.cell_at(0, 50) == (-1, -1)
    assert layout.cell_at(5, 1) == (-1, -1), "the status strip is not the board"
    for row in range(2):
        for col in range(4):
            assert layout.cell_at(*layout.pixel_of(row, col)) == (row, col)


# --- determinism ---------------------------------------------------------------------


def test_same_actions_give_identical_frames_on_two_engines() -> None:
    game = tiny_game(
        """
        #########
        #@.B..C.#
        #.k.D.LG#
        #########
        """,
        rules=(push_blocks, unlock_doors, move_avatar, collect_items, chase),
        win=(cover_goals,),
        lose=(touch_lava, caught),
    )
    rng = np.random.default_rng(7)
    choices = [Action.RESET, *(Action(a) for a in game.actions)]
    actions = [choices[i] for i in rng.integers(len(choices), size=300)]
    runs = []
    for _ in range(2):
        engine, hashes = Engine(game), []
        for action in actions:
            if engine.game_state is GameState.GAME_OVER:
                action = Action.RESET
            engine.step(action)
            hashes.append((frame_hash(engine.frame), engine.state.digest(), engine.game_state))
        runs.append(hashes)
    assert runs[0] == runs[1]
    assert len({h for h, _, _ in runs[0]}) > 5, "the random play should visit several boards"


def test_a_first_run_compile_is_announced_and_a_cached_one_is_quiet(monkeypatch, capsys) -> None:
    from arcgames import kernels

    calls = []
    for is_cached in (False, True):
        monkeypatch.setattr(kernels, "cached", lambda dispatcher, is_cached=is_cached: is_cached)
        kernels.warm("the rules of game test", object(), lambda: calls.append(1))
        err = capsys.readouterr().err
        if is_cached:
            assert err == ""
        else:
            lines = err.splitlines()
            assert lines[0] == "arcgames: compiling the rules of game test (first run only; cached on disk)..."
            assert re.fullmatch(r"arcgames: compiled in \d+\.\d s", lines[1])
    assert len(calls) == 2  # the work runs either way


def test_engines_load_their_compiled_kernels_without_a_progress_line_once_cached(capsys) -> None:
    from arcgames.batched.engine import BatchedEngine

    game = tiny_game(ROOM, rules=(move_avatar,), win=(reach_goal,))
    Engine(game)
    BatchedEngine(game, 2)
    capsys.readouterr()
    Engine(game)
    BatchedEngine(game, 2)
    assert "compiling" not in capsys.readouterr().err
