"""The PPO baseline as an arcgames agent: loads a checkpoint and plays on the CPU."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.agent import GameInfo

# Why the CPU index: the pinned wheel avoids CUDA only where a CPU wheel index is configured.
NEEDS_TORCH = (
    "the ppo agent needs torch: pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu "
    "(or the build for your GPU), then pip install 'arcgames[rl]'"
)
try:
    import torch
    from torch.torch_version import TorchVersion
except ImportError:
    raise ImportError(NEEDS_TORCH) from None

DEFAULT_CHECKPOINT = Path(__file__).parent / "checkpoint" / "checkpoint.pt"


class CheckpointError(ValueError):
    """A checkpoint that is missing, unsafe to load, or made for another action encoding."""


def load_checkpoint(path: Path, device: str) -> dict[str, Any]:
    """A checkpoint's tensors and plain metadata, unpickled with ``weights_only=True``.

    Why weights only: a full unpickle runs whatever code the file names, so a checkpoint
    from anywhere could take over the machine. Only tensors, containers and plain values
    load, plus the one class our own trainer used to write (``TorchVersion``, a ``str``
    subclass, in checkpoints saved before the trainer stored the version as a plain str).
    """
    try:
        with torch.serialization.safe_globals([TorchVersion]):
            data = torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as err:
        reason = next((line for line in str(err).splitlines() if "Unsupported global" in line), None)
        if reason is None:  # not a refusal of code: the file is no checkpoint at all
            raise CheckpointError(f"{path} is not a readable PPO checkpoint (not a torch file)") from None
        reason = reason.split("WeightsUnpickler error: ")[-1].split(". ")[0]
        raise CheckpointError(
            f"refused to load {path}: it holds more than weights ({reason}); only tensors and plain values load, "
            "so use a checkpoint written by `python -m arcgames.agents.ppo.train`"
        ) from None
    except (RuntimeError, EOFError, KeyError, OSError) as err:  # what torch raises on a truncated or foreign file
        raise CheckpointError(f"{path} is not a readable PPO checkpoint ({type(err).__name__}: {err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        raise CheckpointError(f"{path} is not a PPO checkpoint (no model weights in it)")
    return data


class PPOAgent:
    name = "ppo"

    def __init__(self, checkpoint: str | Path = DEFAULT_CHECKPOINT, seed: int = 0, device: str = "cpu") -> None:
        from arcgames.agents.ppo.model import ENCODING_VERSION, Policy

        path = Path(checkpoint)
        if not path.is_file():
            raise CheckpointError(f"no PPO checkpoint at {path}; train one with `python -m arcgames.agents.ppo.train`")
        data = load_checkpoint(path, device)
        if data.get("encoding_version") != ENCODING_VERSION:
            raise CheckpointError(
                f"{path} was trained with action encoding {data.get('encoding_version')!r}, this arcgames uses "
                f"{ENCODING_VERSION}; retrain it with `python -m arcgames.agents.ppo.train`"
            )
        if not isinstance(data.get("hidden"), int) or isinstance(data["hidden"], bool) or data["hidden"] < 1:
            raise CheckpointError(f"{path} has no valid hidden width ({data.get('hidden')!r})")
        self.policy = Policy(data["hidden"]).to(device)
        try:
            self.policy.load_state_dict(data["model"])
        except RuntimeError as err:  # missing or misshapen tensors
            raise CheckpointError(f"{path} does not fit the PPO policy: {err}") from None
        self.policy.eval()
        self.device, self.seed = device, seed
        self.checkpoint = path
        self.trained_on = data.get("games", [])
        self.generator = torch.Generator(device=device).manual_seed(seed)

    def config(self) -> dict[str, Any]:
        return {"agent": self.name, "checkpoint": self.checkpoint.name, "seed": self.seed, "games": self.trained_on}

    def reset(self, game: GameInfo) -> None:
        from arcgames.agents.ppo.model import type_mask_for

        self.mask = type_mask_for(game.available_actions, self.device).unsqueeze(0)
        self.generator.manual_seed(self.seed)

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action:
        if info["state"] == "GAME_OVER":
            return Action.RESET
        with torch.no_grad():
            frames = torch.from_numpy(np.ascontiguousarray(frame)).unsqueeze(0).to(self.device)
            type_logits, x_logits, y_logits, _ = self.policy(frames)
            type_logits = type_logits.masked_fill(~self.mask, -1e9)
            kind, x, y = (int(torch.multinomial(logits.softmax(-1), 1, generator=self.generator))
                          for logits in (type_logits, x_logits, y_logits))  # fmt: skip
        return Action.click(x, y) if kind == ActionId.ACTION6 else Action(ActionId(kind))
