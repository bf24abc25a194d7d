"""Misbehaving agents for harness tests (importable by worker processes as ``fake_agents:Class``)."""

import os
import signal
from pathlib import Path

from arcgames.actions import Action


class RaisingAgent:
    name = "raiser"

    def reset(self, game):
        pass

    def act(self, frame, info):
        if info["action_count"] >= 2:
            raise RuntimeError("boom")
        return Action.ACTION4


class NoneAgent:
    name = "none"

    def reset(self, game):
        pass

    def act(self, frame, info):
        return None


class OffFrameClickAgent:
    name = "offframe"

    def reset(self, game):
        pass

    def act(self, frame, info):
        return Action.click(70, 3)


class UnusedActionAgent:
    name = "unused"

    def reset(self, game):
        pass

    def act(self, frame, info):
        return Action.click(3, 3)  # for games without clicks


class KillerAgent:
    """Kills its own worker process in run 1 while the marker file exists."""

    name = "killer"

    def __init__(self, seed: int = 0, marker: str = "") -> None:
        self.seed, self.marker = seed, marker

    def reset(self, game):
        pass

    def act(self, frame, info):
        if self.seed == 1 and info["action_count"] == 3 and Path(self.marker).exists():
            os.kill(os.getpid(), signal.SIGKILL)
        return Action.ACTION4 if info["action_count"] % 2 else Action.ACTION3
