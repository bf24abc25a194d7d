"""The CUDA batched engine under numba's CUDA simulator against the CPU batched engine, bit for bit.

Run by tests/test_cuda.py in a subprocess: ``NUMBA_ENABLE_CUDASIM=1`` must be set before numba.cuda is
imported, so it cannot share a process with the other tests. Usage: ``python tests/cuda_sim.py GAME...``;
prints one line per game and exits 1 on the first difference (its message says where).
"""

from __future__ import annotations

import os
import sys

import torch
from test_batched import Script, to_tensors

from arcgames.actions import ActionCodec
from arcgames.batched.bench import _decoder
from arcgames.batched.cuda import CudaBatchedEngine
from arcgames.batched.engine import BatchedEngine, StepOutcome
from arcgames.engine import Engine
from arcgames.registry import get_game

STATE = ("grid", "vars", "level", "levels_completed", "game_state", "action_count", "level_actions")


def assert_same(cpu: BatchedEngine, sim: BatchedEngine, where: str) -> None:
    for name in STATE:
        assert torch.equal(getattr(cpu, name), getattr(sim, name)), f"{where}: {name} differs"
    assert torch.equal(cpu.frames(), sim.frames()), f"{where}: frames differ"


def assert_same_outcome(a: StepOutcome, b: StepOutcome, cpu: BatchedEngine, sim: BatchedEngine, where: str) -> None:
    for name in ("completed", "won", "lost", "truncated", "reset"):
        assert torch.equal(getattr(a, name), getattr(b, name)), f"{where}: outcome {name} differs"
    assert (a.final is None) == (b.final is None), f"{where}: one engine reset envs, the other did not"
    if a.final is not None:
        for name, x, y in zip(a.final._fields, a.final, b.final, strict=True):
            assert torch.equal(x, y), f"{where}: final {name} differs"
        drawn = [e.render(f.grid, f.vars, f.level, f.levels_completed, f.game_state)
                 for e, f in ((cpu, a.final), (sim, b.final))]  # fmt: skip
        assert torch.equal(*drawn), f"{where}: rendered final frames differ"


def scripted(game_id: str, num_envs: int, steps: int, seed: int) -> None:
    """Solver lines, random moves, clicks, RESET and undo (tests/test_batched.py's scripts), and reset(mask)."""
    game = get_game(game_id)
    starts = torch.tensor([i % game.num_levels for i in range(num_envs)])
    cpu, sim = BatchedEngine(game, num_envs, undo_depth=8), CudaBatchedEngine(game, num_envs, "cuda", undo_depth=8)
    scalars = [Engine(game, int(level)) for level in starts]
    scripts = [Script(game, seed * 1000 + i) for i in range(num_envs)]
    for engine in (cpu, sim):
        engine.reset(level=starts)
    assert_same(cpu, sim, f"{game_id} after reset")
    for t in range(steps):
        actions = [script.next(engine) for script, engine in zip(scripts, scalars, strict=True)]
        for action, engine in zip(actions, scalars, strict=True):
            engine.step(action)
        completed = [e.step(*to_tensors(actions)) for e in (cpu, sim)]
        assert torch.equal(*completed), f"{game_id} step {t}: completed differs"
        assert_same(cpu, sim, f"{game_id} step {t}")
        won = torch.tensor([e.game_state.name == "WIN" for e in scalars])
        if won.any():
            for i in won.nonzero().squeeze(1).tolist():
                scalars[i].reset(0)
            for engine in (cpu, sim):
                engine.reset(won, level=0)
            assert_same(cpu, sim, f"{game_id} step {t} after reset(mask)")


def auto_reset(game_id: str, num_envs: int, steps: int, seed: int) -> None:
    """Uniformly random flat actions with auto-reset: sampled start levels, max_actions, final states."""
    game = get_game(game_id)
    cpu, sim = BatchedEngine(game, num_envs, seed=seed), CudaBatchedEngine(game, num_envs, "cuda", seed=seed)
    codec = ActionCodec(game.actions)
    decode = _decoder(codec, torch.device("cpu"))
    generator = torch.Generator().manual_seed(seed)
    resets = 0
    for t in range(steps):
        actions = decode(torch.randint(codec.n, (num_envs,), generator=generator))
        kwargs = {"auto_reset": True, "reset_level": None if t % 2 else 0, "max_actions": 12}
        a, b = (e.step(*actions, **kwargs) for e in (cpu, sim))
        assert_same_outcome(a, b, cpu, sim, f"{game_id} auto-reset step {t}")
        assert_same(cpu, sim, f"{game_id} auto-reset step {t}")
        resets += int(a.reset.sum())
    assert resets > 0, f"{game_id}: no env was auto-reset; the check saw nothing"


def main(game_ids: list[str]) -> int:
    if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
        print("run with NUMBA_ENABLE_CUDASIM=1 (numba's CUDA simulator)", file=sys.stderr)
        return 2
    for index, game_id in enumerate(game_ids):
        scripted(game_id, num_envs=6, steps=60, seed=index)
        auto_reset(game_id, num_envs=6, steps=40, seed=index)
        print(f"{game_id}: the simulated CUDA engine equals the CPU engine", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except AssertionError as error:
        print(f"difference: {error}", file=sys.stderr)
        sys.exit(1)
