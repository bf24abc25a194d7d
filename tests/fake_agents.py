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


class RegistryLookupAgent:
    """The cheat of issue 12: look the game up in the installed registry and play the solver's answer."""

    name = "registry-lookup"

    def reset(self, game):
        from arcgames.registry import UnknownGameError, get_game
        from arcgames.solver import solve

        try:
            self.plan = list(solve(get_game(game.game_id), 0).actions)
        except UnknownGameError:
            raise RuntimeError(f"game id {game.game_id} is not in the registry") from None

    def act(self, frame, info):
        return self.plan.pop(0)


_MEMORY: list = []  # module state: survives from run to run only if runs share a process


class MemoryAgent:
    """Plays differently once it remembers an earlier run: a change across runs that is memory, not skill."""

    name = "memory"

    def __init__(self, seed: int = 0) -> None:
        pass

    def reset(self, game):
        self.remembers = bool(_MEMORY)
        _MEMORY.append(game.game_id)

    def act(self, frame, info):
        return Action.ACTION1 if self.remembers else Action.ACTION4


class PidAgent:
    """Writes its process id to a log file when it starts a play."""

    name = "pid"

    def __init__(self, log: str, seed: int = 0) -> None:
        self.log = Path(log)

    def reset(self, game):
        with self.log.open("a") as file:
            file.write(f"{os.getpid()}\n")

    def act(self, frame, info):
        return Action.ACTION4


class SlowAgent(PidAgent):
    """A PidAgent that takes its time: the evaluation is still running when the test kills it."""

    name = "slow"

    def act(self, frame, info):
        import time

        time.sleep(0.2)
        return Action.ACTION4 if info["action_count"] % 2 else Action.ACTION3


class SeededAgent:
    """Moves in a cycle that starts where its seed says: runs with other seeds play otherwise."""

    name = "seeded"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def reset(self, game):
        pass

    def act(self, frame, info):
        return (Action.ACTION1, Action.ACTION4, Action.ACTION2, Action.ACTION3)[(self.seed + info["action_count"]) % 4]


class Tc01Winner:
    """Plays the winning line of tests/arc_games' official-format game tc01: click the switch, walk to the goal."""

    name = "tc01-winner"
    LINE = (Action.click(12, 52), *[Action.RIGHT] * 5, Action.click(52, 4), *[Action.LEFT] * 6)

    def reset(self, game):
        self.moves = iter(self.LINE)

    def act(self, frame, info):
        return next(self.moves)
