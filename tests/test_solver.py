"""The breadth-first solver on tiny games with known shortest solutions, and the compiled search against the
plain Python one it must match (solution, states explored, branching, budget)."""

from __future__ import annotations

import pytest
from helpers import MOVES, play, tiny_game

import arcgames
from arcgames import solver
from arcgames.actions import Action, ActionId
from arcgames.engine import Engine, GameState
from arcgames.game import GameDefinitionError
from arcgames.primitives import (
    all_lights_on,
    collect_items,
    cover_goals,
    move_avatar,
    push_blocks,
    reach_goal,
    toggle_lights,
    touch_lava,
    unlock_doors,
)
from arcgames.solver import SolverLimitError, candidate_actions, solve, solve_compiled, solve_reference


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


# Small levels that exercise every path of the search: walls (successors equal to their parent), pushes, keys
# and doors, lava (losing successors, several of them equal), an unsolvable level (a door and no key); one
# composition, so the compiled search compiles once. Then clicks.
MOVE_LEVELS = (
    "#######\n#@....#\n#.B.B.#\n#..B..#\n#.B.BG#\n#######",
    "@.L..\n.L...\n...LG",
    "L@L\n.L.\n..G",
    "@.k#G\n.#.D.\n...#.",
    "@.#G\n..D.",
)


def move_game():
    return tiny_game(*MOVE_LEVELS, rules=(unlock_doors, push_blocks, move_avatar, collect_items),
                     win=(reach_goal,),
                     lose=(touch_lava,))  # fmt: skip


def lights_game():
    # Lights-out: every state has one successor per light, and many paths reach each state.
    return tiny_game("00#0\n0000\n1000", "0101\n1#00\n0010", rules=(toggle_lights,), win=(all_lights_on,),
                     actions=(ActionId.ACTION6,))  # fmt: skip


def same_search(fast, plain) -> bool:
    if fast is None or plain is None:
        return fast is plain
    return (fast.actions, fast.states_explored, fast.branching) == (plain.actions, plain.states_explored,
                                                                    plain.branching)  # fmt: skip


@pytest.mark.parametrize("make", [move_game, lights_game])
def test_compiled_search_matches_the_plain_search(make) -> None:
    game = make()
    for level in range(game.num_levels):
        fast = solve_compiled(game, level)
        assert same_search(fast, solve_reference(game, level)), f"level {level + 1}"
        assert same_search(solve(game, level), fast)
        if fast is not None:
            assert play(Engine(game, level), *fast.actions)[-1] is True


def test_crafted_levels_cover_wins_losses_and_unsolvable() -> None:
    game = move_game()
    assert [s and s.length for s in (solve(game, level) for level in range(game.num_levels))] == [7, 8, None, 6, None]
    assert [s and s.length for s in (solve(lights_game(), level) for level in range(2))] == [5, None]


def test_a_store_that_grows_many_times_finds_the_same_solution(monkeypatch: pytest.MonkeyPatch) -> None:
    game = move_game()
    expected = solve_compiled(game, 0)
    monkeypatch.setattr(solver._Store, "INITIAL", 1)  # start with one free slot: grow on nearly every state
    assert same_search(solve_compiled(game, 0), expected)
    assert expected.states_explored > 50  # the store doubled several times


def test_the_budget_stops_both_searches_at_the_same_state() -> None:
    game = move_game()
    needed = solve_compiled(game, 0).states_explored
    assert solve_compiled(game, 0, max_states=needed).states_explored == needed
    for search in (solve, solve_compiled, solve_reference):
        with pytest.raises(SolverLimitError, match=f"no solution within {needed - 1:,} states"):
            search(game, 0, max_states=needed - 1)


def test_solve_moves_from_the_plain_search_to_the_compiled_one_on_big_levels(monkeypatch) -> None:
    game = move_game()
    used = []
    monkeypatch.setattr(solver, "_search_ready", lambda game: False)  # as in a fresh cache
    monkeypatch.setattr(solver, "solve_compiled", lambda *args: used.append(args) or solve_compiled(*args))
    monkeypatch.setattr(solver, "PLAIN_STATES", 15)
    assert same_search(solver.solve(game, 0), solve_reference(game, 0))
    assert used == [(game, 0, solver.DEFAULT_MAX_STATES)]
    assert solver.solve(game, 1).length == 8 and len(used) == 1  # a small level (11 states) stays in Python


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "100", 1 << 40])
def test_a_bad_budget_is_refused(bad) -> None:
    game = move_game()
    for search in (solve, solve_compiled, solve_reference):
        with pytest.raises(ValueError, match="max_states must be a positive integer"):
            search(game, 0, max_states=bad)


@pytest.mark.parametrize("bad", [-1, 5, 1.0, False, None])
def test_a_bad_level_is_refused(bad) -> None:
    game = move_game()
    for search in (solve, solve_compiled, solve_reference):
        with pytest.raises(ValueError, match=r"level must be an integer in 0\.\.4"):
            search(game, bad)


def test_a_level_without_candidate_actions_is_unsolvable() -> None:
    game = tiny_game("@G", rules=(move_avatar,), win=(reach_goal,), actions=(ActionId.ACTION7,))
    assert candidate_actions(game, 0) == []
    assert solve_compiled(game, 0) is None and solve_reference(game, 0) is None


@pytest.mark.slow
@pytest.mark.parametrize("game_id", arcgames.list_games())
def test_compiled_search_matches_the_plain_search_on_every_level(game_id: str) -> None:
    # tests/test_games.py solves every level with solve() and checks the counts against games/solver_counts.json;
    # here the plain search checks the compiled one state for state on every level it can afford.
    game = arcgames.get_game(game_id)
    for level in range(game.num_levels):
        try:
            plain = solve_reference(game, level, max_states=20_000)
        except SolverLimitError:
            continue
        assert same_search(solve_compiled(game, level), plain), f"level {level + 1}"
