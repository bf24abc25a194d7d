"""The batched engine against the scalar engine: same actions, same states, same frames.

Both run the same rule kernels; what differs is the engine around them (padded boards
of mixed level sizes, the undo ring, auto-reset, incremental frames, threads). For every
game, N envs follow seeded scripts — solver lines to clear levels and reach WIN, random
moves, ACTION5, clicks biased towards clickable cells, RESET, undo — stepped on one
scalar Engine per env and on one BatchedEngine, compared after every step.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from collections import Counter, deque

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import gymnasium as gym  # noqa: E402

from arcgames import batch  # noqa: E402
from arcgames.actions import FRAME_SIZE, Action, ActionCodec, ActionId, InvalidActionError  # noqa: E402
from arcgames.batched import GAME_OVER, WIN, BatchedEngine  # noqa: E402
from arcgames.batched.engine import PAD  # noqa: E402
from arcgames.batched.vector_env import BatchedVectorEnv  # noqa: E402
from arcgames.draw import STRIP_BACKGROUND  # noqa: E402
from arcgames.engine import Engine, GameEndedError, GameState  # noqa: E402
from arcgames.game import Game, GameDefinitionError  # noqa: E402
from arcgames.kinds import CLICKABLE  # noqa: E402
from arcgames.primitives import move_avatar, reach_goal  # noqa: E402
from arcgames.registry import get_game, list_games  # noqa: E402
from arcgames.solver import solve  # noqa: E402
from arcgames.state import Act, State  # noqa: E402

# --- helpers ---------------------------------------------------------------------


@functools.cache
def solutions(game_id: str) -> tuple[tuple[Action, ...], ...]:
    game = get_game(game_id)
    return tuple(solve(game, level).actions for level in range(game.num_levels))


def padded(grid: np.ndarray, height: int, width: int) -> np.ndarray:
    """A scalar board padded the way the batched engine pads it."""
    out = np.zeros((2, height, width), dtype=np.uint8)
    out[0] = PAD
    out[:, : grid.shape[1], : grid.shape[2]] = grid
    return out


def to_tensors(actions: list[Action]) -> tuple:
    kinds = torch.tensor([int(a.id) for a in actions])
    xs = torch.tensor([a.x if a.x is not None else 0 for a in actions])
    ys = torch.tensor([a.y if a.y is not None else 0 for a in actions])
    return kinds, xs, ys


def assert_same(batched: BatchedEngine, scalars: list[Engine], where: str) -> None:
    """Every observable of every env equal: boards (padding included), vars, counters, frames."""
    height, width = batched.grid.shape[2:]
    grids = np.stack([padded(e.state.grid, height, width) for e in scalars])
    np.testing.assert_array_equal(batched.grid.numpy(), grids, err_msg=f"{where}: boards differ")
    np.testing.assert_array_equal(batched.vars.numpy(), np.stack([e.state.vars for e in scalars]), err_msg=where)
    for name, attr in (
        ("level", "level"),
        ("levels_completed", "levels_completed"),
        ("action_count", "action_count"),
        ("level_actions", "level_actions"),
    ):
        assert getattr(batched, name).tolist() == [getattr(e, attr) for e in scalars], f"{where}: {name} differs"
    assert batched.states() == [e.game_state for e in scalars], f"{where}: game states differ"
    frames = np.stack([e.frame for e in scalars])
    np.testing.assert_array_equal(batched.frames().numpy(), frames, err_msg=f"{where}: frames differ")


class Script:
    """A seeded per-env player: solver lines (to clear levels), random actions, clicks near clickable cells."""

    def __init__(self, game: Game, seed: int, detours: float = 0.15) -> None:
        self.game = game
        self.rng = np.random.default_rng(seed)
        self.detours = detours  # the chance of a random detour at each step of a solver line
        self.plan: deque[Action] = deque()
        self.plan_level = -1

    def click(self, engine: Engine) -> Action:
        layout = engine.layout
        terrain, objects = engine.state.grid
        cells = [
            (r, c)
            for r in range(layout.height)
            for c in range(layout.width)
            if CLICKABLE[terrain[r, c]] or CLICKABLE[objects[r, c]]
        ]
        if cells and self.rng.random() < 0.8:  # a random pixel of a clickable cell's block
            r, c = cells[self.rng.integers(len(cells))]
            x = layout.left + c * layout.scale + int(self.rng.integers(layout.scale))
            y = layout.top + r * layout.scale + int(self.rng.integers(layout.scale))
            return Action.click(x, y)
        return Action.click(int(self.rng.integers(FRAME_SIZE)), int(self.rng.integers(FRAME_SIZE)))

    def next(self, engine: Engine) -> Action:
        if engine.game_state == GameState.GAME_OVER:
            self.plan.clear()
            return Action.RESET
        if engine.level != self.plan_level:
            self.plan.clear()
        undo = ActionId.ACTION7 in self.game.actions
        if self.plan:
            # Inside a solver line, a random detour undone at once keeps the line valid.
            if undo and self.rng.random() < self.detours:
                self.plan.appendleft(Action.UNDO)
                return self.random(engine, allow_undo=False)
            return self.plan.popleft()
        roll = self.rng.random()
        if roll < 0.12:
            self.plan.extend([Action.RESET, *solutions(self.game.id)[engine.level]])
            self.plan_level = engine.level
            return self.plan.popleft()
        if roll < 0.15:
            return Action.RESET
        return self.random(engine, allow_undo=True)

    def random(self, engine: Engine, allow_undo: bool) -> Action:
        choices = [a for a in self.game.actions if allow_undo or a != ActionId.ACTION7]
        kind = choices[self.rng.integers(len(choices))]
        if kind == ActionId.ACTION6:
            return self.click(engine)
        return Action(kind)


def run_equivalence(game_id: str, num_envs: int, steps: int, seed: int) -> dict[str, int]:
    game = get_game(game_id)
    starts = [i % game.num_levels for i in range(num_envs)]
    scalars = [Engine(game, level) for level in starts]
    batched = BatchedEngine(game, num_envs, undo_depth=steps + 1)  # deeper than any history here
    batched.reset(level=torch.tensor(starts))
    # An env that starts on the last level takes no detours: a detour into a trap loses a long solver line,
    # and the game is won (WIN) only from its last level.
    last = game.num_levels - 1
    scripts = [Script(game, seed * 1000 + i, detours=0.0 if level == last else 0.15) for i, level in enumerate(starts)]
    rng = np.random.default_rng(seed)
    seen = dict.fromkeys(("advance", "win", "game_over", "undo", "reset", "click_hit"), 0)
    assert_same(batched, scalars, f"{game_id} after reset")
    for t in range(steps):
        actions = [script.next(engine) for script, engine in zip(scripts, scalars, strict=True)]
        for a, e in zip(actions, scalars, strict=True):
            seen["undo"] += a.id == ActionId.ACTION7 and bool(getattr(e, "_history", ()))  # an undo that undid
            seen["reset"] += a.id == ActionId.RESET
            if a.id == ActionId.ACTION6:
                row, _ = e.layout.cell_at(a.x, a.y)
                seen["click_hit"] += row >= 0
        expected = [e.step(a) for a, e in zip(actions, scalars, strict=True)]
        completed = batched.step(*to_tensors(actions))
        assert completed.tolist() == expected, f"{game_id} step {t}: completed flags differ"
        assert_same(batched, scalars, f"{game_id} step {t} actions {[str(a) for a in actions]}")
        seen["advance"] += sum(expected)
        seen["game_over"] += sum(e.game_state == GameState.GAME_OVER for e in scalars)
        won = [i for i, e in enumerate(scalars) if e.game_state == GameState.WIN]
        seen["win"] += len(won)
        if won:  # start new plays at random levels, on both sides
            mask = torch.zeros(num_envs, dtype=torch.bool)
            levels = torch.zeros(num_envs, dtype=torch.long)
            for i in won:
                level = int(rng.integers(game.num_levels))
                scalars[i].reset(level)
                mask[i], levels[i] = True, level
            batched.reset(mask, levels)
            assert_same(batched, scalars, f"{game_id} step {t} after reset(mask)")
    # The from-scratch renderer (used for final observations) agrees with the incremental one.
    drawn = batched.render(batched.grid, batched.vars, batched.level, batched.levels_completed, batched.game_state)
    np.testing.assert_array_equal(drawn.numpy(), batched.frames().numpy())
    return seen


# --- equivalence -------------------------------------------------------------------


@pytest.mark.parametrize("game_id", list_games())
def test_batched_engine_equals_scalar_engine(game_id: str) -> None:
    game = get_game(game_id)
    wanted = ["advance", "win", "reset"]
    wanted += ["game_over"] * bool(game.lose) + ["undo"] * (ActionId.ACTION7 in game.actions)
    wanted += ["click_hit"] * (ActionId.ACTION6 in game.actions)
    # A few seeded batches, until the plays have covered every kind of event the game has (deep levels
    # can keep one batch of random plays from ever losing or winning).
    seen: Counter = Counter()
    for attempt in range(4):
        seen.update(run_equivalence(game_id, num_envs=8, steps=160, seed=list_games().index(game_id) + 1000 * attempt))
        if all(seen[event] > 0 for event in wanted):
            break
    assert all(seen[event] > 0 for event in wanted), seen


@pytest.mark.parametrize("game_id", ["ujzd", "1u33", "pft7", "5v2s"])  # push + undo, twins, fog + patrols, clicks
def test_the_batched_engine_split_across_threads_equals_the_scalar_engine(game_id: str, monkeypatch) -> None:
    monkeypatch.setattr(batch, "THREADS", 4)
    monkeypatch.setattr(batch, "MIN_CHUNK", 2)  # 8 envs in 4 chunks: three run on worker threads
    seen = run_equivalence(game_id, num_envs=8, steps=120, seed=7)
    assert seen["advance"] > 0, seen


# --- engine API ----------------------------------------------------------------------


def engine(game_id: str = "ujzd", n: int = 4, **kw) -> BatchedEngine:
    return BatchedEngine(get_game(game_id), n, **kw)


def longs(*values: int) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.long)


def test_bad_inputs_are_rejected_with_the_fix_named() -> None:
    e = engine(n=3)
    zeros = longs(0, 0, 0)
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(3,\)"):
        e.step(longs(1, 1), zeros, zeros)
    with pytest.raises(TypeError, match=r"dtype torch.float32.*torch.long"):
        e.step(torch.ones(3), zeros, zeros)
    with pytest.raises(TypeError, match=r"must be a torch\.long"):
        e.step([1, 1, 1], zeros, zeros)
    with pytest.raises(ValueError, match="is on meta but the engine is on cpu"):
        e.step(longs(1, 1, 1).to("meta"), zeros, zeros)
    # ujzd has no ACTION5 or clicks: envs 0 and 2 are named.
    with pytest.raises(InvalidActionError, match=r"envs \[0, 2\] sent action types \[5, 6\]"):
        e.step(longs(5, 1, 6), zeros, zeros)
    with pytest.raises(InvalidActionError, match=r"envs \[1\] sent action types \[9\]"):
        e.step(longs(1, 9, 1), zeros, zeros)
    assert e.action_count.tolist() == [0, 0, 0], "a rejected step changes nothing"
    clicks = engine("d6nc", n=2)
    with pytest.raises(InvalidActionError, match=r"envs \[1\] sent clicks .* outside the frame"):
        clicks.step(longs(6, 6), longs(3, 64), longs(3, 3))
    last = e.num_levels - 1
    with pytest.raises(ValueError, match=rf"level must be an integer in 0\.\.{last}"):
        e.reset(level=last + 1)
    with pytest.raises(ValueError, match=rf"envs \[1\] got \[{last + 2}\]"):
        e.reset(level=longs(0, last + 2, 0))
    with pytest.raises(ValueError, match=rf"reset_level must be None .* in 0\.\.{last}, got {last + 1}"):
        e.step(longs(1, 1, 1), zeros, zeros, auto_reset=True, reset_level=last + 1)
    with pytest.raises(ValueError, match=r"max_actions must be None \(no limit\) or a positive integer, got 2\.5"):
        e.step(longs(1, 1, 1), zeros, zeros, auto_reset=True, max_actions=2.5)
    with pytest.raises(ValueError, match=r"max_actions must be .*, got 0"):
        e.step(longs(1, 1, 1), zeros, zeros, auto_reset=True, max_actions=0)
    assert e.action_count.tolist() == [0, 0, 0], "a rejected step changes nothing"
    strided = longs(1, 9, 1, 9, 1, 9)[::2]  # a non-contiguous view is read as its values
    e.step(strided, zeros, zeros)
    assert e.action_count.tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="num_envs must be a positive integer"):
        engine(n=0)


def test_actions_after_the_end_are_rejected_per_env() -> None:
    game = get_game("e8gx")  # keys and doors: lava loses
    e = BatchedEngine(game, 3)
    e.reset(level=1)  # "#@..L..k#": three steps right reach lava
    right, zeros = longs(4, 4, 1), longs(0, 0, 0)
    for _ in range(3):
        e.step(right, zeros, zeros)
    assert e.game_state.tolist() == [GAME_OVER, GAME_OVER, 0]
    with pytest.raises(GameEndedError, match=r"envs \[1\] are GAME_OVER"):
        e.step(longs(0, 4, 1), zeros, zeros)
    e.step(longs(0, 0, 1), zeros, zeros)  # RESET retries the level, keeping counts
    assert e.game_state.tolist() == [0, 0, 0] and e.action_count.tolist() == [4, 4, 4]
    level = torch.full((3,), game.num_levels - 1)
    e.reset(level=level)
    for action in solutions("e8gx")[-1][:-1]:
        e.step(longs(action.id, action.id, 1), zeros, zeros)
    last = solutions("e8gx")[-1][-1]
    assert e.step(longs(last.id, last.id, 1), zeros, zeros).tolist() == [True, True, False]
    assert e.game_state.tolist() == [WIN, WIN, 0]
    with pytest.raises(GameEndedError, match=r"envs \[0, 1\] have won"):
        e.step(longs(0, 0, 0), zeros, zeros)


def test_undo_remembers_the_last_undo_depth_states() -> None:
    game = get_game("ujzd")
    e = BatchedEngine(game, 2, undo_depth=3)
    scalar = Engine(game)
    e.reset(level=1)
    scalar.reset(1)
    zeros = longs(0, 0)
    for action in (Action.RIGHT, Action.DOWN, Action.RIGHT, Action.DOWN, Action.LEFT):
        e.step(longs(action.id, action.id), zeros, zeros)
        scalar.step(action)
    boards = []
    for _ in range(5):
        boards.append(e.board(0).clone())
        e.step(longs(7, 7), zeros, zeros)
        scalar.step(Action.UNDO)
        if len(boards) <= 3:  # within the depth, undo matches the unbounded scalar history
            np.testing.assert_array_equal(e.board(0).numpy(), scalar.state.grid)
    # After three undos the ring is empty: further undos are counted no-ops.
    assert torch.equal(e.board(0), boards[3]) and torch.equal(e.board(0), boards[4])
    assert e.action_count.tolist() == [10, 10]


def test_auto_reset_starts_new_plays_and_reports_final_states() -> None:
    game = get_game("e8gx")
    e = BatchedEngine(game, 3, seed=0)
    e.reset(level=longs(game.num_levels - 1, 1, 0))
    line = solutions("e8gx")[-1]
    zeros = longs(0, 0, 0)
    for t, action in enumerate(line):
        lava = 4 if t < 3 else 1  # env 1 walks into lava on its third step, then is reset to level 0
        out = e.step(longs(action.id, lava, 1), zeros, zeros, auto_reset=True)
        if t == 2:
            assert out.lost.tolist() == [False, True, False] and out.reset.tolist() == [False, True, False]
            assert out.final is not None and out.final.index.tolist() == [1]
            assert out.final.game_state.tolist() == [GAME_OVER] and out.final.action_count.tolist() == [3]
            assert e.level[1] == 0 and e.action_count[1] == 0 and e.game_state[1] == 0
    assert out.won.tolist() == [True, False, False] and out.completed[0]
    assert out.final.index.tolist() == [0] and out.final.levels_completed.tolist() == [1]
    final = out.final
    final_frame = e.render(final.grid, final.vars, final.level, final.levels_completed, final.game_state)[0]
    assert (final_frame != e.frames()[0]).any(), "the final frame shows the won board, not the new play"
    assert (final_frame[:4] == STRIP_BACKGROUND[WIN]).any(), "the final frame's strip shows the WIN"
    assert e.level[0] == 0 and e.game_state[0] == 0 and e.levels_completed[0] == 0
    # reset_level=None samples start levels with the engine's generator.
    e.seed(1)
    e.reset(level=game.num_levels - 1)
    levels = set()
    for _ in range(40):
        out = e.step(longs(0, 0, 0), zeros, zeros, auto_reset=True, reset_level=None, max_actions=1)
        levels |= set(e.level.tolist())
    assert out.truncated.all() and len(levels) > 2


def test_a_plain_python_rule_is_refused_when_the_game_loads() -> None:
    def spin(state: State, act: Act) -> None:
        pass

    with pytest.raises(GameDefinitionError, match=r"'spin' .* plain Python function.*docs/authoring.md"):
        Game(id="zz01", title="custom", split="public", levels=["#@G#"], actions=(ActionId.ACTION4,),
             rules=(spin, move_avatar), win=(reach_goal,))  # fmt: skip


def test_the_engine_runs_on_the_cpu_or_cuda_and_says_so() -> None:
    with pytest.raises(ValueError, match=r"runs on the CPU or on CUDA, not mps.*device=.cuda."):
        BatchedEngine(get_game("ujzd"), 2, device="mps")


def test_import_arcgames_does_not_import_torch() -> None:
    code = "import sys, arcgames, arcgames.env, arcgames.cli; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- vector env ------------------------------------------------------------------------


def test_vector_env_shapes_masks_and_autoreset() -> None:
    envs = BatchedVectorEnv("e8gx", 4)
    assert envs.metadata["autoreset_mode"] == gym.vector.AutoresetMode.SAME_STEP
    codec = ActionCodec(get_game("e8gx").actions)
    assert envs.single_action_space == gym.spaces.Discrete(codec.n)
    assert envs.action_space.shape == (4,)
    obs, info = envs.reset(seed=3, options={"level": 1})
    assert obs.shape == (4, 64, 64) and obs.dtype == np.uint8 and envs.observation_space.contains(obs)
    assert info["level"].tolist() == [1, 1, 1, 1] and info["action_mask"].shape == (4, codec.n)
    right = codec.encode(Action.RIGHT)
    stay = codec.encode(Action.LEFT)
    for _ in range(3):  # env 0 walks into lava on the third step: terminated, then reset in the same step
        obs, reward, terminated, _, info = envs.step(np.array([right, stay, stay, stay]))
    assert terminated.tolist() == [True, False, False, False] and reward.dtype == np.float64
    assert info["_final_obs"].tolist() == [True, False, False, False]
    assert info["final_obs"][0].shape == (64, 64) and info["final_obs"][1] is None
    assert info["final_info"]["state"][0] == GAME_OVER and info["final_info"]["_state"][0]
    assert info["level"][0] == 0 and info["action_count"][0] == 0 and info["action_count"][1] == 3
    assert (info["action_mask"] == 1).all()
    with pytest.raises(InvalidActionError, match=r"envs \[2\] sent action indices \[5\].*0\.\.4"):
        envs.step(np.array([0, 0, codec.n, 0]))
    envs.close()


def test_vector_env_as_tensor_and_truncation() -> None:
    envs = BatchedVectorEnv("d6nc", 3, as_tensor=True, max_actions=5)
    obs, _ = envs.reset(seed=0)
    assert isinstance(obs, torch.Tensor) and obs.shape == (3, 64, 64)
    envs.action_space.seed(0)
    for _ in range(3):
        obs, reward, terminated, truncated, info = envs.step(torch.as_tensor(envs.action_space.sample()))
        assert isinstance(reward, torch.Tensor) and reward.shape == (3,) and obs.shape == (3, 64, 64)
    assert info["action_mask"].shape == (3, 4097)
    envs.reset()
    for t in range(5):  # RESET actions: nothing ends, so every play is truncated at the fifth action
        obs, reward, terminated, truncated, info = envs.step(torch.zeros(3, dtype=torch.long))
        assert truncated.all() == (t == 4) and not terminated.any()
    assert info["_final_obs"].all() and info["final_obs"].shape == (3, 64, 64)
    assert info["final_info"]["action_count"].tolist() == [5, 5, 5] and info["action_count"].tolist() == [0, 0, 0]


def test_vector_env_works_with_gymnasium_vector_wrappers() -> None:
    envs = gym.wrappers.vector.RecordEpisodeStatistics(BatchedVectorEnv("ujzd", 3, max_actions=4))
    envs.reset(seed=0)
    envs.action_space.seed(0)
    for _ in range(4):
        _, _, terminated, truncated, info = envs.step(envs.action_space.sample())
    assert (terminated | truncated).all() and info["episode"]["l"].tolist() == [4, 4, 4]
    listed = gym.wrappers.vector.DictInfoToList(BatchedVectorEnv("ujzd", 2))
    _, infos = listed.reset(options={"level": [1, 2]})
    assert [info["level"] for info in infos] == [1, 2]


def test_vector_env_partial_reset_and_sampled_levels() -> None:
    envs = BatchedVectorEnv("d6nc", 8, reset_level=None)
    _, first = envs.reset(seed=5)
    _, again = envs.reset(seed=5)
    assert first["level"].tolist() == again["level"].tolist() and len(set(first["level"].tolist())) > 1
    envs = BatchedVectorEnv("d6nc", 4)
    envs.reset(seed=5, options={"level": 3})
    _, info = envs.reset(options={"reset_mask": np.array([True, False, True, False]), "level": 1})
    assert info["level"].tolist() == [1, 3, 1, 3]
    with pytest.raises(ValueError, match="unknown reset options"):
        envs.reset(options={"levle": 1})


def test_missing_torch_names_the_install_command() -> None:
    code = "import sys\nsys.modules['torch'] = None  # importing torch now fails\n"
    code += "try:\n import arcgames.batched\nexcept ImportError as e:\n print(e)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'arcgames[rl]'" in out
