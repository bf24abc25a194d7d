"""The adapter that plays official ARC-AGI-3 (arcengine) games through arcgames' env API, eval and replay.

arcengine needs Python 3.12+ and the ``arc`` extra: on 3.11 this module skips here, and
tests/test_arc_on_312.py runs it in a 3.12 venv (so CI always runs it). Official game
files ship in no package, so the official-game test runs only when
$ARCGAMES_ARC_GAMES_DIR points at a folder laid out as the toolkit stores them
(<game>/<version>/metadata.json + .py). The mechanics are tested on tiny arcengine
games written for the tests: CORRIDOR below, and tests/arc_games/tc01 (sprites, two
levels, a click), which ``arcgames eval`` plays and ``replay --verify`` re-runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("arcengine", reason="arcengine is not installed (needs Python 3.12+: pip install 'arcgames[arc]')")
from gymnasium.utils.env_checker import check_env
from helpers import forge

from arcgames.actions import Action, ActionId, InvalidActionError
from arcgames.adapters.arc import ENGINE, OfficialArcEnv, OfficialEngine, find_games, get_official, run_agent
from arcgames.recording import read_recording
from arcgames.replay import verify

ARC_GAMES = Path(__file__).with_name("arc_games")  # tc01: the official-format test game
TESTS = Path(__file__).parent

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


# --- tc01 through eval and replay -----------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`arcgames ARGS` in a fresh process (this interpreter), with the tests folder importable for fake agents."""
    path = os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("ARCGAMES_PACKS", None)
    return subprocess.run([sys.executable, "-m", "arcgames.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)  # fmt: skip


@pytest.fixture
def tc01(tmp_path: Path) -> Path:
    """A private copy of the arc_games folder (some tests edit the game file)."""
    return Path(shutil.copytree(ARC_GAMES, tmp_path / "arc_games"))


def test_engine_is_deterministic_and_refuses_like_arcgames(tc01):
    line = [Action.click(12, 52), *[Action.RIGHT] * 5, Action.click(52, 4), *[Action.LEFT] * 6]
    frames = []
    for _ in range(2):
        engine = OfficialEngine(get_official("tc01", tc01))
        frames.append([engine.frame.tobytes()] + [(engine.step(a), engine.frame.tobytes())[1] for a in line])
    assert frames[0] == frames[1] and len(set(frames[0])) > 5  # same frames, and the actions changed them
    assert (engine.levels_completed, engine.num_levels, engine.game_state.value) == (2, 2, "WIN")
    with pytest.raises(InvalidActionError, match="won"):
        engine.step(Action.RIGHT)
    with pytest.raises(InvalidActionError, match="ACTION1 is not used"):
        OfficialEngine(get_official("tc01", tc01)).step(Action.UP)


def test_eval_records_official_games_and_replay_verifies_them(tc01, tmp_path):
    out = tmp_path / "out"
    done = cli("eval", "--pack", str(tc01), "--games", "tc01", "--agent", "fake_agents:Tc01Winner",
               "--out", str(out), "--json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert run["verified"] and run["end"] == "win" and run["levels_completed"] == run["num_levels"] == 2
    assert run["level_actions"] == [6, 7]
    recording = read_recording(out / "tc01-r000.jsonl")
    header = json.loads((out / "tc01-r000.jsonl").read_text().splitlines()[0])
    assert header["engine"] == ENGINE and header["game_id"] == "tc01-00000001"
    assert recording.header.game_version == get_official("tc01", tc01).version
    replayed = cli("replay", "--verify", "--pack", str(tc01), str(out / "tc01-r000.jsonl"), cwd=tmp_path)
    assert replayed.returncode == 0 and "OK" in replayed.stdout and "2 levels" in replayed.stdout, replayed.stdout

    explorer = cli("eval", "--pack", str(tc01), "--games", "tc01-00000001", "--agent", "explorer", "--out",
                   str(tmp_path / "explorer"), "--json", cwd=tmp_path)  # fmt: skip
    assert explorer.returncode == 0, explorer.stderr
    assert all(r["verified"] for r in json.loads(explorer.stdout)["runs"])


def test_forged_official_recordings_fail_replay(tc01, tmp_path):
    out = tmp_path / "out"
    cli("eval", "--pack", str(tc01), "--games", "tc01", "--agent", "fake_agents:Tc01Winner", "--out", str(out),
        cwd=tmp_path)  # fmt: skip
    path = out / "tc01-r000.jsonl"
    os.environ["ARCGAMES_PACKS"] = str(tc01)  # verify() in this process finds the game through the pack
    try:
        assert verify(path).ok
        lines = path.read_text().splitlines()
        assert '"action":"ACTION4"' in lines[2]  # step 2, the first move: RIGHT
        forge(path, [*lines[:2], lines[2].replace('"action":"ACTION4"', '"action":"ACTION3"'), *lines[3:]])
        result = verify(path)
        assert not result.ok and result.step == 2 and "frame after ACTION3 differs" in result.reason
    finally:
        del os.environ["ARCGAMES_PACKS"]


def test_replay_names_the_fix_when_the_game_is_missing_or_edited(tc01, tmp_path):
    out = tmp_path / "out"
    cli("eval", "--pack", str(tc01), "--games", "tc01", "--agent", "fake_agents:Tc01Winner", "--out", str(out),
        cwd=tmp_path)  # fmt: skip
    path = str(out / "tc01-r000.jsonl")
    missing = cli("replay", "--verify", path, cwd=tmp_path)
    assert missing.returncode == 1 and "--pack DIR" in missing.stdout and "Traceback" not in missing.stderr
    source = tc01 / "tc01" / "00000001" / "tc01.py"
    source.write_text(source.read_text() + "\n# edited\n")
    edited = cli("replay", "--verify", "--pack", str(tc01), path, cwd=tmp_path)
    assert edited.returncode == 1 and "replays only on the game file it was made with" in edited.stdout


def test_eval_refuses_official_games_it_cannot_budget(tc01, tmp_path):
    metadata = tc01 / "tc01" / "00000001" / "metadata.json"
    metadata.write_text(json.dumps({"game_id": "tc01-00000001"}))  # no baseline_actions
    done = cli("eval", "--pack", str(tc01), "--games", "tc01", "--agent", "random", "--out", str(tmp_path / "o"),
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2 and "baseline_actions must list 2 positive integers" in done.stderr
    unknown = cli("eval", "--pack", str(tc01), "--games", "zz99", "--agent", "random", "--out", str(tmp_path / "o"),
                  cwd=tmp_path)  # fmt: skip
    assert unknown.returncode == 2 and "zz99" in unknown.stderr and "Traceback" not in unknown.stderr
