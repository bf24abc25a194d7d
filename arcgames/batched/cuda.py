"""The batched engine on CUDA: one GPU thread per env, running the same kernels as the CPU loop.

What runs where: ``BatchedEngine(game, n, device="cuda")`` is a :class:`CudaBatchedEngine`. Its
step is one CUDA kernel launch; thread ``n`` runs the game's generated ``step_env`` for env ``n``
(:mod:`arcgames.kernels`: :func:`arcgames.batch.begin_step`, the game's ``advance``,
:func:`~arcgames.batch.end_step` and :func:`~arcgames.batch.draw_env`), the function the CPU
loop ``step_range`` runs for each of its envs. numba compiles those ``@njit`` kernels for the
GPU when the CUDA kernel calls them (its CUDA typing context turns a CPU dispatcher into a device
function), so no rule, no drawing and no step logic is written twice. The state (boards,
counters, undo ring, frames) lives in torch tensors on the GPU, and the kernels write them in
place through ``numba.cuda.as_cuda_array`` views: the public tensors are the engine's state,
with no copies. The legality check and ``reset`` are torch operations on the GPU; the
generator of sampled levels stays on the CPU (its levels cross once a step) so that a seed
samples the same levels on both devices. Kernels are launched on torch's current stream.

How it is tested without a GPU (``tests/test_cuda.py``):

- numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``, in a subprocess) runs this engine's
  kernels, launch geometry and torch plumbing over several games and must match the CPU
  engine bit for bit (state, counters, auto-reset outcomes and final states, frames), with
  clicks, undo and RESET. The simulator runs the kernel body as Python and the ``@njit``
  functions it calls as their CPU builds, so it checks this module, not NVVM's code.
- Every game's CUDA step and drawing kernels are compiled to PTX for compute capability 8.0
  (numba-cuda and libNVVM from the ``cuda`` extra, no GPU needed): proof that CUDA accepts
  every kernel.

Not measured yet: anything on a real GPU (steps/s, compile time, bit-exactness of the GPU
build). ``benchmarks/gpu.py`` is the prepared measurement. CUDA kernels are compiled in every
process (not cached on disk).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import torch
from numba import config as numba_config
from numba import cuda
from torch import Tensor

from arcgames import batch
from arcgames.actions import FRAME_SIZE, ActionId
from arcgames.batched.engine import BatchedEngine, FinalStates, StepOutcome, check_settings, check_tensor, raise_illegal
from arcgames.engine import compiled
from arcgames.game import Game
from arcgames.kernels import warm

THREADS_PER_BLOCK = 128  # envs per block: four warps, a common starting point, not tuned (nothing measured on a GPU)
SIMULATED = bool(numba_config.ENABLE_CUDASIM)  # numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1 before import)


def tensor_device(device: str | torch.device) -> torch.device:
    """Where the CUDA engine's tensors live: the GPU, or the CPU under numba's simulator. A RuntimeError
    names the fix when there is no GPU that both torch and numba can use."""
    if SIMULATED:
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise RuntimeError(
            f"device={str(device)!r} needs an NVIDIA GPU and a CUDA build of torch, but torch "
            f"{torch.__version__} sees no CUDA device; use device='cpu', or install a CUDA build of torch on a "
            "machine with a GPU"
        )
    if getattr(cuda, "implementation", "Built-in") != "NVIDIA":
        raise RuntimeError(
            f"device={str(device)!r} needs numba's CUDA target from the numba-cuda package (numba's own, deprecated "
            "one cannot compile the kernels): pip install 'arcgames[cuda]'"
        )
    if not cuda.is_available():
        raise RuntimeError(
            f"torch sees a GPU but numba cannot use it for device={str(device)!r}; install numba's CUDA target "
            "and the CUDA libraries it needs: pip install 'arcgames[cuda]'"
        )
    if torch.device(device).index not in (None, 0):
        raise ValueError(
            f"the CUDA engine runs on the first visible GPU (numba's default), not {device}; choose the GPU with "
            f"CUDA_VISIBLE_DEVICES and use device='cuda'"
        )
    return torch.device("cuda", 0)


def kernel_array(tensor: Tensor) -> Any:
    """What a kernel is handed for a tensor: a numba view of its GPU memory (no copy), or under the simulator
    the numpy view of the CPU tensor. ``sync=False``: the kernels run on torch's current stream (:func:`launch`),
    which orders them after the torch work that wrote the tensor; a sync would stall the host every step."""
    return tensor.numpy() if SIMULATED else cuda.as_cuda_array(tensor, sync=False)


def constant_array(array: np.ndarray) -> Any:
    """A read-only table the kernels read (start boards, layouts, colours), copied to the GPU once."""
    return array if SIMULATED else cuda.to_device(np.ascontiguousarray(array))


def _stream() -> Any:
    """torch's current stream, so that kernels run in order with the torch work around them."""
    return 0 if SIMULATED else cuda.external_stream(torch.cuda.current_stream(0).cuda_stream)


def _draw(state, config, view):
    n = cuda.grid(1)
    if n < view[1].shape[0]:
        batch.draw_env(n, state, config, view)


draw_kernel = cuda.jit(_draw)  # compiled on first launch, for the argument types it gets

_STEP_KERNELS: dict[Any, Any] = {}
_WARM: set[Any] = set()  # the kernels compiled in this process


def step_kernel(step_env: Callable) -> Any:
    """The CUDA kernel that runs a game's ``step_env`` (its generated module's) for env ``cuda.grid(1)``."""
    found = _STEP_KERNELS.get(step_env)
    if found is None:

        def step(state, config, inputs, outputs, view):
            n = cuda.grid(1)
            if n < state[0].shape[0]:
                step_env(n, state, config, inputs, outputs, view)

        found = _STEP_KERNELS[step_env] = cuda.jit(step)
    return found


def launch(kernel: Any, num_envs: int, *args: Any) -> None:
    """``kernel`` over ``num_envs`` threads, :data:`THREADS_PER_BLOCK` to a block."""
    threads = min(THREADS_PER_BLOCK, num_envs)
    kernel[(num_envs + threads - 1) // threads, threads, _stream()](*args)


class CudaBatchedEngine(BatchedEngine):
    """:class:`BatchedEngine` with its state on a GPU and its step as a CUDA kernel (the module docstring)."""

    DEVICE_TYPE = "cuda"

    def __init__(self, game: Game, num_envs: int, device: str | torch.device = "cuda", undo_depth: int = 32,
                 seed: int | None = None) -> None:  # fmt: skip
        self._tensor_device = tensor_device(device)  # before anything compiles: no GPU, no wait
        super().__init__(game, num_envs, device, undo_depth, seed)

    def _place(self) -> None:
        dev = self.device = self._tensor_device
        # Host arrays -> tensors on the device (public, and what reset() indexes) -> kernel views of them.
        self._tensors = tuple(torch.from_numpy(a).to(dev) for a in self._state)
        self._state = tuple(kernel_array(t) for t in self._tensors)
        self.vars, self.level, self.levels_completed, self.game_state = self._tensors[1:5]
        self.action_count, self.level_actions = self._tensors[5], self._tensors[6]
        starts, start_vars = self._config[0], self._config[1]
        self._starts, self._start_vars = torch.from_numpy(starts).to(dev), torch.from_numpy(start_vars).to(dev)
        self._config = tuple(constant_array(a) for a in self._config)
        self._output_tensors = tuple(torch.from_numpy(a).to(dev) for a in self._outputs)
        self._outputs = tuple(kernel_array(t) for t in self._output_tensors)
        self._legal_t = torch.from_numpy(self._legal).to(dev)
        # The step's inputs: fixed buffers that step() copies the actions into, so their kernel views are made once.
        actions = (torch.zeros(self.num_envs, dtype=torch.long, device=dev) for _ in range(3))
        rest = (torch.from_numpy(a).to(dev) for a in (self._reset_level, self._options, self._acts))
        self._inputs_t = (*actions, *rest)
        self._inputs = tuple(kernel_array(t) for t in self._inputs_t)
        self._last_options: tuple[int, ...] = ()
        look, frames, *drawn = self._view
        self._look = tuple(constant_array(a) for a in look)
        self._frames = torch.from_numpy(frames).to(dev)
        self._drawn_t = tuple(torch.from_numpy(a).to(dev) for a in drawn)
        self._view = (self._look, kernel_array(self._frames), *(kernel_array(t) for t in self._drawn_t))
        self._step_kernel = step_kernel(compiled(self.game).step_env)

    def _warm(self) -> None:
        """Compile the CUDA step and drawing now, with a progress line (numba compiles CUDA kernels in every
        process; the simulator compiles nothing)."""
        if SIMULATED:
            return
        args = (self._state, self._config, self._inputs, self._outputs, self._view)
        signature = tuple(numba.typeof(a) for a in args)  # the types a launch with these arrays looks up
        if self._step_kernel not in _WARM:
            warm(f"the CUDA step of game {self.game.id}", self._step_kernel,
                 lambda: self._step_kernel.compile(signature))  # fmt: skip
            _WARM.add(self._step_kernel)
        if draw_kernel not in _WARM:
            warm("the CUDA drawing", draw_kernel, self.frames)
            _WARM.add(draw_kernel)

    def reset(self, mask: Tensor | None = None, level: int | Tensor = 0) -> None:
        n, dev = self.num_envs, self.device
        if mask is None:
            envs = torch.arange(n, device=dev)
        else:
            check_tensor("mask", mask, torch.bool, n, dev)
            envs = mask.nonzero().squeeze(1)
        if isinstance(level, Tensor):
            check_tensor("level", level, torch.long, n, dev)
            bad = torch.zeros(n, dtype=torch.bool, device=dev)
            bad[envs] = (level[envs] < 0) | (level[envs] >= self.num_levels)
            if bad.any():
                raise ValueError(self.bad_levels_message(bad, level))
            levels = level[envs]
        elif isinstance(level, bool) or not isinstance(level, int) or not 0 <= level < self.num_levels:
            raise ValueError(self.level_message(level))
        else:
            levels = torch.full_like(envs, level)
        t = self._tensors
        t[2][envs] = levels
        for counter in t[3:7]:
            counter[envs] = 0
        t[0][envs] = self._starts[levels]
        t[1][envs] = self._start_vars[levels]
        t[10][envs] = 0
        self._frames_stale = True

    def step(self, action_type: Tensor, x: Tensor, y: Tensor, *, auto_reset: bool = False,
             reset_on_game_over: bool = True, reset_level: int | None = 0,
             max_actions: int | None = None) -> Tensor | StepOutcome:  # fmt: skip
        for name, value in (("action_type", action_type), ("x", x), ("y", y)):
            check_tensor(name, value, torch.long, self.num_envs, self.device)
        # As batch.first_illegal: an unknown action type, one this state does not allow, a click off the frame.
        kind = action_type.clamp(0, 7)
        off_frame = (action_type == ActionId.ACTION6) & ((x < 0) | (x >= FRAME_SIZE) | (y < 0) | (y >= FRAME_SIZE))
        if ((action_type != kind) | ~self._legal_t[self.game_state, kind] | off_frame).any():
            raise_illegal(self.game, self.game_state, action_type, x, y)
        kinds, xs, ys, reset_levels, options, _ = self._inputs_t
        for buffer, value in ((kinds, action_type), (xs, x), (ys, y)):
            buffer.copy_(value)
        if auto_reset:
            check_settings(reset_level, max_actions, self.num_levels)
            if reset_level is None:
                reset_levels.copy_(self.sample_levels())
            else:
                reset_levels.fill_(reset_level)
        wanted = (int(auto_reset), int(reset_on_game_over), -1 if max_actions is None else max_actions,
                  self.undo_depth if self._undo else 0)  # fmt: skip
        if wanted != self._last_options:  # a host-to-device copy only when the options change
            options.copy_(torch.tensor(wanted))
            self._last_options = wanted
        launch(self._step_kernel, self.num_envs, self._state, self._config, self._inputs, self._outputs, self._view)
        out = self._output_tensors
        completed = out[0].clone()  # fresh tensors: the buffers are reused
        if not auto_reset:
            return completed
        won, lost, truncated, reset = (o.clone() for o in out[1:5])
        final = None
        index = reset.nonzero().squeeze(1)
        if index.numel():
            counters = out[7][index]
            final = FinalStates(index, self._padded_t(out[5][index], counters[:, 0]), out[6][index],
                                *(counters[:, i].contiguous() for i in range(5)))  # fmt: skip
        return StepOutcome(completed, won, lost, truncated, reset, final)

    def frames(self) -> Tensor:
        if self._frames_stale:
            launch(draw_kernel, self.num_envs, self._state, self._config, self._view)
            self._frames_stale = False
        return self._frames

    def render(self, grid: Tensor, vars: Tensor, level: Tensor, levels_completed: Tensor, game_state: Tensor) -> Tensor:
        m = grid.shape[0]
        frames = torch.full((m, FRAME_SIZE, FRAME_SIZE), self.game.background, dtype=torch.uint8, device=self.device)
        drawn = tuple(torch.from_numpy(a).to(self.device) for a in self._drawn(m))
        view = (self._look, kernel_array(frames), *(kernel_array(t) for t in drawn))

        def column(values: Tensor, dtype: torch.dtype) -> Any:
            return kernel_array(values.to(self.device, dtype).contiguous())

        # A state tuple of the engine's types, so that the compiled drawing kernel is reused.
        packed = torch.from_numpy(self._packed(grid.cpu().numpy(), level.cpu().numpy()))
        state = (column(packed, torch.uint8), column(vars, torch.int32), column(level, torch.long),
                 column(levels_completed, torch.long), column(game_state, torch.long), *self._state[5:])  # fmt: skip
        if m:
            launch(draw_kernel, m, state, self._config, view)
        return frames

    @property
    def grid(self) -> Tensor:
        return self._padded_t(self._tensors[0], self._tensors[2])

    def board(self, env: int) -> Tensor:
        layout = self.game.parsed[int(self.level[env])].layout
        return self._tensors[0][env, : 2 * layout.height * layout.width].view(2, layout.height, layout.width)

    def _padded_t(self, packed: Tensor, levels: Tensor) -> Tensor:
        """:meth:`BatchedEngine._padded` for tensors on the device: a snapshot, made on the host (not a hot path:
        the final states of the envs an auto-reset step reset, and ``grid`` for inspection)."""
        return torch.from_numpy(self._padded(packed.cpu().numpy(), levels.cpu().numpy())).to(self.device)
