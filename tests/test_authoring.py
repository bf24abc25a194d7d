"""docs/authoring.md's worked example, followed literally: it must load, check, solve and play."""

import re
from pathlib import Path

from arcgames.baselines import solver_counts, write_solver_counts
from arcgames.checks import check_game
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
