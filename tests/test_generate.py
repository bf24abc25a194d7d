"""The game generator: packs by seed, byte for byte; every level proven solvable; the checks of hand-made games;
blind play fails; games distinct across seeds; both engines agree on them."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_no_leaks import secrets_of, visible_text

from arcgames import registry
from arcgames.audit import GOAL_FACTOR, SuiteAudit, audit_suite
from arcgames.baselines import SOLVER_COUNTS_FILE, baseline_for, solver_counts
from arcgames.checks import check_game
from arcgames.game import Game
from arcgames.generate import (
    MIN_LEVELS,
    PRESETS,
    REPORT_FILE,
    PackReport,
    build_game,
    count_distinct,
    generate_pack,
    sample_spec,
)
from arcgames.registry import PACKS_ENV, get_game, use_pack
from arcgames.solver import solve

ROOT = Path(__file__).resolve().parents[1]
SEED, GAMES = 3, 2


@pytest.fixture(scope="module")
def tiny_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "pack"
    generate_pack(SEED, GAMES, out, "tiny")
    return out


def _restore_registry(saved: str | None) -> None:
    os.environ.pop(PACKS_ENV, None)
    if saved is not None:
        os.environ[PACKS_ENV] = saved
    registry.reload_games()


@pytest.fixture
def loaded(tiny_pack: Path) -> Iterator[list[str]]:
    """The tiny pack's game ids, loaded through --pack's code path; the registry is restored afterwards."""
    saved = os.environ.pop(PACKS_ENV, None)
    registry.reload_games()
    yield use_pack(tiny_pack)
    _restore_registry(saved)


def report_of(pack: Path) -> PackReport:
    return PackReport.model_validate_json((pack / REPORT_FILE).read_text())


def test_same_seed_same_pack_byte_for_byte(tiny_pack: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_pack(SEED, GAMES, again, "tiny")
    names = sorted(p.name for p in tiny_pack.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == GAMES + 2  # the game files, solver_counts.json and generated.json
    for name in names:
        assert (tiny_pack / name).read_bytes() == (again / name).read_bytes(), name


def test_another_seed_gives_other_games(tiny_pack: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_pack(SEED + 1, 1, other, "tiny")
    first, second = report_of(tiny_pack), report_of(other)
    assert not {g.game_id for g in first.games} & {g.game_id for g in second.games}
    looks = {(tuple(g.rules), tuple(sorted(g.colours.items())), g.background) for g in first.games}
    assert (tuple(second.games[0].rules), tuple(sorted(second.games[0].colours.items())),
            second.games[0].background) not in looks  # fmt: skip


def test_files_are_game_files_whose_games_match_the_report(tiny_pack: Path, loaded: list[str]) -> None:
    report = report_of(tiny_pack)
    assert sorted(loaded) == sorted(g.game_id for g in report.games)
    for entry in report.games:
        game = get_game(entry.game_id)
        text = (tiny_pack / entry.file).read_text()
        assert text.startswith('"""') and "from arcgames.primitives import" in text and "GAME = Game(" in text
        assert game.split == "evaluation" and game.num_levels >= MIN_LEVELS
        assert list(game.primitives) == [*entry.rules, *entry.win, *entry.lose]
        assert dict(game.colours) == entry.colours and game.background == entry.background
        # Each kind of the game has a colour of its own, and the frame's outside another.
        assert len(set(entry.colours.values())) == len(entry.colours)
        assert entry.background not in entry.colours.values()


def test_every_level_is_solvable_with_its_solver_count_stored_as_the_baseline(
    tiny_pack: Path, loaded: list[str]
) -> None:
    counts = json.loads((tiny_pack / SOLVER_COUNTS_FILE).read_text())
    for entry in report_of(tiny_pack).games:
        game = get_game(entry.game_id)
        solved = [solve(game, level).length for level in range(game.num_levels)]
        assert solved == [lv.solver_actions for lv in entry.levels] == counts[game.id]["counts"]
        assert solved == solver_counts(game.id)
        assert all(a < b for a, b in itertools.pairwise(solved)), f"difficulty must rise: {solved}"
        assert all(lv.source == "solver" for lv in baseline_for(game.id).levels)
        for lv in entry.levels:
            assert lv.solver_actions >= lv.min_solution and lv.states_explored > 0 and lv.branching > 0


def test_generated_games_pass_the_checks_of_hand_made_games(loaded: list[str], tmp_path: Path) -> None:
    for game_id in loaded:
        check = check_game(game_id)
        assert check.ok, check.problems
        secrets = secrets_of(game_id)
        module = sys.modules[type(get_game(game_id)).__module__]
        assert secrets and module
        visible = visible_text(game_id, tmp_path / game_id)
        doc = (registry.game_origin(game_id).read_text().split('"""')[1]).lower().splitlines()
        leaked = [s for s in [*secrets, *(line.strip() for line in doc if len(line.strip()) >= 6)] if s in visible]
        assert not leaked, f"author-only text visible to agents: {leaked}"


def audit_of(game_ids: list[str]) -> SuiteAudit:
    """The exploit audit (arcgames.audit) at 5x, with seeds the generator never used for its own rejections."""
    audit = audit_suite(game_ids, plays=10, seed=100, factors=(GOAL_FACTOR,))
    assert len(audit.levels) >= len(game_ids) * MIN_LEVELS
    assert {"uniform", "repeat", "frame-change", "explorer"} <= set(audit.strategies)
    return audit


@pytest.mark.slow
def test_blind_play_rarely_beats_tiny_levels(loaded: list[str]) -> None:
    """The tests' preset has levels of 7 actions, where the explorer is strong (the README has the measure);
    the presets themselves are held to the audit's goals in the slow tests below."""
    audit = audit_of(loaded)
    beaten = {name: audit.mean_share(name, GOAL_FACTOR) for name in audit.strategies}
    assert all(share < 0.10 for share in beaten.values()), beaten


def test_games_are_distinct_across_seeds() -> None:
    """No two games with the same rule set and look in a preset's sample (first draws of 50 seeds x 8 slots),
    where the preset's space is large; where it is small (tiny, trivial: about 10^7 games), looks are drawn
    uniformly, so repeats stay within the birthday bound. Within one pack the generator resamples repeats."""
    for name in PRESETS:
        counted = count_distinct(name, range(50), 8)
        assert counted.drawn == 400 and counted.distinct_rule_sets <= counted.rule_sets
        expected_repeats = counted.drawn**2 / 2 / counted.possible_games * counted.rule_sets  # classes are unequal
        if counted.possible_games > 10**10:
            assert counted.distinct_games == counted.drawn, counted
        else:
            assert counted.drawn - counted.distinct_games <= 3 * expected_repeats + 1, counted
    assert count_distinct("high", range(50), 8).distinct_rule_sets > count_distinct("small", range(50), 8).rule_sets


def test_one_pack_never_holds_the_same_game_twice(tiny_pack: Path) -> None:
    games = report_of(tiny_pack).games
    signatures = {(tuple(g.rules), tuple(sorted(g.colours.items())), g.background) for g in games}
    assert len(signatures) == len(games)


def test_a_spec_builds_the_same_game_as_its_file(tiny_pack: Path, loaded: list[str]) -> None:
    for entry in report_of(tiny_pack).games:
        written = get_game(entry.game_id)
        rng = np.random.default_rng(0)
        spec = sample_spec(rng, PRESETS["tiny"])  # any spec: the builder must honour the one it gets
        game = build_game("zz99", "t", spec, written.levels[:1], None)
        assert isinstance(game, Game) and [f.__name__ for f in game.rules] == list(spec.rules)


def test_both_engines_agree_on_generated_games(loaded: list[str]) -> None:
    pytest.importorskip("torch")
    from test_batched import run_equivalence

    for game_id in loaded:
        seen = run_equivalence(game_id, num_envs=4, steps=120, seed=1)
        assert seen["advance"] > 0, seen


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arcgames.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--games", "2"], "give --seed and --out"),
        (["--seed", "1", "--out", "OUT", "--games", "0"], "--games must be at least 1"),
        (["--seed", "-1", "--out", "OUT"], "--seed must be a non-negative integer"),
        (["--count", "5:2"], "--count takes a seed range START:STOP"),
        (["--seed", "1", "--out", "FULL"], "exists and is not an empty folder"),
    ],
)
def test_bad_generate_arguments_name_the_fix(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep me")
    args = [{"OUT": str(tmp_path / "out"), "FULL": str(tmp_path / "full")}.get(a, a) for a in args]
    result = run_cli("generate", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "full" / "mine.txt").read_text() == "keep me" and not (tmp_path / "out").exists()


def test_generate_cli_json_and_count(tmp_path: Path) -> None:
    result = run_cli("generate", "--seed", "5", "--games", "1", "--preset", "tiny", "--out", str(tmp_path / "p"),
                     "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["preset"] == "tiny" and len(data["games"]) == 1 and data["games_per_second"] > 0
    assert len(data["games"][0]["levels"]) >= MIN_LEVELS and 0 <= data["level_rejection_rate"] < 1
    counted = json.loads(run_cli("generate", "--count", "0:10", "--games", "4", "--json").stdout)
    assert [c["preset"] for c in counted] == list(PRESETS) and all(c["distinct_games"] == 40 for c in counted)
    checked = run_cli("check", "--pack", str(tmp_path / "p"), "--json")
    assert checked.returncode == 0 and all(c["ok"] for c in json.loads(checked.stdout))


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["trivial", "small", "medium"])
def test_each_preset_makes_solvable_games_of_rising_difficulty(preset: str, tmp_path: Path) -> None:
    report = generate_pack(11, 1, tmp_path / preset, preset)
    game = report.games[0]
    counts = [lv.solver_actions for lv in game.levels]
    assert len(counts) >= MIN_LEVELS and counts == sorted(set(counts))
    assert counts[0] >= PRESETS[preset].min_solution[0] and counts[-1] >= PRESETS[preset].min_solution[1]
    saved = os.environ.pop(PACKS_ENV, None)
    try:
        registry.reload_games()
        (game_id,) = use_pack(tmp_path / preset)
        assert check_game(game_id).ok
        # Issue 16's target: each strategy beats under 5% of levels at 5x. (Issue 15's second goal for the
        # hand-made suite, no level falling to two strategies, is measured in the README, not held here.)
        audit = audit_of([game_id])
        beaten = {name: audit.mean_share(name, GOAL_FACTOR) for name in audit.strategies}
        assert all(share < 0.05 for share in beaten.values()), beaten
    finally:
        _restore_registry(saved)


def test_provisional_games_are_reachable_only_inside_the_block() -> None:
    from arcgames.actions import ActionId
    from arcgames.env import make
    from arcgames.game import GameDefinitionError
    from arcgames.primitives import move_avatar, reach_goal
    from arcgames.registry import UnknownGameError, list_games, provisional

    game = Game(id="zq01", title="walk", split="evaluation", levels=["#####\n#@.G#\n#####"],
                actions=(ActionId.ACTION4,), rules=(move_avatar,), win=(reach_goal,))  # fmt: skip
    with provisional(game) as game_id:
        assert get_game(game_id) is game and game_id not in list_games()
        env = make(game_id)
        env.reset()
        assert env.step(ActionId.ACTION4)[1] == 0.0 and env.step(ActionId.ACTION4)[1] == 1.0
        with pytest.raises(GameDefinitionError, match="already in use"), provisional(game):
            pass
    with pytest.raises(UnknownGameError):
        get_game("zq01")
    clash = Game(id="ujzd", title="walk", split="evaluation", levels=game.levels, actions=game.actions,
                 rules=game.rules, win=game.win)  # fmt: skip
    with pytest.raises(GameDefinitionError, match="'ujzd' is already in use"), provisional(clash):
        pass


def test_a_map_a_level_check_refuses_is_counted_as_such_and_resampled(monkeypatch: pytest.MonkeyPatch) -> None:
    import arcgames.generate as generate
    from arcgames.game import GameDefinitionError

    real, refused = generate.build_game, []

    def build_game(game_id, title, spec, levels, card, *args, **kwargs):
        if title == "probe" and not refused:  # the first candidate map: as if a level check refused it
            refused.append(levels)
            raise GameDefinitionError("game x, level 1: the board has 2 sheep objects but only 1 pen cell")
        return real(game_id, title, spec, levels, card, *args, **kwargs)

    monkeypatch.setattr(generate, "build_game", build_game)
    generator = generate.Generator(PRESETS["trivial"], seed=3, audited=False)
    game, _, _ = generator.game(0)
    counts = generator.rejections
    assert refused and counts.failed_level_check == 1
    assert counts.accepted_levels == game.num_levels
