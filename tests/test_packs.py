"""Game packs: games loaded from folders outside the package, with the same checks and errors."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import arcgames
from arcgames.checks import check_game
from arcgames.game import GameDefinitionError
from arcgames.registry import PACKS_ENV, use_pack

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
from arcgames.actions import ActionId
from arcgames.game import Game
from arcgames.primitives import move_avatar, reach_goal

GAME = Game(id="{gid}", title="walk", split="evaluation", levels=["#####\\n#@.G#\\n#####"] * 5,
            actions=(ActionId.ACTION3, ActionId.ACTION4), rules=(move_avatar,), win=(reach_goal,))
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_pack_games_join_the_registry_and_env(pack_dir: Path) -> None:
    write(pack_dir, "walk.py", GOOD.format(gid="pk01"))
    assert use_pack(pack_dir) == ["pk01"]
    assert "pk01" in arcgames.list_games("evaluation") and "pk01" not in arcgames.list_games("public")
    env = arcgames.make("pk01")
    env.reset()
    assert [env.step(arcgames.Action.RIGHT)[1] for _ in range(2)] == [0.0, 1.0]
    assert check_game("pk01").ok
    assert os.environ[PACKS_ENV].endswith(str(pack_dir.resolve()))  # so worker processes load it too


def test_packs_from_the_environment_variable(pack_dir: Path) -> None:
    write(pack_dir, "walk.py", GOOD.format(gid="pk02"))
    code = "import arcgames; print(arcgames.list_games('evaluation'))"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, PACKS_ENV: str(pack_dir)},
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "'pk02'" in out


def test_duplicate_ids_are_refused(pack_dir: Path) -> None:
    write(pack_dir, "a.py", GOOD.format(gid="pk03"))
    write(pack_dir, "b.py", GOOD.format(gid="pk03"))
    with pytest.raises(GameDefinitionError, match=r"b\.py: game id 'pk03' is already used by .*a\.py"):
        use_pack(pack_dir)


def test_pack_may_not_shadow_a_bundled_game(pack_dir: Path) -> None:
    write(pack_dir, "a.py", GOOD.format(gid="ujzd"))
    with pytest.raises(GameDefinitionError, match="'ujzd' is already used"):
        use_pack(pack_dir)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ('["#####\\n#@.Z#\\n#####"] * 5', r"level 1, row 2, column 4: unknown symbol 'Z'"),
        ('["#####\\n#@.G#\\n####"] * 5', r"level 1, row 3: has 4 columns but row 1 has 5"),
        ('["#####\\n#..G#\\n#####"] * 5', r"level 1: the game uses moves but the map has no avatar"),
        ('["#####\\n#@#G#\\n#####"] * 5', r"level 1, row 2, column 4: this goal is walled off"),
    ],
)
def test_malformed_maps_name_game_level_row_and_column(pack_dir: Path, levels: str, message: str) -> None:
    text = GOOD.format(gid="pk04").replace('["#####\\n#@.G#\\n#####"] * 5', levels)
    path = write(pack_dir, "bad.py", text)
    with pytest.raises(GameDefinitionError, match=re.escape(str(path)) + ": game pk04, " + message):
        use_pack(pack_dir)


def test_broken_pack_files(pack_dir: Path) -> None:
    write(pack_dir, "syntax.py", "GAME = (")
    with pytest.raises(GameDefinitionError, match=r"syntax\.py: failed to load: SyntaxError"):
        use_pack(pack_dir)
    (pack_dir / "syntax.py").unlink()
    write(pack_dir, "nogame.py", "X = 1")
    with pytest.raises(GameDefinitionError, match=r"nogame\.py must define GAME"):
        use_pack(pack_dir)
    with pytest.raises(GameDefinitionError, match="is not a folder"):
        use_pack(pack_dir / "missing")


def test_check_command_on_a_pack(pack_dir: Path) -> None:
    write(pack_dir, "walk.py", GOOD.format(gid="pk05"))
    write(pack_dir, "stuck.py", GOOD.format(gid="pk06").replace("(move_avatar,)", "()"))
    result = subprocess.run([sys.executable, "-m", "arcgames.cli", "check", "--pack", str(pack_dir), "--json"],
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    import json

    checks = {c["game_id"]: c for c in json.loads(result.stdout)}
    assert result.returncode == 1  # pk06 cannot be won
    assert checks["pk05"]["ok"] and checks["pk05"]["solver_counts"] == [2] * 5
    assert not checks["pk06"]["ok"] and "level 1 is unsolvable" in checks["pk06"]["problems"]


@pytest.mark.slow
def test_suite_report_audits_a_pack_and_names_the_levels_that_fall(pack_dir: Path, capsys) -> None:
    import json

    write(pack_dir, "walk.py", GOOD.format(gid="pk07"))

    def report(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "arcgames.cli", *argv, "--pack", str(pack_dir)],
                              capture_output=True, text=True, cwd=ROOT)  # fmt: skip

    stale = report("suite-report")
    assert stale.returncode == 2 and "run `arcgames solve --write-counts` (add --pack DIR" in stale.stderr
    assert report("solve", "--write-counts").returncode == 0
    # Two worker processes, and every level falls: two steps right, so repeating RIGHT wins.
    text = report("suite-report", "--plays", "2", "--workers", "2", "--strict", "--color", "never")
    assert text.returncode == 1, text.stderr
    assert "pk07: level 1 (uniform, repeat, frame-change, explorer); level 2" in " ".join(text.stdout.split())
    from arcgames.cli import main

    assert main(["suite-report", "--pack", str(pack_dir), "--plays", "2", "--workers", "1", "--json"]) == 0
    (game,) = json.loads(capsys.readouterr().out)["games"]
    assert game["game_id"] == "pk07" and all(lv["audit"]["repeat"]["beaten"]["5x"] == 0.5 for lv in game["levels"])


def test_an_audit_of_no_games_says_what_to_name() -> None:
    from arcgames.audit import audit_suite

    with pytest.raises(ValueError, match="no games to audit: name some with --games, or a pack folder with --pack"):
        audit_suite([])
