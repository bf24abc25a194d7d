"""The PPO policy: a CNN over one-hot 16-colour frames with a factorised action head.

The head first picks an action type (ACTION1..7; RESET is left to the harness), then,
only for ACTION6, a click column x and row y. Factorising keeps the head at 8 + 64 + 64
outputs instead of 4,103 flat ones, and lets one network play every game: each game's
available actions become a mask over the action types.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.distributions import Categorical

from arcgames.actions import FRAME_SIZE, ActionId
from arcgames.palette import NUM_COLOURS

NUM_TYPES = len(ActionId)  # RESET, ACTION1..7
CLICK = int(ActionId.ACTION6)
# Bump when the network's inputs, outputs or layers change: a checkpoint records it and
# loading one made for another version fails with a clear message.
ENCODING_VERSION = 2


def layer_init(layer: nn.Module, std: float = 2**0.5, bias: float = 0.0) -> nn.Module:
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias)
    return layer


PATCH = 4  # the first layer looks at 4x4 pixel patches: 64x64 -> 16x16


class PatchEmbedding(nn.Module):
    """A 4x4-stride-4 convolution over one-hot colours, without building the one-hot tensor.

    Each output is a sum over the 16 pixels of a patch of a learned vector per
    (pixel position, colour): exactly what the convolution computes on one-hot input,
    but as an EmbeddingBag lookup. Why: one_hot + float + conv on 64x64x16 floats was
    half of the training step's time on the CPU.
    """

    def __init__(self, out_channels: int) -> None:
        super().__init__()
        self.table = nn.EmbeddingBag(PATCH * PATCH * NUM_COLOURS, out_channels, mode="sum")
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.register_buffer("offsets", torch.arange(PATCH * PATCH) * NUM_COLOURS, persistent=False)
        nn.init.normal_(self.table.weight, std=(2 / (PATCH * PATCH)) ** 0.5)

    def forward(self, frames: Tensor) -> Tensor:
        n, side = frames.shape[0], FRAME_SIZE // PATCH
        patches = frames.view(n, side, PATCH, side, PATCH).permute(0, 1, 3, 2, 4).reshape(n * side * side, -1)
        embedded = self.table(patches.long() + self.offsets) + self.bias
        return embedded.view(n, side, side, -1).permute(0, 3, 1, 2)


class Policy(nn.Module):
    def __init__(self, hidden: int = 256) -> None:
        super().__init__()
        self.trunk = nn.Sequential(
            PatchEmbedding(32),  # 64 -> 16
            nn.ReLU(),
            layer_init(nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1)),  # 16 -> 8
            nn.ReLU(),
            layer_init(nn.Conv2d(64, 64, kernel_size=3, stride=2, padding=1)),  # 8 -> 4
            nn.ReLU(),
            nn.Flatten(),
            layer_init(nn.Linear(64 * 4 * 4, hidden)),
            nn.ReLU(),
        )
        self.action_type = layer_init(nn.Linear(hidden, NUM_TYPES), std=0.01)
        self.click_x = layer_init(nn.Linear(hidden, FRAME_SIZE), std=0.01)
        self.click_y = layer_init(nn.Linear(hidden, FRAME_SIZE), std=0.01)
        self.value = layer_init(nn.Linear(hidden, 1), std=1.0)

    def forward(self, frames: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """frames (N, 64, 64) uint8 -> type, x and y logits, and the value (N,)."""
        hidden = self.trunk(frames)
        return self.action_type(hidden), self.click_x(hidden), self.click_y(hidden), self.value(hidden).squeeze(-1)

    def act(
        self, frames: Tensor, type_mask: Tensor, action: tuple[Tensor, Tensor, Tensor] | None = None
    ) -> tuple[tuple[Tensor, Tensor, Tensor], Tensor, Tensor, Tensor]:
        """Sample (or score) actions: returns (type, x, y), log-prob, entropy and value.

        ``type_mask`` (N, 8) bool marks the action types each env may use.
        """
        type_logits, x_logits, y_logits, value = self(frames)
        type_dist = Categorical(logits=type_logits.masked_fill(~type_mask, -1e9))
        x_dist, y_dist = Categorical(logits=x_logits), Categorical(logits=y_logits)
        if action is None:
            action = (type_dist.sample(), x_dist.sample(), y_dist.sample())
        kind, x, y = action
        click = (kind == CLICK).float()
        log_prob = type_dist.log_prob(kind) + click * (x_dist.log_prob(x) + y_dist.log_prob(y))
        entropy = type_dist.entropy() + click * (x_dist.entropy() + y_dist.entropy())
        return action, log_prob, entropy, value


def type_mask_for(available: tuple[ActionId, ...], device: torch.device | str = "cpu") -> Tensor:
    """The action types a policy may pick in a game: its actions, never RESET."""
    mask = torch.zeros(NUM_TYPES, dtype=torch.bool, device=device)
    mask[[int(a) for a in available if a != ActionId.RESET]] = True
    return mask
