"""The adapter that plays official ARC-AGI-3 (arcengine) games through arcgames' env API.

arcengine needs Python 3.12+ and the ``arc`` extra; official game files ship in no
package, so the official-game test runs only when $ARCGAMES_ARC_GAMES_DIR points at a
folder laid out as the toolkit stores them (<game>/<version>/metadata.json + .py).
The mechanics are tested on a tiny arcengine game written here.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("arcengine", reason="arcengine is not installed (needs Python 3.12+: pip install 'arcgames[arc]')")
from gymnasium.utils.env_checker import check_env

from arcgames.actions import Action, ActionId
from arcgames.adapters.arc import OfficialArcEnv, find_games, run_agent

CORRIDOR = """
from arcengine import ARCBaseGame, Camera, GameAction, Level, Sprite


def corridor(goal):
    return Level(sprites=[Sprite([[9]], name="player", x=0, y=0)], data={"goal": goal})


class Tn01(ARCBaseGame):
    def __init__(self):
        camera = Camera(0, 0, 8, 8, background=0, letter_box=0)
        super().__init__(game_id="tn01", levels=[corridor(2), corridor(3)], camera=camera, available_actions=[3, 4])

    def step(self):
        dx = {GameAction.ACTION3: -1, GameAction.ACTION4: 1}.get(self.action.id, 0)
        player = self.current_level.get_sprites_by_name("player")[0]
        player.set_position(max(0, player.x + dx), player.y)
        if player.x >= self.current_level.get_data("goal"):
            self.next_level()
        self.complete_action()
"""


@pytest.fixture
def games_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "tn01" / "00000001"
    folder.mkdir(parents=True)
    (folder / "tn01.py").write_text(textwrap.dedent(CORRIDOR))
    (folder / "metadata.json").write_text(json.dumps({"game_id": "tn01-00000001", "baseline_actions": [2, 3]}))
    return tmp_path


def test_env_contract_and_levels(games_dir):
    env = OfficialArcEnv("tn01", games_dir)
    frame, info = env.reset()
    assert frame.shape == (64, 64) and frame.dtype == np.uint8
    assert info["available_actions"] == (ActionId.RESET, ActionId.ACTION3, ActionId.ACTION4)
    assert (info["num_levels"], info["levels_completed"], info["state"]) == (2, 0, "NOT_FINISHED")
    rewards = [env.step(Action.RIGHT)[1] for _ in range(2)]
    assert rewards == [0.0, 1.0] and env.step(Action.RIGHT)[4]["level_action_count"] == 1
    check_env(OfficialArcEnv("tn01-00000001", games_dir), skip_render_check=True)


def test_reset_restarts_the_level_never_the_game(games_dir):
    env = OfficialArcEnv("tn01", games_dir)
    env.reset()
    env.step(Action.RIGHT)
    env.step(Action.RIGHT)  # level 1 done
    for _ in range(3):  # arcengine alone would restart the whole game on the second RESET
        *_, info = env.step(Action.RESET)
    assert info["levels_completed"] == 1 and info["action_count"] == 5


def test_unknown_game_lists_what_exists(games_dir):
    with pytest.raises(LookupError, match="tn01-00000001"):
        OfficialArcEnv("zz99", games_dir)


def test_arcgames_agents_play_it(games_dir):
    result = run_agent("explorer", OfficialArcEnv("tn01", games_dir), max_actions=200)
    assert result["state"] == "WIN" and result["levels_completed"] == 2


@pytest.mark.skipif(not os.environ.get("ARCGAMES_ARC_GAMES_DIR"), reason="set ARCGAMES_ARC_GAMES_DIR to a folder of "
                    "official game files (<game>/<version>/metadata.json + .py); none ship in any package")  # fmt: skip
def test_official_games_run():
    folder = Path(os.environ["ARCGAMES_ARC_GAMES_DIR"])
    for game_id in find_games(folder):
        result = run_agent("explorer", OfficialArcEnv(game_id, folder), max_actions=200)
        assert result["action_count"] == 200 or result["state"] == "WIN"
