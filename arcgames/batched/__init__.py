"""The batched engine: N copies of one game stepped at once, as torch tensors, for RL.

It runs the same rule kernels as the scalar engine (:mod:`arcgames.kernels`) over all
envs (:mod:`arcgames.batch`, torch-free); this package exposes that state to torch
without copies. Needs torch (``pip install 'arcgames[rl]'``); ``import arcgames`` never
imports it. Reading order: ``engine`` (:class:`BatchedEngine`), ``vector_env``
(:class:`BatchedVectorEnv`, a ``gymnasium.vector.VectorEnv``), ``bench`` (steps/s next
to the scalar engine; ``benchmarks/batched_step_rate.py``).

    from arcgames.batched import BatchedVectorEnv
    envs = BatchedVectorEnv("ujzd", 1024)           # observations (1024, 64, 64) uint8
    obs, info = envs.reset(seed=0)
    obs, reward, terminated, truncated, info = envs.step(envs.action_space.sample())
"""

try:
    import torch  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised only where torch is absent
    raise ImportError(
        "arcgames.batched needs torch; install it with: pip install 'arcgames[rl]' "
        "(install torch first from the index for your hardware, CPU or CUDA)"
    ) from err

from arcgames.batched.engine import GAME_OVER, NOT_FINISHED, WIN, BatchedEngine, FinalStates, StepOutcome
from arcgames.batched.vector_env import BatchedVectorEnv, make_vec

__all__ = [
    "GAME_OVER",
    "NOT_FINISHED",
    "WIN",
    "BatchedEngine",
    "BatchedVectorEnv",
    "FinalStates",
    "StepOutcome",
    "make_vec",
]
