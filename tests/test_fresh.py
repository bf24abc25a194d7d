"""The training stream of generated games: seeded, endless, and every game playable on the batched engine."""

from pathlib import Path

import pytest

from arcgames.fresh import GameStream, draw, materialise
from arcgames.solver import solve


def test_the_same_stream_is_the_same_games_and_seeds_differ() -> None:
    first, again, other = draw("tiny", 3, 0), draw("tiny", 3, 0), draw("tiny", 4, 0)
    assert first[0] == again[0] and first[3] == again[3]
    assert first[3] != other[3]
    assert draw("tiny", 3, 1)[3] != first[3]  # the next game of the stream is another game


def test_a_drawn_game_is_solvable_level_by_level_and_rising() -> None:
    game = materialise(draw("tiny", 5, 0))
    counts = [solve(game, level).length for level in range(game.num_levels)]
    assert game.num_levels >= 7 and counts == sorted(set(counts))  # every level needs more than the last


def test_the_stream_draws_in_a_worker_and_matches_draw() -> None:
    with GameStream("tiny", 3, prefetch=1) as stream:
        game = next(stream)
        assert stream.next_index == 1
    assert (game.id, list(game.levels)) == (draw("tiny", 3, 0)[0], draw("tiny", 3, 0)[3])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"preset": "huge", "seed": 1}, "unknown preset 'huge'; use one of tiny"),
    ({"preset": "tiny", "seed": -1}, "seed must be a non-negative integer, got -1"),
    ({"preset": "tiny", "seed": True}, "seed must be a non-negative integer, got True"),
    ({"preset": "tiny", "seed": 1, "prefetch": 0}, r"prefetch must be 1\.\.16, got 0"),
])  # fmt: skip
def test_bad_stream_settings_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GameStream(**kwargs)


@pytest.mark.slow
def test_ppo_trains_on_a_fresh_game_after_every_update(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the PPO baseline needs torch: pip install 'arcgames[rl]'")
    from arcgames.agents.ppo.train import parse_args, train

    summary = train(parse_args(["--fresh", "tiny", "--fresh-games", "2", "--total-steps", "384", "--num-envs", "16",
                                "--num-steps", "8", "--hidden", "16", "--device", "cpu", "--seed", "3",
                                "--out", str(tmp_path)]))  # fmt: skip
    # 3 updates: 2 games to start, a new one after each update but the last.
    expected = [draw("tiny", 3, i)[0] for i in range(4)]
    assert summary["games"] == expected and len(set(expected)) == 4


def test_bad_fresh_settings(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the PPO baseline needs torch: pip install 'arcgames[rl]'")
    from arcgames.agents.ppo.train import parse_args, train

    with pytest.raises(ValueError, match="--fresh-games must be at least 1, got 0"):
        train(parse_args(["--fresh", "tiny", "--fresh-games", "0", "--out", str(tmp_path)]))
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        train(parse_args(["--fresh", "nope", "--out", str(tmp_path)]))


def test_a_dead_worker_is_a_clear_error() -> None:
    import os
    import signal

    stream = GameStream("tiny", 3, prefetch=1)
    try:
        for pid in list(stream._pool._processes):
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="the worker drawing games died"):
            next(stream)
    finally:
        stream.close()
