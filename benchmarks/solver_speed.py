"""The compiled solver against the plain Python breadth-first search, side by side in one run.

    python benchmarks/solver_speed.py                  # the suite's 8 levels with the most states, plus a big one
    python benchmarks/solver_speed.py --levels 20 --json > solver.json
    python benchmarks/solver_speed.py --all            # also check that both agree on every level of the suite

It first solves every level of the suite with the compiled search (arcgames.solver.solve_compiled)
to pick the levels that explore the most states, then times both searches on each of them, in
turn, in this process (compiles happen before the clocks start). Both must return the same
solution, states explored and branching; a disagreement fails the run. A synthetic push level
(three blocks in an open 8 x 9 room, no way to win: the whole state space, 200,000 states of it)
shows how both scale beyond today's levels.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import arcgames
from arcgames.actions import ActionId
from arcgames.game import Game
from arcgames.primitives import cover_goals, move_avatar, push_blocks
from arcgames.solver import Solution, SolverLimitError, solve_compiled, solve_reference

BIG_ROOM = """
##########
#@.......#
#..B.....#
#....B...#
#........#
#...B....#
#.......##
#......#G#
##########
"""
BIG_ROOM_STATES = 200_000
MOVES = (ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4)


def big_room() -> Game:
    # The goal's only neighbours are a wall and a corner no block can leave: the search sees every state it may.
    return Game(id="zb01", title="benchmark room", split="public", levels=[BIG_ROOM.strip("\n")],
                actions=MOVES, rules=(push_blocks, move_avatar), win=(cover_goals,))  # fmt: skip


def timed(search, game: Game, level: int, max_states: int) -> tuple[float, Solution | str | None]:
    start = time.perf_counter()
    try:
        result: Solution | str | None = search(game, level, max_states)
    except SolverLimitError:
        result = "over budget"
    return time.perf_counter() - start, result


def same(a: Solution | str | None, b: Solution | str | None) -> bool:
    if isinstance(a, Solution) and isinstance(b, Solution):
        return (a.actions, a.states_explored, a.branching) == (b.actions, b.states_explored, b.branching)
    return a == b


def compare(name: str, game: Game, level: int, max_states: int) -> dict:
    timed(solve_compiled, game, level, 1)  # compile (or load) the game's search before the clock starts
    fast_s, fast = timed(solve_compiled, game, level, max_states)
    plain_s, plain = timed(solve_reference, game, level, max_states)
    if not same(fast, plain):
        raise SystemExit(f"{name} level {level + 1}: the compiled search found {fast!r}, the plain one {plain!r}")
    return {
        "game": name, "level": level + 1,
        "actions": fast.length if isinstance(fast, Solution) else None,
        "states": fast.states_explored if isinstance(fast, Solution) else max_states,
        "plain_s": round(plain_s, 4), "compiled_s": round(fast_s, 4), "speedup": round(plain_s / fast_s, 1),
    }  # fmt: skip


def suite_levels(check_all: bool) -> list[tuple[int, str, int]]:
    """(states explored, game id, level) for every level, by the compiled search; with ``check_all``, the plain
    search checks each one."""
    found = []
    for game_id in arcgames.list_games():
        game = arcgames.get_game(game_id)
        for level in range(game.num_levels):
            solution = solve_compiled(game, level)
            if check_all and not same(solution, solve_reference(game, level)):
                raise SystemExit(f"{game_id} level {level + 1}: the two searches disagree")
            found.append((solution.states_explored if solution else 0, game_id, level))
        print(f"solved {game_id}", file=sys.stderr, flush=True)
    return sorted(found, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", type=int, default=8, help="how many of the suite's biggest levels (default 8)")
    parser.add_argument("--all", action="store_true", help="check both searches agree on every level of the suite")
    parser.add_argument("--no-big", action="store_true", help="skip the synthetic 200,000-state level")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a markdown table")
    args = parser.parse_args(argv)
    picked = suite_levels(args.all)[: args.levels]
    rows = [compare(game_id, arcgames.get_game(game_id), level, 500_000) for _, game_id, level in picked]
    if not args.no_big:
        rows.append(compare("big room (synthetic)", big_room(), 0, BIG_ROOM_STATES))
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print("| game | level | solver actions | states | plain Python (s) | compiled (s) | speedup |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['game']} | {r['level']} | {r['actions'] or '-'} | {r['states']:,} | {r['plain_s']:.3f} | "
              f"{r['compiled_s']:.3f} | {r['speedup']}x |")  # fmt: skip
    total_plain = sum(r["plain_s"] for r in rows)
    total_fast = sum(r["compiled_s"] for r in rows)
    print(f"\ntotal: plain {total_plain:.2f} s, compiled {total_fast:.2f} s ({total_plain / total_fast:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
