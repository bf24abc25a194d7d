"""The Gymnasium env: make, info, rewards, termination, render modes and clear errors.

Most tests serve a tiny test game (see the ``serve_game`` fixture) so they do not
depend on the bundled games' maps; the ``make`` tests use a bundled game.
"""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest
from helpers import MOVES, tiny_game

import arcgames
from arcgames.actions import Action, ActionId, InvalidActionError
from arcgames.engine import Engine, GameEndedError
from arcgames.env import ArcGameEnv
from arcgames.palette import PALETTE_RGB
from arcgames.primitives import move_avatar, reach_goal, toggle_lights, touch_lava
from arcgames.registry import UnknownGameError

INFO_KEYS = {
    "game_id",
    "level",
    "levels_completed",
    "num_levels",
    "state",
    "available_actions",
    "action_count",
    "level_action_count",
    "action_mask",
}
SECRET_TITLE = "Walk to the green square"


def walk_game():
    """Three levels won by walking right; lava one step left of the start."""
    return tiny_game(
        "L@.G",
        "L@G",
        "L@G",
        rules=(move_avatar,),
        win=(reach_goal,),
        lose=(touch_lava,),
        actions=(*MOVES, ActionId.ACTION7),
        game_id="t001",
        title=SECRET_TITLE,
    )


def click_game():
    return tiny_game("01\n10", rules=(toggle_lights,), actions=(ActionId.ACTION6,), game_id="t002")


@pytest.fixture
def walk(serve_game):
    """A fresh, reset env of walk_game(), through arcgames.make."""
    env = arcgames.make(serve_game(walk_game()))
    env.reset(seed=0)
    yield env
    env.close()


def a_bundled_game() -> str:
    return arcgames.list_games()[0]


# --- making envs ---------------------------------------------------------------------


def test_make_and_gymnasium_make_give_the_same_env() -> None:
    game_id = a_bundled_game()
    ours = arcgames.make(game_id)
    theirs = gymnasium.make(f"arcgames/{game_id}")
    for env in (ours, theirs):
        assert isinstance(env.unwrapped, ArcGameEnv)
        assert env.observation_space == gymnasium.spaces.Box(0, 15, (64, 64), dtype=np.uint8)
        assert env.action_space == gymnasium.spaces.Discrete(env.unwrapped.codec.n)
    obs_a, info_a = ours.reset(seed=1)
    obs_b, info_b = theirs.reset(seed=1)
    np.testing.assert_array_equal(obs_a, obs_b)
    assert obs_a.shape == (64, 64) and obs_a.dtype == np.uint8
    assert info_a["game_id"] == info_b["game_id"] == game_id


def test_make_seed_seeds_the_first_reset_only() -> None:
    game_id = a_bundled_game()
    seeded = arcgames.make(game_id, seed=3)
    seeded.reset()
    reference = arcgames.make(game_id)
    reference.reset(seed=3)
    assert seeded.unwrapped.np_random.integers(1 << 30) == reference.unwrapped.np_random.integers(1 << 30)
    seeded.reset(seed=4)
    assert seeded.unwrapped.np_random_seed == 4


def test_test_games_stay_out_of_the_registry(serve_game) -> None:
    serve_game(walk_game())
    assert "t001" not in arcgames.list_games()


# --- info ----------------------------------------------------------------------------


def test_info_after_reset(serve_game) -> None:
    env = arcgames.make(serve_game(walk_game()))
    obs, info = env.reset()
    assert set(info) >= INFO_KEYS
    assert {k: info[k] for k in INFO_KEYS - {"action_mask"}} == {
        "game_id": "t001",
        "level": 0,
        "levels_completed": 0,
        "num_levels": 3,
        "state": "NOT_FINISHED",
        "available_actions": (ActionId.RESET, *MOVES, ActionId.ACTION7),
        "action_count": 0,
        "level_action_count": 0,
    }
    assert info["action_mask"].tolist() == [1] * 6
    assert obs.max() < 16


def test_info_counts_actions(walk) -> None:
    walk.step(Action.UP)
    walk.step(Action.UNDO)
    *_, info = walk.step(Action.RESET)
    assert (info["action_count"], info["level_action_count"]) == (3, 3)


def test_agent_data_never_contains_the_title(walk) -> None:
    texts = [repr(walk.reset()[1])]
    for action in (Action.UP, Action.RIGHT, Action.UNDO, Action.RESET, Action.RIGHT, Action.RIGHT):
        obs, _, _, _, info = walk.step(action)
        assert obs.dtype == np.uint8 and obs.shape == (64, 64)
        texts.append(repr(info))
    assert all(SECRET_TITLE.lower() not in text.lower() for text in texts)
    assert SECRET_TITLE not in repr(walk.unwrapped.spec)


# --- rewards and episode ends --------------------------------------------------------


def test_reward_is_one_per_completed_level(walk) -> None:
    _, reward, terminated, truncated, info = walk.step(Action.RIGHT)
    assert (reward, terminated, truncated, info["level"]) == (0.0, False, False, 0)
    obs, reward, terminated, truncated, info = walk.step(Action.RIGHT)
    assert (reward, terminated, truncated) == (1.0, False, False)
    assert (info["level"], info["levels_completed"], info["level_action_count"], info["action_count"]) == (1, 1, 0, 2)
    np.testing.assert_array_equal(obs[4:], Engine(walk_game(), level=1).frame[4:])  # the board; the strip differs
    _, reward, terminated, _, info = walk.step(Action.RIGHT)
    assert (reward, terminated, info["state"]) == (1.0, False, "NOT_FINISHED")


def test_terminated_on_win_and_stepping_after_win_needs_reset(walk) -> None:
    rewards = [walk.step(Action.RIGHT)[1] for _ in range(3)]
    _, reward, terminated, truncated, info = walk.step(Action.RIGHT)
    assert [*rewards, reward] == [0.0, 1.0, 1.0, 1.0]
    assert (terminated, truncated, info["state"], info["levels_completed"]) == (True, False, "WIN", 3)
    with pytest.raises(GameEndedError, match=r"the game is won; call reset\(\)"):
        walk.step(Action.RIGHT)
    _, info = walk.reset()
    assert (info["state"], info["level"], info["levels_completed"]) == ("NOT_FINISHED", 0, 0)


def test_terminated_on_game_over_and_then_only_reset(walk) -> None:
    _, reward, terminated, truncated, info = walk.step(Action.LEFT)
    assert (reward, terminated, truncated, info["state"]) == (0.0, True, False, "GAME_OVER")
    codec = walk.unwrapped.codec
    assert [codec.decode(i) for i in np.flatnonzero(info["action_mask"])] == [Action.RESET]
    for action in (Action.RIGHT, Action.UNDO, 1):
        with pytest.raises(GameEndedError, match="send RESET"):
            walk.step(action)
    _, reward, terminated, _, info = walk.step(Action.RESET)
    assert (reward, terminated, info["state"], info["action_count"]) == (0.0, False, "NOT_FINISHED", 2)
    assert info["action_mask"].all()


def test_truncated_at_max_actions(serve_game) -> None:
    env = arcgames.make(serve_game(walk_game()), max_actions=3)
    env.reset()
    flags = [env.step(Action.UP)[2:4] for _ in range(4)]
    assert flags == [(False, False), (False, False), (False, True), (False, True)]


def test_a_win_on_the_last_allowed_action_is_terminated_not_truncated(serve_game) -> None:
    env = arcgames.make(serve_game(walk_game()), max_actions=1)
    env.reset(options={"level": 2})
    assert env.step(Action.RIGHT)[1:4] == (1.0, True, False)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10"])
def test_bad_max_actions(serve_game, bad) -> None:
    with pytest.raises(ValueError, match=f"max_actions must be a positive integer or None, got {bad!r}"):
        arcgames.make(serve_game(walk_game()), max_actions=bad)


# --- reset options -------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 1, 2])
def test_reset_to_a_level(walk, level: int) -> None:
    walk.step(Action.RIGHT)
    obs, info = walk.reset(options={"level": level})
    assert (info["level"], info["levels_completed"], info["action_count"]) == (level, 0, 0)
    np.testing.assert_array_equal(obs, Engine(walk_game(), level=level).frame)


@pytest.mark.parametrize("level", [-1, 3, "1", 1.5, None])
def test_bad_level_option(walk, level) -> None:
    with pytest.raises(ValueError, match=r"level must be an integer in 0..2"):
        walk.reset(options={"level": level})


def test_unknown_reset_option(walk) -> None:
    with pytest.raises(ValueError, match=r"unknown reset options \['lvl'\]; the only option is 'level'"):
        walk.reset(options={"lvl": 1})


# --- actions -------------------------------------------------------------------------


def test_step_takes_indices_actions_and_action_ids_alike(serve_game) -> None:
    game_id = serve_game(walk_game())
    envs = [arcgames.make(game_id) for _ in range(3)]
    for env in envs:
        env.reset()
    codec = envs[0].unwrapped.codec
    for action in (Action.RIGHT, Action.UP, Action.UNDO):
        frames = [
            envs[0].step(codec.encode(action))[0],
            envs[1].step(action)[0],
            envs[2].step(action.id)[0],
        ]
        np.testing.assert_array_equal(frames[0], frames[1])
        np.testing.assert_array_equal(frames[0], frames[2])


def test_clicks_through_the_env(serve_game) -> None:
    env = arcgames.make(serve_game(click_game()))
    obs, info = env.reset()
    assert info["available_actions"] == (ActionId.RESET, ActionId.ACTION6)
    assert env.action_space.n == 1 + 64 * 64
    x, y = env.unwrapped.engine.layout.pixel_of(0, 0)
    before = obs[y, x]
    obs, *_ = env.step(env.unwrapped.codec.encode(Action.click(x, y)))
    assert obs[y, x] != before


@pytest.mark.parametrize("index", [-1, 6, 1000])
def test_out_of_range_action_index(walk, index: int) -> None:
    with pytest.raises(InvalidActionError, match=f"action index {index} is out of range; this game's actions are 0..5"):
        walk.step(index)


def test_click_out_of_range(serve_game) -> None:
    env = arcgames.make(serve_game(click_game()))
    env.reset()
    with pytest.raises(InvalidActionError, match=r"click x=64 is outside the frame; x must be in 0\.\.63"):
        env.step(Action.click(64, 0))
    with pytest.raises(InvalidActionError, match=r"out of range; this game's actions are 0..4096"):
        env.step(4097)


@pytest.mark.parametrize("action", [Action.INTERACT, Action.click(3, 3), ActionId.ACTION5], ids=str)
def test_action_the_game_does_not_use(walk, action) -> None:
    with pytest.raises(
        InvalidActionError, match=r"ACTION[56] is not used by this game; available actions: RESET, ACTION1"
    ):
        walk.step(action)


@pytest.mark.parametrize("bad", ["ACTION1", 1.0, True, None])
def test_action_of_the_wrong_type(walk, bad) -> None:
    with pytest.raises(InvalidActionError, match=r"an action must be an arcgames.Action or a flat index 0..5"):
        walk.step(bad)


# --- render --------------------------------------------------------------------------


def test_render_rgb_array(serve_game) -> None:
    env = arcgames.make(serve_game(walk_game()), render_mode="rgb_array")
    obs, _ = env.reset()
    image = env.render()
    assert image.shape == (64, 64, 3) and image.dtype == np.uint8
    np.testing.assert_array_equal(image, PALETTE_RGB[obs])
    assert len(np.unique(obs)) >= 3, "the test frame should hold several colours"


def test_render_ansi(serve_game) -> None:
    env = arcgames.make(serve_game(walk_game()), render_mode="ansi")
    obs, _ = env.reset()
    obs, *_ = env.step(Action.RIGHT)
    lines = env.render().split("\n")
    assert len(lines) == 64 and all(len(line) == 64 for line in lines)
    assert all(set(line) <= set("0123456789abcdef") for line in lines)
    assert [[int(ch, 16) for ch in line] for line in lines] == obs.tolist()


def test_render_without_a_mode_returns_none(walk) -> None:
    assert walk.render() is None


# --- clear errors --------------------------------------------------------------------


def test_unknown_game_id_lists_the_known_ones() -> None:
    with pytest.raises(UnknownGameError) as error:
        arcgames.make("zzzz")
    message = str(error.value)
    assert message.startswith("unknown game id 'zzzz'; known games: ")
    assert all(game_id in message for game_id in arcgames.list_games())


@pytest.mark.filterwarnings("ignore:.*render_mode='human3d'")  # gymnasium's own warning comes first
def test_bad_render_mode() -> None:
    with pytest.raises(
        ValueError, match=r"render_mode 'human3d' is not supported; use one of \['human', 'rgb_array', 'ansi'"
    ):
        arcgames.make(a_bundled_game(), render_mode="human3d")


BAD_SEEDS = ["1", 1.0, -1, True]


@pytest.mark.parametrize("seed", BAD_SEEDS, ids=repr)
def test_bad_seed_in_make(seed) -> None:
    with pytest.raises(TypeError, match=f"seed must be a non-negative integer or None, got {type(seed).__name__}"):
        arcgames.make(a_bundled_game(), seed=seed)


@pytest.mark.parametrize("seed", BAD_SEEDS, ids=repr)
def test_bad_seed_in_reset(walk, seed) -> None:
    with pytest.raises(TypeError, match="seed must be a non-negative integer or None"):
        walk.reset(seed=seed)


def test_numpy_seeds_are_fine(walk) -> None:
    walk.reset(seed=np.int64(5))
    assert walk.unwrapped.np_random_seed == 5
