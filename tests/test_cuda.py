"""The batched engine's CUDA path, without a GPU: numba's CUDA simulator and a PTX compile of every game.

What a GPU run adds (speed, and the GPU build's own bit-exactness) is ``benchmarks/gpu.py``'s job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types as pytypes
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from arcgames.batched.engine import BatchedEngine  # noqa: E402
from arcgames.registry import get_game, list_games  # noqa: E402

TESTS = Path(__file__).parent
REQUIRE_PTX = "ARCGAMES_REQUIRE_CUDA_PTX"  # CI sets it: a missing numba-cuda or libNVVM is then a failure
# Different mechanics: pushing with undo, clicks with undo, a chaser that can end the play, keys and doors.
SIMULATED_GAMES = ("ujzd", "0ce9", "pf91", "e8gx")


def test_cuda_without_a_gpu_names_the_fix() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(RuntimeError, match=r"device='cuda' needs an NVIDIA GPU.*use device='cpu'"):
        BatchedEngine(get_game("ujzd"), 2, device="cuda")


@pytest.mark.slow
def test_the_simulated_cuda_engine_equals_the_cpu_engine() -> None:
    """State, counters, outcomes, final states and frames bit for bit, over scripted and auto-reset plays."""
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    done = subprocess.run([sys.executable, str(TESTS / "cuda_sim.py"), *SIMULATED_GAMES], env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("equals the CPU engine") == len(SIMULATED_GAMES), done.stdout


# --- PTX --------------------------------------------------------------------------------


def _cuda_compiler():
    """numba.cuda, when it can compile to PTX here (numba-cuda and libNVVM: the `cuda` extra); else skip."""
    try:
        from numba import cuda

        if cuda.implementation != "NVIDIA":  # numba's own target fails to type some kernels; the engine refuses it
            raise ImportError(f"numba.cuda is numba's built-in target ({cuda.implementation}), not numba-cuda")
        cuda.compile_ptx(lambda a: None, "void(int64[:])", cc=(8, 0))
    # numba's NvvmSupportError is an ImportError; numba-cuda's library finder raises a RuntimeError.
    except (ImportError, RuntimeError) as err:
        if os.environ.get(REQUIRE_PTX) == "1":
            raise
        pytest.skip(f"compiling to PTX needs numba-cuda and libNVVM (pip install -e '.[cuda]'): {err}")
    return cuda


def device_type(value):
    """The numba type a kernel argument has on the GPU: tuples of C-contiguous, writable arrays."""
    import numba
    from numba import types

    if isinstance(value, tuple):
        return types.BaseTuple.from_types([device_type(v) for v in value])
    return types.Array(numba.from_dtype(value.dtype), value.ndim, "C")


def compile_ptx(monkeypatch: pytest.MonkeyPatch, kernel, args: tuple) -> str:
    """``kernel`` (a CUDA kernel of arcgames.batched.cuda) as PTX for compute capability 8.0, for arguments of the
    types the CUDA engine passes (``args``: the CPU engine's arrays of the same layout)."""
    cuda = _cuda_compiler()
    import numba.cuda.dispatcher

    # numba compiles the @njit kernels a CUDA kernel calls as device functions for "the current device"
    # (numba.cuda.dispatcher.compile_device asks the driver), even inside compile_ptx: give it one.
    device = pytypes.SimpleNamespace(compute_capability=(8, 0))
    monkeypatch.setattr(numba.cuda.dispatcher, "get_current_device", lambda: device)
    ptx, _ = cuda.compile_ptx(kernel.py_func, tuple(device_type(a) for a in args), cc=(8, 0))
    assert ".visible .entry" in ptx and ".target sm_80" in ptx
    return ptx


@pytest.mark.slow
@pytest.mark.parametrize("game_id", list_games())
def test_every_games_cuda_step_compiles_to_ptx(game_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """CUDA accepts every kernel a game's step calls: its rules, the step's halves and the drawing (no GPU needed)."""
    from arcgames.batched import cuda as engine_cuda
    from arcgames.engine import compiled

    game = get_game(game_id)
    monkeypatch.setattr(BatchedEngine, "_warm", lambda self: None)  # the CPU builds are not what this test compiles
    engine = BatchedEngine(game, 2)  # its arrays have the types the CUDA engine hands its kernels
    actions = tuple(np.zeros(2, dtype=np.int64) for _ in range(3))
    inputs = (*actions, engine._reset_level, engine._options, engine._acts)
    step = engine_cuda.step_kernel(compiled(game).step_env)
    compile_ptx(monkeypatch, step, (engine._state, engine._config, inputs, engine._outputs, engine._view))


@pytest.mark.slow
def test_the_cuda_drawing_kernel_compiles_to_ptx(monkeypatch: pytest.MonkeyPatch) -> None:
    """frames() after a reset: one kernel for every game (their arrays have the same types)."""
    from arcgames.batched import cuda as engine_cuda

    monkeypatch.setattr(BatchedEngine, "_warm", lambda self: None)
    engine = BatchedEngine(get_game("ujzd"), 2)
    compile_ptx(monkeypatch, engine_cuda.draw_kernel, (engine._state, engine._config, engine._view))


# --- the prepared GPU measurement ---------------------------------------------------------

GPU_SCRIPT = TESTS.parent / "benchmarks" / "gpu.py"


def test_the_gpu_script_without_a_gpu_says_so() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    done = subprocess.run([sys.executable, str(GPU_SCRIPT)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "needs an NVIDIA GPU" in done.stderr and "Traceback" not in done.stderr
    bad = subprocess.run([sys.executable, str(GPU_SCRIPT), "--games", "nope"], env=env, capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert bad.returncode == 2 and "nope" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_the_gpu_script_runs_under_the_simulator() -> None:
    """Both parts end to end at tiny sizes (it measures nothing here: no GPU), and --json is one JSON document."""
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    tiny = ["--games", "ujzd", "--envs", "4", "--seconds", "0.1", "--ppo-envs", "8", "--ppo-rollout", "2",
            "--ppo-steps", "16", "--json"]  # fmt: skip
    done = subprocess.run([sys.executable, str(GPU_SCRIPT), *tiny], env=env, capture_output=True, text=True,
                          timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert "simulator" in result["machine"]["gpu"] and "measure nothing" in result["batched"]["device"]
    (game,) = result["batched"]["games"]
    assert game["game_id"] == "ujzd" and game["batched"][0]["num_envs"] == 4 and game["batched"][0]["steps_per_s"] > 0
    assert result["ppo"]["env_steps"] == 16 and result["ppo"]["steps_per_s"] > 0
    assert result["ppo_target_steps_per_s"] == 500_000


def test_bench_device_errors_name_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    from arcgames.cli import main

    assert main(["bench", "--device", "cuda", "--games", "ujzd"]) == 2
    assert "add --batched" in capsys.readouterr().err
    assert main(["bench", "--batched", "--device", "mps", "--games", "ujzd"]) == 2
    assert "--device must be cpu or cuda" in capsys.readouterr().err
    if not torch.cuda.is_available():
        assert main(["bench", "--batched", "--device", "cuda", "--games", "ujzd"]) == 2
        assert "needs an NVIDIA GPU" in capsys.readouterr().err
