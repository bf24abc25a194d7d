"""The vessel primitives (arcgames.primitives.vessels) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map;
conditions are listed in CONDITION_CASES, which the guards in test_primitives.py read.
"""

from __future__ import annotations

import pytest
from helpers import CLICK_ACTIONS, ascii_map, board_text, click_cell, click_engine, tiny_game

from arcgames.primitives.vessels import pour, water_at_marks

LEGEND = {":": ("vessel", ""), "w": ("poured", ""), "u": ("spout", ""), "U": ("spout_on", ""), "z": ("sea", ""),
          "Z": ("sea_on", ""), "m": ("water_mark", ""), "M": ("water_mark_wet", "")}  # fmt: skip
# A sea, a vessel of 3 holding 2, and a vessel of 2 with a mark at 1.
RACK = ascii_map("""
    w#:#.
    w#w#m
    w#w#:
    z#u#u
""")


def test_pour_chooses_a_vessel_and_lets_go_of_it() -> None:
    engine = click_engine(RACK, (pour,), LEGEND)
    click_cell(engine, 3, 2)
    assert board_text(engine).splitlines()[3] == "z#U#u"
    click_cell(engine, 3, 2)
    assert board_text(engine) == RACK


def test_pour_moves_as_much_as_fits_and_keeps_the_rest() -> None:
    engine = click_engine(RACK, (pour,), LEGEND)
    click_cell(engine, 3, 2)
    click_cell(engine, 3, 4)
    assert board_text(engine) == "w#:#.\nw#:#M\nw#:#w\nz#u#u"
    click_cell(engine, 3, 0)  # the sea fills the 3 to the brim
    click_cell(engine, 3, 2)
    click_cell(engine, 3, 2)  # the 3 into the full 2: nothing fits, nothing moves
    click_cell(engine, 3, 4)
    assert board_text(engine) == "w#w#.\nw#w#M\nw#w#w\nz#u#u"


def test_pour_from_the_sea_fills_and_into_the_sea_empties() -> None:
    engine = click_engine(RACK, (pour,), LEGEND)
    click_cell(engine, 3, 0)
    assert board_text(engine).splitlines()[3] == "Z#u#u"
    click_cell(engine, 3, 4)
    assert board_text(engine) == "w#:#.\nw#w#M\nw#w#w\nz#u#u"
    click_cell(engine, 3, 2)
    click_cell(engine, 3, 0)
    assert board_text(engine) == "w#:#.\nw#:#M\nw#:#w\nz#u#u"


def test_pour_ignores_clicks_off_the_spouts() -> None:
    engine = click_engine(RACK, (pour,), LEGEND)
    for row, col in ((0, 2), (1, 0), (2, 1), (1, 4)):
        click_cell(engine, row, col)
    assert board_text(engine) == RACK


CONDITION_CASES = [
    (water_at_marks, ":\nM\nw\nu", True),
    (water_at_marks, "w\nM\nw\nu", False),  # too much: water above the mark
    (water_at_marks, ":\nm\nw\nu", False),  # too little
    (water_at_marks, ":\nM\nu", True),
    (water_at_marks, ":#:\nM#m\nu#u", False),  # every mark must be met
    (water_at_marks, "w\nu", False),  # no mark: nothing to measure
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), actions=CLICK_ACTIONS, legend=LEGEND)
    assert cond(game.parsed[0].start) is expected
