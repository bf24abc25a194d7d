"""Where a batched env-step's time goes, per game: bookkeeping, rules, drawing and Python, next to a scalar step.

    python benchmarks/batched_breakdown.py                 # every game, N=1024, one thread
    python benchmarks/batched_breakdown.py --games ujzd pft7 --json

Each part is timed on one thread over N envs under the same uniformly random actions as
``arcgames bench --batched`` (with auto-reset), as the best of a few rounds, in ns per env-step:

- **bookkeeping**: the step's halves (:func:`arcgames.batch.begin_step` / ``end_step``: counting,
  RESET, the undo ring, level loads) with no rules and no drawing;
- **rules**: the game's ``advance`` (its rule and condition kernels) on top of that;
- **drawing**: the frame update (:func:`arcgames.batch.draw_env`) on top of both, i.e. the whole
  compiled step (``step_range``);
- **python**: what :meth:`BatchedEngine.step` and ``frames()`` add around the compiled step.

The **scalar** column is one step of :class:`arcgames.engine.Engine` (µs), measured in the same
run. With T threads the batched engine's ratio to the scalar one is about
T x scalar / (batched total), so this table says which part to make faster: a 20x ratio on
2 threads needs a total of at most scalar / 10 per env-step.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

import numba
import numpy as np
import torch
from rich.console import Console
from rich.table import Table

from arcgames import batch
from arcgames.actions import ActionCodec
from arcgames.batched.bench import _decoder, measure_scalar
from arcgames.batched.engine import BatchedEngine
from arcgames.engine import compiled
from arcgames.registry import get_game, list_games

PARTS = ("bookkeeping", "rules", "drawing", "python")
_BATCHES = 16


@numba.njit(nogil=True, _nrt=False)
def _bookkeeping(lo, hi, state, config, inputs, outputs):
    for n in range(lo, hi):
        batch.end_step(n, 0 if batch.begin_step(n, state, config, inputs, outputs) else -1, state, config, inputs,
                       outputs)  # fmt: skip


@numba.njit(nogil=True, _nrt=False)
def _with_rules(advance, lo, hi, state, config, inputs, outputs):
    for n in range(lo, hi):
        outcome = -1
        if batch.begin_step(n, state, config, inputs, outputs):
            outcome = advance(batch.board_of(n, state, config), state[1][n], inputs[5][n], config[3])
        batch.end_step(n, outcome, state, config, inputs, outputs)


def _best(run: Callable[[int], None], steps: int, rounds: int) -> float:
    """Seconds per call of ``run(i)``: the best of ``rounds`` rounds of ``steps`` calls."""
    run(0)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(steps):
            run(i)
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def _step_range(engine: BatchedEngine, inputs: tuple) -> None:
    """The whole compiled step of every env on the calling thread (a control array of its row only)."""
    ctl = np.zeros((1, engine._loop.ctl.shape[1]), dtype=np.int64)
    engine._step_range(ctl, 0, 0, engine.num_envs, engine._state, engine._config, inputs, engine._outputs, engine._view)


def breakdown(game_id: str, num_envs: int = 1024, steps: int = 40, rounds: int = 5) -> dict:
    """The parts of one batched env-step of ``game_id`` (ns per env, one thread) and a scalar step (µs)."""
    game = get_game(game_id)
    threads = batch.THREADS
    batch.THREADS = 1  # one thread: the parts add up, and the table reads the same on any machine
    try:
        engine = BatchedEngine(game, num_envs, seed=0)  # its step loop has the calling thread only
    finally:
        batch.THREADS = threads
    advance = compiled(game).advance
    codec = ActionCodec(game.actions)
    decode = _decoder(codec, torch.device("cpu"))
    generator = torch.Generator().manual_seed(0)
    batches = [decode(torch.randint(codec.n, (num_envs,), generator=generator)) for _ in range(_BATCHES)]
    engine._options[:] = (1, 1, -1, engine.undo_depth if engine._undo else 0)  # auto-reset, as the bench steps
    scratch = (engine._reset_level, engine._options, engine._acts)
    inputs = [(a.numpy(), x.numpy(), y.numpy(), *scratch) for a, x, y in batches]
    state, config, outputs = engine._state, engine._config, engine._outputs

    def step(i: int) -> None:
        engine.step(*batches[i % _BATCHES], auto_reset=True)
        engine.frames()

    runs = {
        "bookkeeping": lambda i: _bookkeeping(0, num_envs, state, config, inputs[i % _BATCHES], outputs),
        "rules": lambda i: _with_rules(advance, 0, num_envs, state, config, inputs[i % _BATCHES], outputs),
        "drawing": lambda i: _step_range(engine, inputs[i % _BATCHES]),
        "python": step,
    }
    totals = {part: _best(run, steps, rounds) / num_envs * 1e9 for part, run in runs.items()}
    # Each run includes the parts before it: a part is the difference (on a noisy machine a small one can
    # come out a little below zero; the parts always add up to the whole step).
    cumulative = [0.0, *(totals[part] for part in PARTS)]
    parts = {part: cumulative[i + 1] - cumulative[i] for i, part in enumerate(PARTS)}
    return {"game_id": game_id, "num_envs": num_envs, "ns_per_env_step": parts, "batched_ns": totals["python"],
            "scalar_us": 1e6 / measure_scalar(game_id, 1.0)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", nargs="+", metavar="ID", help="game ids to measure (default: all)")
    parser.add_argument("--envs", type=int, default=1024, help="envs per batch (default 1024)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    err = Console(stderr=True)
    if args.envs < 1:
        err.print(f"error: --envs must be positive, got {args.envs}", style="bold red", highlight=False)
        return 2
    ids = args.games or list_games()
    unknown = sorted(set(ids) - set(list_games()))
    if unknown:
        err.print(f"error: unknown game ids {unknown}; `arcgames list` shows them", style="bold red", highlight=False)
        return 2
    rows = []
    for game_id in ids:
        err.print(f"measuring {game_id}", style="dim", highlight=False)
        rows.append(breakdown(game_id, args.envs))
    if args.json:
        json.dump({"threads": 1, "games": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    table = Table(title=f"batched env-step, ns per env (one thread, N={args.envs}), next to a scalar step")
    for column in ("game", *PARTS, "batched total", "scalar step"):
        table.add_column(column, justify="left" if column == "game" else "right")
    for row in rows:
        parts = row["ns_per_env_step"]
        table.add_row(row["game_id"], *(f"{parts[p]:.0f}" for p in PARTS), f"{row['batched_ns']:.0f}",
                      f"{row['scalar_us']:.2f} µs")  # fmt: skip
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
