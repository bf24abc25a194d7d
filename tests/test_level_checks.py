"""Level checks: what a level needs for each primitive, checked when a game loads (arcgames.primitives.base)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import never, tiny_game

from arcgames.actions import ActionId
from arcgames.game import GameDefinitionError
from arcgames.kinds import LAVA
from arcgames.primitives import LevelProblem, condition, rule
from arcgames.primitives.agents import all_on_goals, herded
from arcgames.primitives.core import cover_goals, enter_portals, move_avatar, push_blocks, reach_goal
from arcgames.primitives.geometry import connected, fill_pipes, rotate_block
from arcgames.primitives.paint import paint_walk, painter_home
from arcgames.primitives.shapes import shape_doors
from arcgames.primitives.vessels import pour, water_at_marks
from arcgames.registry import get_game, list_games

CLICKS = (ActionId.ACTION6,)
SHEEP = {"s": ("floor", "sheep"), "p": ("pen", "")}
TWINS = {"T": ("floor", "twin")}
PIPES = {"=": ("pipe", ""), "Q": ("source", ""), "K": ("sink", ""), "R": ("rotor", "")}
SHAPES = {"x": ("panel_a", ""), ",": ("panel_off", ""), "m": ("shape_a", ""), ":": ("shape_off", "")}
MARKS = {"V": ("vessel", ""), "M": ("water_mark", "")}


def refused(*maps: str, **game) -> str:
    """The message a game with these maps is refused with."""
    with pytest.raises(GameDefinitionError) as caught:
        tiny_game(*maps, **game)
    return str(caught.value)


@pytest.mark.parametrize(
    ("maps", "game", "message"),
    [
        (
            ["@#G"],
            {"rules": (move_avatar,), "win": (reach_goal,)},
            "game t001, level 1, row 1, column 3: this goal is walled off from every avatar (reach_goal)",
        ),
        (
            ["@.G", "@P.P.P"],
            {"rules": (enter_portals, move_avatar), "win": (reach_goal,)},
            "game t001, level 2, row 1, column 2: the board has 3 portals; a board with portals has exactly two "
            "(enter_portals)",
        ),
        (
            ["@.P"],
            {"rules": (enter_portals, move_avatar), "win": (reach_goal,)},
            "game t001, level 1, row 1, column 3: the board has 1 portal; a board with portals has exactly two",
        ),
        (
            ["@B.G", "@B.."],
            {"rules": (push_blocks, move_avatar), "win": (cover_goals,)},
            "game t001, level 2: the board has no goal cell, so the game cannot be won (cover_goals)",
        ),
        (
            ["@B.GG"],
            {"rules": (push_blocks, move_avatar), "win": (cover_goals,)},
            "game t001, level 1: the board has 2 goal cells but only 1 pushable object to fill them, so the game "
            "cannot be won (cover_goals)",
        ),
        (
            ["@.pp"],
            {"rules": (move_avatar,), "win": (herded,), "legend": SHEEP},
            "game t001, level 1: the board has no sheep object, so the game cannot be won (herded)",
        ),
        (
            ["@ss.p"],
            {"rules": (move_avatar,), "win": (herded,), "legend": SHEEP},
            "game t001, level 1: the board has 2 sheep objects but only 1 pen cell for them",
        ),
        (
            ["@T.G"],
            {"rules": (move_avatar,), "win": (all_on_goals,), "legend": TWINS},
            "game t001, level 1: the board has 2 avatar or twin objects but only 1 goal cell for them",
        ),
        (
            ["Q==."],
            {"rules": (fill_pipes,), "win": (connected,), "actions": CLICKS, "legend": PIPES},
            "game t001, level 1: the board has no sink cell, so the game cannot be won (connected)",
        ),
        (
            ["..==K"],
            {"rules": (fill_pipes,), "win": (connected,), "actions": CLICKS, "legend": PIPES},
            "game t001, level 1: the board has no source cell",
        ),
        (
            ["Q=...\n.R=.K\n....."],
            {"rules": (rotate_block, fill_pipes), "win": (connected,), "actions": CLICKS, "legend": PIPES},
            None,
        ),  # a rotor inside the board: loads
        (
            ["QR=.K\n.=..."],
            {"rules": (rotate_block, fill_pipes), "win": (connected,), "actions": CLICKS, "legend": PIPES},
            "game t001, level 1, row 1, column 2: this rotor is on the board edge, where it has no whole 3x3 block "
            "to turn (rotate_block)",
        ),
        (
            ["VV\nVV"],
            {"rules": (pour,), "win": (water_at_marks,), "actions": CLICKS, "legend": MARKS},
            "game t001, level 1: the board has no water_mark or water_mark_wet cell",
        ),
        (
            ["#xx#mm#\n#x,#m:#\n@.....G"],
            {"rules": (move_avatar, shape_doors), "win": (reach_goal,), "legend": SHAPES},
            None,  # a 2x2 panel and a 2x2 goal shape
        ),
        (
            ["#xx#mmm\n#x,#m::\n@.....G"],
            {"rules": (move_avatar, shape_doors), "win": (reach_goal,), "legend": SHAPES},
            "game t001, level 1, row 1, column 2: the panel is 2x2 cells but the goal shape 2x3: the doors open "
            "only when they match (shape_doors)",
        ),
        (
            ["#mm#\n@..G"],
            {"rules": (move_avatar, shape_doors), "win": (reach_goal,), "legend": SHAPES},
            "game t001, level 1: the board needs a panel and a goal shape for its shape doors to open",
        ),
        (
            ["@.."],
            {"rules": (paint_walk,), "win": (painter_home,)},
            "game t001, level 1: the board has no goal cell, so the game cannot be won (painter_home)",
        ),
    ],
)
def test_a_level_a_primitive_cannot_work_in_is_refused_with_its_cell(maps, game, message) -> None:
    if message is None:
        tiny_game(*maps, **game)
        return
    assert refused(*maps, **game).startswith(message)


def test_a_conditions_check_applies_where_it_is_a_win_condition_only() -> None:
    # "Lost when an avatar reaches the goal": a walled-off goal is no problem there.
    tiny_game("@#G", rules=(move_avatar,), win=(never,), lose=(reach_goal,))
    assert "(reach_goal)" in refused("@#G", rules=(move_avatar,), win=(reach_goal,))


def test_every_shipped_level_passes_its_primitives_checks() -> None:
    # Each game loads (its levels are checked then); the count guards against a registry that checks nothing.
    checked = [prim for gid in list_games() for prim in (*get_game(gid).rules, *get_game(gid).win) if prim.check]
    assert len(checked) >= 10


# --- a pack's own primitive with a level check ------------------------------------------------------------


def no_lava(board: np.ndarray) -> LevelProblem | None:
    """A level check as the authoring guide writes one: the first lava cell, if any."""
    lava = np.argwhere(board[0] == LAVA)
    return LevelProblem("lava is not allowed with hop", tuple(int(v) for v in lava[0])) if len(lava) else None


@rule(register=False, check=no_lava)
def hop(grid, vars, act, flags):
    """A pack's rule: does nothing (the test is about its check)."""


def test_a_custom_rule_brings_its_level_check() -> None:
    tiny_game("@.G", rules=(hop, move_avatar), win=(reach_goal,))
    message = refused("@.G", "@LG", rules=(hop, move_avatar), win=(reach_goal,))
    assert message == "game t001, level 2, row 1, column 2: lava is not allowed with hop (hop)"


def test_a_broken_level_check_refuses_the_game_with_the_reason() -> None:
    def raises(board):
        raise KeyError("oops")

    @rule(register=False, check=raises)
    def raising(grid, vars, act, flags):
        """Its check raises."""

    @rule(register=False, check=lambda board: "bad level")
    def wrong_type(grid, vars, act, flags):
        """Its check returns a string."""

    assert re.search(
        r"level 1: the level check of raising failed: KeyError\('oops'\)",
        refused("@.G", rules=(raising,), win=(reach_goal,)),
    )
    assert "the level check of wrong_type returned 'bad level'; a check returns a LevelProblem or None" in refused(
        "@.G", rules=(wrong_type,), win=(reach_goal,)
    )


def test_a_level_check_cannot_change_the_level() -> None:
    def vandal(board):
        board[:] = 0
        return None

    @condition(register=False, check=vandal)
    def anything(grid, vars, flags):
        """Always holds."""
        return True

    game = tiny_game("@.G", rules=(move_avatar,), win=(anything,))
    assert game.parsed[0].start.grid.any()


def test_check_must_be_a_function() -> None:
    with pytest.raises(TypeError, match="check= takes a function of a level's start board"):

        @rule(register=False, check="no lava")
        def bad(grid, vars, act, flags):
            """Its check is a string."""
