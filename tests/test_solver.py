"""The breadth-first solver on tiny games with known shortest solutions."""

from __future__ import annotations

import pytest
from helpers import MOVES, play, tiny_game

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine, GameState
from arcgames.game import GameDefinitionError
from arcgames.primitives import (
    all_lights_on,
    cover_goals,
    move_avatar,
    push_blocks,
    reach_goal,
    toggle_lights,
    unlock_doors,
)
from arcgames.solver import SolverLimitError, candidate_actions, solve


def test_shortest_path_around_a_wall() -> None:
    game = tiny_game("@#G\n...", rules=(move_avatar,), win=(reach_goal,))
    solution = solve(game, 0)
    assert solution.actions == (Action.DOWN, Action.RIGHT, Action.RIGHT, Action.UP)
    assert solution.length == 4


def test_push_puzzle_solution_wins_in_the_engine() -> None:
    game = tiny_game(
        """
        #####
        #@..#
        #.B.#
        #..G#
        #####
        """,
        rules=(push_blocks, move_avatar),
        win=(cover_goals,),
    )
    solution = solve(game, 0)
    engine = Engine(game)
    assert play(engine, *solution.actions)[-1] is True
    assert engine.game_state is GameState.WIN
    # Two pushes, each needs the avatar behind the block: 1 step to line up, push, 2 steps around, push.
    assert solution.length == 5


def test_unsolvable_level_returns_none() -> None:
    # A locked door and no key: the loader cannot tell, the solver proves it.
    game = tiny_game("@DG", rules=(unlock_doors, move_avatar), win=(reach_goal,))
    assert solve(game, 0) is None


def test_walled_off_goal_is_refused_when_the_game_loads() -> None:
    with pytest.raises(GameDefinitionError, match=r"level 1, row 1, column 3: this goal is walled off"):
        tiny_game("@#G", rules=(move_avatar,), win=(reach_goal,))


def test_state_budget() -> None:
    game = tiny_game("@.........\n.........G", rules=(move_avatar,), win=(reach_goal,))
    with pytest.raises(SolverLimitError, match="no solution within 5 states"):
        solve(game, 0, max_states=5)


def test_clicks_are_tried_only_on_clickable_cells() -> None:
    game = tiny_game("0.\n#0", rules=(toggle_lights,), win=(all_lights_on,), actions=(ActionId.ACTION6,))
    layout = game.parsed[0].layout
    clicks = candidate_actions(game, 0)
    assert clicks == [Action.click(*layout.pixel_of(0, 0)), Action.click(*layout.pixel_of(1, 1))]
    assert solve(game, 0).length == 2


def test_undo_and_reset_are_never_searched() -> None:
    game = tiny_game("@G", rules=(move_avatar,), actions=(*MOVES, ActionId.ACTION7))
    assert [a.id for a in candidate_actions(game, 0)] == list(MOVES)
