"""PPO on the batched engine, in the spirit of CleanRL's ppo.py: read it top to bottom.

    python -m arcgames.agents.ppo.train --device cuda          # writes ppo-runs/<date-time>/
    python -m arcgames.agents.ppo.train --help                 # every hyperparameter, documented

A run writes to a new ``ppo-runs/<date-time>`` folder in the current folder unless
``--out`` says otherwise, so a trial never overwrites the shipped baseline; replacing
that takes ``--out agents/ppo/checkpoint`` on purpose.

An episode is one attempt at one level: it ends when the level is completed (reward 1),
lost, or after ``episode_actions`` actions; the next episode starts at a level sampled
from the training games. The policy sees only frames and each game's action mask.
The policy stays on the device during a rollout; the batched engine steps on the CPU and
frames, actions and outcomes cross once a step (no copies at all on a CPU run), or with
``--engine-device cuda`` it steps on the GPU too and nothing crosses (arcgames.batched.cuda);
stats are read back once per iteration.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import platform
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn, optim

from arcgames.agents.ppo.model import CLICK, ENCODING_VERSION, NUM_TYPES, Policy, type_mask_for
from arcgames.batched import GAME_OVER, BatchedEngine
from arcgames.evaluate import resolve_games
from arcgames.fresh import GameStream
from arcgames.game import Game
from arcgames.registry import get_game

RUNS_FOLDER = Path("ppo-runs")  # relative: in the folder training is started from, never inside the package


@dataclass
class Args:
    games: str = "public"
    """training games: a split name or comma-separated ids (games the batched engine cannot run are skipped)"""
    fresh: str = ""
    """train on freshly generated games instead of --games: a generator preset (tiny, trivial, small, medium,
    high); after every update the oldest training game is replaced by the stream's next game (arcgames.fresh)"""
    fresh_games: int = 8
    """with --fresh: how many generated games are trained on at once"""
    start_levels: str = "all"
    """where episodes start: "all" (uniform over each game's levels) or comma-separated level numbers, 1 = first"""
    total_steps: int = 20_000_000
    """environment steps (actions) to train for, over all envs"""
    num_envs: int = 4096
    """parallel envs, split evenly over the games"""
    num_steps: int = 64
    """rollout length per env between updates"""
    episode_actions: int = 64
    """an episode ends after this many actions without completing its level"""
    learning_rate: float = 3e-4
    """Adam learning rate (annealed linearly to 0)"""
    gamma: float = 0.99
    """discount factor"""
    gae_lambda: float = 0.95
    """GAE lambda"""
    num_minibatches: int = 8
    """minibatches per update epoch"""
    update_epochs: int = 3
    """passes over each rollout"""
    clip_coef: float = 0.2
    """PPO clipping coefficient"""
    ent_coef: float = 0.01
    """entropy bonus"""
    vf_coef: float = 0.5
    """value loss weight"""
    max_grad_norm: float = 0.5
    """gradient clipping"""
    hidden: int = 256
    """width of the policy's hidden layer"""
    seed: int = 1
    """seed for torch, the engines and the policy's sampling"""
    device: str = "cuda" if torch.cuda.is_available() else "cpu"
    """torch device; falls back to CPU with a warning when CUDA is missing"""
    engine_device: str = "cpu"
    """where the batched engines step: cpu (threads), or cuda (the CUDA kernels, state on the GPU)"""
    amp: bool = True
    """bfloat16 autocast for the network on CUDA (ignored on CPU)"""
    out: Path | None = None
    """folder for checkpoint.pt, config.json, metrics.jsonl and learning_curves.png (default: ppo-runs/<date-time>)"""
    log_every: int = 1
    """print a line every this many updates"""
    progress_seconds: float = 10.0
    """within an update, print a progress line at most this often (0: after every rollout step)"""
    extra: dict = field(default_factory=dict)
    """free-form notes stored in config.json"""


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    docs = _field_docs()
    for f in dataclasses.fields(Args):
        if f.name == "extra":
            continue
        default = f.default
        kind = Path if f.name == "out" else {bool: _bool}.get(type(default), type(default))
        parser.add_argument(f"--{f.name.replace('_', '-')}", type=kind, default=default,
                            help=f"{docs.get(f.name, '')} (default: {default})")  # fmt: skip
    return Args(**vars(parser.parse_args(argv)))


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes"):
        return True
    if text.lower() in ("0", "false", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _field_docs() -> dict[str, str]:
    """The docstring under each Args field (the dataclass's documentation, reused as --help)."""
    import ast
    import inspect

    body = ast.parse(inspect.getsource(Args)).body[0].body
    return {
        a.target.id: b.value.value.strip()
        for a, b in itertools.pairwise(body)
        if isinstance(a, ast.AnnAssign) and isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant)
    }


class Envs:
    """The training envs: one batched engine per game, viewed as one batch."""

    def __init__(self, args: Args, device: torch.device, games: list[Game]) -> None:
        self.per_game = max(1, args.num_envs // len(games))
        self.num_envs = self.per_game * len(games)
        self.device = device
        self.episode_actions = args.episode_actions
        self.start_spec, self.seed = args.start_levels, args.seed
        self.generator = torch.Generator(device=device).manual_seed(args.seed)
        # The engines step on --engine-device (their state is shared with torch, no copies); a GPU run with the
        # engines on the CPU moves the frames, actions and outcomes across once a step.
        self.engine_device = args.engine_device
        self.engines: list[BatchedEngine] = []
        self.start_levels: list[Tensor] = []
        self.game_ids: list[str] = []
        for game in games:
            self._add(game)

    def _add(self, game: Game, slot: int | None = None) -> None:
        """Put ``game`` in ``slot`` (replacing the game there) or after the others, with fresh episodes."""
        slot = len(self.engines) if slot is None else slot
        engine = BatchedEngine(game, self.per_game, device=self.engine_device, seed=self.seed + len(self.game_ids))
        levels = self._levels(self.start_spec, engine.num_levels)
        engine.reset(level=self._sample(levels, engine.num_envs).to(engine.device))
        for table, item in ((self.engines, engine), (self.start_levels, levels)):
            table[slot : slot + 1] = [item]
        self.game_ids.append(game.id)  # every game trained on, in order
        self.type_mask = torch.cat([type_mask_for(e.game.actions, self.device).expand(self.per_game, -1)
                                    for e in self.engines])  # fmt: skip

    def replace(self, slot: int, game: Game) -> None:
        """Train on ``game`` instead of the game in ``slot``; its envs start new episodes."""
        self._add(game, slot)

    @staticmethod
    def _levels(spec: str, num_levels: int) -> Tensor:
        """``--start-levels`` (level numbers as people count them, 1 = first) as 0-based indices."""
        try:
            numbers = list(range(1, num_levels + 1)) if spec == "all" else [int(s) for s in spec.split(",")]
        except ValueError:
            numbers = []
        if not numbers or any(not 1 <= n <= num_levels for n in numbers):
            raise ValueError(f'--start-levels {spec!r}: give "all" or level numbers in 1..{num_levels}, e.g. 1,2')
        return torch.tensor([n - 1 for n in numbers])

    def _sample(self, levels: Tensor, n: int) -> Tensor:
        index = torch.randint(len(levels), (n,), generator=self.generator, device=self.device)
        return levels.to(self.device)[index]

    def frames(self) -> Tensor:
        return torch.cat([e.frames() for e in self.engines]).to(self.device)

    def step(self, kind: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """Step every env; returns (reward, done) and starts new episodes where done."""
        rewards, dones = [], []
        where = self.engines[0].device
        for engine, levels, k, xs, ys in zip(
            self.engines,
            self.start_levels,
            *(t.to(where).split(self.per_game) for t in (kind, x, y)),
            strict=True,
        ):
            completed = engine.step(k, xs, ys)
            done = completed | (engine.game_state == GAME_OVER) | (engine.level_actions >= self.episode_actions)
            engine.reset(done, self._sample(levels, engine.num_envs).to(where))
            rewards.append(completed.float())
            dones.append(done)
        return torch.cat(rewards).to(self.device), torch.cat(dones).to(self.device)


class Progress:
    """Progress lines within an update, at most one per ``seconds`` (a first update can take minutes)."""

    def __init__(self, seconds: float, start: float) -> None:
        self.seconds, self.start, self.last = seconds, start, start

    def tick(self, where: str, env_steps: int) -> None:
        now = time.time()
        if now - self.last >= self.seconds:
            sps = env_steps / max(now - self.start, 1e-9)
            print(f"  {where}  steps {env_steps:,}  SPS {sps:,.0f}  {now - self.start:.0f} s", flush=True)
            self.last = now


def hardware(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    return f"CPU: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def random_success(envs: Envs, steps: int) -> float:
    """Levels completed per episode by a uniformly random policy in the same envs (the bar to beat)."""
    completed = episodes = 0.0
    for _ in range(steps):
        kind = torch.multinomial(envs.type_mask.float(), 1, generator=envs.generator).squeeze(1)
        x, y = (torch.randint(64, (envs.num_envs,), device=envs.device, generator=envs.generator) for _ in "xy")
        reward, done = envs.step(kind, x, y)
        completed += float(reward.sum())
        episodes += float(done.sum())
    return completed / max(episodes, 1.0)


def train(args: Args) -> dict:
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("warning: CUDA is not available; training on the CPU instead")
        args.device = "cpu"
    device = torch.device(args.device)
    args.out = out = args.out or RUNS_FOLDER / datetime.now().strftime("%Y%m%d-%H%M%S")
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if args.fresh and args.fresh_games < 1:
        raise ValueError(f"--fresh-games must be at least 1, got {args.fresh_games}")
    stream = GameStream(args.fresh, args.seed) if args.fresh else None
    try:
        return _train(args, device, out, stream)
    finally:
        if stream is not None:
            stream.close()


def _train(args: Args, device: torch.device, out: Path, stream: GameStream | None) -> dict:
    if stream is None:
        games = [get_game(g) for g in resolve_games(args.games)]
    else:
        print(f"drawing {args.fresh_games} fresh {args.fresh} games ...", flush=True)
        games = [next(stream) for _ in range(args.fresh_games)]
    envs = Envs(args, device, games)
    batch_size = envs.num_envs * args.num_steps
    if args.total_steps < batch_size:
        print(f"note: --total-steps {args.total_steps:,} is less than one update ({envs.num_envs} envs x "
              f"{args.num_steps} steps = {batch_size:,} env steps); training runs that one update")  # fmt: skip
    bar_steps = max(args.episode_actions * 4, 64)
    print(f"measuring a random policy in the same envs ({bar_steps * envs.num_envs:,} env steps) ...", flush=True)
    random_bar = random_success(envs, bar_steps)
    print(f"games {','.join(envs.game_ids)}; {envs.num_envs} envs on {hardware(device)}; "
          f"random policy: {random_bar:.3f} levels per episode")  # fmt: skip

    policy = Policy(args.hidden).to(device)
    optimizer = optim.Adam(policy.parameters(), lr=args.learning_rate, eps=1e-5)
    amp = args.amp and device.type == "cuda"
    n, t = envs.num_envs, args.num_steps
    frames_buf = torch.zeros((t, n, 64, 64), dtype=torch.uint8, device=device)
    masks_buf = torch.zeros((t, n, NUM_TYPES), dtype=torch.bool, device=device)
    actions_buf = torch.zeros((t, 3, n), dtype=torch.long, device=device)
    logp_buf, reward_buf, done_buf, value_buf = (torch.zeros((t, n), device=device) for _ in range(4))
    minibatch = batch_size // args.num_minibatches
    updates = max(1, args.total_steps // batch_size)
    done = torch.zeros(n, device=device)
    metrics, start = [], time.time()
    progress = Progress(args.progress_seconds, start)

    for update in range(1, updates + 1):
        for group in optimizer.param_groups:
            group["lr"] = args.learning_rate * (1.0 - (update - 1) / updates)
        ep_done = ep_reward = torch.zeros((), device=device)
        for step in range(t):
            frames = envs.frames()
            frames_buf[step], masks_buf[step], done_buf[step] = frames, envs.type_mask, done
            with torch.no_grad(), torch.autocast(device.type, torch.bfloat16, enabled=amp):
                (kind, x, y), logp, _, value = policy.act(frames, envs.type_mask)
            actions_buf[step] = torch.stack((kind, x, y))
            logp_buf[step], value_buf[step] = logp.float(), value.float()
            reward, done_now = envs.step(kind, x, y)
            reward_buf[step], done = reward, done_now.float()
            ep_done, ep_reward = ep_done + done.sum(), ep_reward + reward.sum()
            progress.tick(f"update {update}/{updates}: rollout step {step + 1}/{t}", (update - 1) * batch_size
                          + (step + 1) * n)  # fmt: skip
        progress.tick(f"update {update}/{updates}: optimising ({args.update_epochs} epochs)", update * batch_size)

        with torch.no_grad(), torch.autocast(device.type, torch.bfloat16, enabled=amp):
            next_value = policy(envs.frames())[3].float()
        advantages = torch.zeros_like(reward_buf)
        last = torch.zeros(n, device=device)
        for step in reversed(range(t)):
            following = done if step == t - 1 else done_buf[step + 1]
            value_next = next_value if step == t - 1 else value_buf[step + 1]
            delta = reward_buf[step] + args.gamma * value_next * (1 - following) - value_buf[step]
            last = delta + args.gamma * args.gae_lambda * (1 - following) * last
            advantages[step] = last
        returns = advantages + value_buf

        flat = {
            "frames": frames_buf.reshape(-1, 64, 64), "masks": masks_buf.reshape(-1, NUM_TYPES),
            "actions": actions_buf.permute(1, 0, 2).reshape(3, -1), "logp": logp_buf.reshape(-1),
            "adv": advantages.reshape(-1), "ret": returns.reshape(-1), "value": value_buf.reshape(-1),
        }  # fmt: skip
        for _ in range(args.update_epochs):
            order = torch.randperm(batch_size, device=device)
            for begin in range(0, batch_size, minibatch):
                idx = order[begin : begin + minibatch]
                with torch.autocast(device.type, torch.bfloat16, enabled=amp):
                    action = tuple(flat["actions"][:, idx])
                    _, logp, entropy, value = policy.act(flat["frames"][idx], flat["masks"][idx], action)
                ratio = (logp.float() - flat["logp"][idx]).exp()
                adv = flat["adv"][idx]
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
                policy_loss = torch.max(-adv * ratio, -adv * ratio.clamp(1 - args.clip_coef, 1 + args.clip_coef))
                value_loss = 0.5 * (value.float() - flat["ret"][idx]).pow(2)
                loss = policy_loss.mean() + args.vf_coef * value_loss.mean() - args.ent_coef * entropy.float().mean()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(policy.parameters(), args.max_grad_norm)
                optimizer.step()

        elapsed = time.time() - start
        row = {
            "update": update, "env_steps": update * batch_size, "seconds": round(elapsed, 2),
            "sps": round(update * batch_size / elapsed), "levels_per_episode": float(ep_reward / ep_done.clamp(min=1)),
            "episodes": int(ep_done), "clicks": float((flat["actions"][0] == CLICK).float().mean()),
        }  # fmt: skip
        metrics.append(row)
        if update % args.log_every == 0 or update == updates:
            print(f"update {update}/{updates}  steps {row['env_steps']:,}  SPS {row['sps']:,}  "
                  f"levels/episode {row['levels_per_episode']:.3f}  (random {random_bar:.3f})")  # fmt: skip
        if stream is not None and update < updates:
            # The rollout's returns are computed, so its envs can change game: the next rollout starts new episodes.
            envs.replace((update - 1) % len(envs.engines), next(stream))

    summary = {
        "games": envs.game_ids, "encoding_version": ENCODING_VERSION, "hardware": hardware(device),
        "device": str(device), "commit": git_commit(), "wall_seconds": round(time.time() - start, 1),
        "torch": str(torch.__version__), "random_levels_per_episode": random_bar, "args": _jsonable(args),
        "final_levels_per_episode": metrics[-1]["levels_per_episode"], "env_steps": metrics[-1]["env_steps"],
    }  # fmt: skip
    save(policy, summary, metrics, out)
    print(f"wrote {out}: checkpoint.pt (PPOAgent(checkpoint=...) plays it), config.json, metrics, curves")
    return summary


def _jsonable(args: Args) -> dict:
    return {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(args).items()}


def save(policy: Policy, summary: dict, metrics: list[dict], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    torch.save({"model": policy.state_dict(), "hidden": policy.click_x.in_features, **summary}, out / "checkpoint.pt")
    (out / "config.json").write_text(json.dumps(summary, indent=1) + "\n")
    (out / "metrics.jsonl").write_text("".join(json.dumps(m) + "\n" for m in metrics))
    plot_curves(metrics, summary, out / "learning_curves.png")


def plot_curves(metrics: list[dict], summary: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    steps = [m["env_steps"] for m in metrics]
    fig = Figure(figsize=(9, 3.5))
    left, right = fig.subplots(1, 2)
    left.plot(steps, [m["levels_per_episode"] for m in metrics], label="PPO")
    left.axhline(summary["random_levels_per_episode"], color="grey", linestyle="--", label="random policy")
    left.set(xlabel="env steps", ylabel="levels completed per episode", title="return")
    left.legend()
    right.plot(steps, [m["sps"] for m in metrics])
    right.set(xlabel="env steps", ylabel="env steps / s", title=f"speed ({summary['hardware']})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    train(parse_args())
