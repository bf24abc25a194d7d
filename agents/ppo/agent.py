"""The PPO baseline as an arcgames agent: loads a checkpoint and plays on the CPU."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.agent import GameInfo

DEFAULT_CHECKPOINT = Path(__file__).parent / "checkpoint" / "checkpoint.pt"


class CheckpointError(ValueError):
    """A checkpoint that is missing or was made for another action encoding."""


class PPOAgent:
    name = "ppo"

    def __init__(self, checkpoint: str | Path = DEFAULT_CHECKPOINT, seed: int = 0, device: str = "cpu") -> None:
        try:
            import torch
        except ImportError:
            raise ImportError("the ppo agent needs torch: pip install 'arcgames[rl]'") from None
        from arcgames.agents.ppo.model import ENCODING_VERSION, Policy

        path = Path(checkpoint)
        if not path.is_file():
            raise CheckpointError(f"no PPO checkpoint at {path}; train one with `python -m arcgames.agents.ppo.train`")
        data = torch.load(path, map_location=device, weights_only=False)
        if data.get("encoding_version") != ENCODING_VERSION:
            raise CheckpointError(
                f"{path} was trained with action encoding {data.get('encoding_version')!r}, this arcgames uses "
                f"{ENCODING_VERSION}; retrain it with `python -m arcgames.agents.ppo.train`"
            )
        self.policy = Policy(data["hidden"]).to(device)
        self.policy.load_state_dict(data["model"])
        self.policy.eval()
        self.torch, self.device, self.seed = torch, device, seed
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
        torch = self.torch
        with torch.no_grad():
            frames = torch.from_numpy(np.ascontiguousarray(frame)).unsqueeze(0).to(self.device)
            type_logits, x_logits, y_logits, _ = self.policy(frames)
            type_logits = type_logits.masked_fill(~self.mask, -1e9)
            kind, x, y = (int(torch.multinomial(logits.softmax(-1), 1, generator=self.generator))
                          for logits in (type_logits, x_logits, y_logits))  # fmt: skip
        return Action.click(x, y) if kind == ActionId.ACTION6 else Action(ActionId(kind))
