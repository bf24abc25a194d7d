"""docs/authoring.md's worked example, followed literally: it must load, check, solve and play."""

import re
import sys
from pathlib import Path

import pytest

from arcgames.actions import Action, ActionId
from arcgames.baselines import solver_counts, write_solver_counts
from arcgames.checks import check_game
from arcgames.engine import Engine, GameState
from arcgames.evaluate import evaluate
from arcgames.registry import get_game, use_pack

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"


def test_the_guides_example_game_works_as_a_pack(pack_dir: Path) -> None:
    example = re.search(r"```python\n(.*?)```", GUIDE.read_text(), re.S).group(1)
    (pack_dir / "gem_run.py").write_text(example)
    assert use_pack(pack_dir) == ["q7m2"]
    game = get_game("q7m2")
    assert game.num_levels >= 5 and game.card is not None and len(game.card.levels) == game.num_levels
    check = check_game("q7m2")
    assert check.ok, check.problems
    written = write_solver_counts(["q7m2"])
    assert list(written) == [pack_dir / "solver_counts.json"]
    assert solver_counts("q7m2") == check.solver_counts
    result = evaluate("explorer", games=["q7m2"], out=pack_dir / "runs")
    assert result.runs[0].verified and result.runs[0].levels_completed >= 1


def test_the_guides_new_primitive_runs_on_every_engine_and_its_test_passes(pack_dir: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    (pack_dir / "tilt_game.py").write_text(blocks[1])
    assert use_pack(pack_dir) == ["t1lt"]
    game = get_game("t1lt")
    engine = Engine(game)
    assert engine.step(Action(ActionId.ACTION5)) and engine.game_state == GameState.WIN
    torch = pytest.importorskip("torch")
    from arcgames.batched import WIN, BatchedEngine

    batched = BatchedEngine(game, 3)
    five = torch.full((3,), 5)
    assert batched.step(five, five, five).all() and (batched.game_state == WIN).all()
    namespace = {"tilt": sys.modules[game.rules[-1].kernel.py_func.__module__].tilt}
    exec(blocks[2], namespace)  # the guide's test of the primitive, as written there
    namespace["test_tilt_slides_blocks_down_to_the_wall"]()
    namespace["test_tilt_refuses_a_level_with_nothing_to_slide"]()
