"""Every game's solver solutions and seeded random plays replay to their captured frames.

The fixture (tests/data/golden/<game id>.json, see tests/golden.py) holds the CRC-32 of
every frame as the engine drew it when the game's levels or looks last changed on purpose.
Recordings hash frames with CRC-32, so equal CRCs here mean old recordings still verify.
"""

from __future__ import annotations

import json

import pytest
from golden import GOLDEN_DIR, decode, play

from arcgames.engine import Engine
from arcgames.registry import get_game, list_games

GOLDEN = {path.stem: json.loads(path.read_text()) for path in sorted(GOLDEN_DIR.glob("*.json"))}


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
