"""Every game's solver solutions and seeded random plays replay to the frames captured before issue 14.

The fixture (tests/data/golden_plays.json, see tests/golden.py) holds the CRC-32 of
every frame as the engine drew it before the primitives became compiled kernels.
Recordings hash frames with CRC-32, so equal CRCs here mean old recordings still verify.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from golden import decode, play

from arcgames.engine import Engine
from arcgames.registry import get_game, list_games

GOLDEN = json.loads((Path(__file__).parent / "data" / "golden_plays.json").read_text())


def test_the_fixture_covers_every_game_and_level() -> None:
    assert sorted(GOLDEN) == sorted(list_games())
    for game_id, entry in GOLDEN.items():
        levels = get_game(game_id).num_levels
        assert [s["level"] for s in entry["solutions"]] == list(range(levels)), game_id
        assert [r["level"] for r in entry["random"]] == list(range(levels)), game_id


@pytest.mark.parametrize("game_id", sorted(GOLDEN))
def test_plays_replay_to_the_captured_frames(game_id: str) -> None:
    game = get_game(game_id)
    for kind in ("solutions", "random"):
        for expected in GOLDEN[game_id][kind]:
            actions = [decode(item) for item in expected["actions"]]
            got = play(Engine(game, expected["level"]), actions)
            for step, (a, b) in enumerate(zip(got.pop("crcs"), expected["crcs"], strict=True)):
                assert a == b, f"{game_id} {kind} level {expected['level'] + 1}: frame {step} differs ({actions[step]})"
            wanted = {key: expected[key] for key in got}
            assert got == wanted, f"{game_id} {kind} level {expected['level'] + 1}: counters or state differ"
