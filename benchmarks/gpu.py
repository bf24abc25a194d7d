"""The GPU measurement of issue 14, prepared for a machine with an NVIDIA GPU: the batched engine on CUDA and
PPO end to end on CUDA, printed with the machine's details.

    pip install -e '.[cuda]'              # numba-cuda and the CUDA libraries (a CUDA build of torch first)
    python benchmarks/gpu.py              # both parts, on the first GPU
    python benchmarks/gpu.py --json > gpu.json
    python benchmarks/gpu.py --games all --seconds 2 --ppo-steps 20000000

1. **Batched engine**: ``arcgames bench --batched --device cuda --envs 65536`` for the chosen games (full
   64x64 frames after every step, auto-reset, uniformly random actions; the scalar engine alongside, as
   that command does). Goal: 10 M env steps/s, median over games.
2. **PPO end to end**: ``python -m arcgames.agents.ppo.train --device cuda --engine-device cuda`` for
   ``--ppo-steps`` env steps (rollouts, the engines on the GPU, and the updates). Goal: 500 k env steps/s.

Each part prints PASS or FAIL against its goal; nothing here is an assertion. Under numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, no GPU) it runs end to end at tiny sizes, which is how the tests check it; its
numbers then measure nothing and say so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch
from rich.console import Console
from rich.text import Text

from arcgames.agents.ppo.train import Args, train
from arcgames.batched.bench import CUDA_ENVS, device_name, print_report, run_batched_bench
from arcgames.bench import platform_info
from arcgames.registry import UnknownGameError, get_game, list_games

PPO_TARGET = 500_000.0  # env steps/s, PPO end to end on a GPU (issue 14)
# Default games: different mechanics (pushing, clicks, chasers, keys, ice, fog), so that a 15-minute GPU
# session can run both parts; --games all measures every game.
DEFAULT_GAMES = ("ujzd", "0ce9", "pf91", "e8gx", "93hw", "xtpl")


def machine() -> dict:
    """What the numbers were measured on."""
    info = platform_info().model_dump()
    info["torch"] = torch.__version__
    info["gpu"] = device_name("cuda")
    for package in ("numba", "numba-cuda"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    return info


def measure_ppo(games: list[str], num_envs: int, num_steps: int, total_steps: int, out: Path) -> dict:
    """PPO on CUDA, engines on CUDA: env steps/s over the timed updates (train's own clock, after setup)."""
    args = Args(games=",".join(games), num_envs=num_envs, num_steps=num_steps, total_steps=total_steps,
                device="cuda", engine_device="cuda", out=out, progress_seconds=30.0)  # fmt: skip
    with contextlib.redirect_stdout(sys.stderr):  # train's progress lines; stdout stays for the report
        summary = train(args)
    seconds = summary["wall_seconds"]
    return {"device": summary["device"], "hardware": summary["hardware"], "num_envs": num_envs,
            "env_steps": summary["env_steps"], "seconds": seconds,
            "steps_per_s": summary["env_steps"] / seconds if seconds > 0 else 0.0}  # fmt: skip


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--games",
        default=",".join(DEFAULT_GAMES),
        help="comma-separated game ids, or all (default: six games of different mechanics)",
    )
    parser.add_argument("--envs", type=int, default=CUDA_ENVS, help=f"batched engine envs (default {CUDA_ENVS:,})")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per batched measurement (default 1)")
    parser.add_argument("--rounds", type=int, default=1, help="alternating scalar/batched rounds (default 1)")
    parser.add_argument("--ppo-envs", type=int, default=16_384, help="PPO envs over the games (default 16,384)")
    parser.add_argument("--ppo-rollout", type=int, default=64, help="PPO steps per env per update (default 64)")
    parser.add_argument("--ppo-steps", type=int, default=5_000_000, help="PPO env steps (default 5,000,000)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    err = Console(stderr=True)
    try:
        games = list_games() if args.games == "all" else [g for g in args.games.split(",") if g]
        for game_id in games:
            get_game(game_id)
        for name in ("envs", "rounds", "ppo_envs", "ppo_rollout", "ppo_steps"):
            if getattr(args, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
        if args.seconds <= 0:
            raise ValueError(f"--seconds must be positive, got {args.seconds}")
        from arcgames.batched.cuda import tensor_device

        tensor_device("cuda")  # no GPU (and no simulator): say so before anything runs
    except (UnknownGameError, ValueError, RuntimeError) as error:
        err.print(Text(f"error: {error}", style="bold red"))
        return 2
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        err.print(Text("note: numba's CUDA simulator, no GPU: a check that this script runs, not a measurement"))
    report = run_batched_bench(games, args.seconds, num_envs=args.envs, rounds=args.rounds, device="cuda",
                               progress=lambda gid: err.print(Text(f"measuring {gid}", style="dim")))  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="arcgames-gpu-ppo-") as out:
        ppo = measure_ppo(games, args.ppo_envs, args.ppo_rollout, args.ppo_steps, Path(out))
    result = {"machine": machine(), "batched": report.model_dump(mode="json"), "ppo": ppo,
              "ppo_target_steps_per_s": PPO_TARGET}  # fmt: skip
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    console = Console()
    m = result["machine"]
    console.print(Text(f"machine: {m['gpu']}; {m['cpu']}, {m['cpus_available']} CPUs; torch {m['torch']}, "
                       f"numba {m['numba']}, numba-cuda {m['numba-cuda']}"))  # fmt: skip
    print_report(report, console)
    mark = Text("PASS", style="bold green") if ppo["steps_per_s"] >= PPO_TARGET else Text("FAIL", style="bold red")
    line = (f" PPO end to end on {ppo['hardware']}: {ppo['steps_per_s']:,.0f} env steps/s over {ppo['env_steps']:,} "
            f"steps, {ppo['num_envs']:,} envs (target >= {PPO_TARGET:,.0f})")  # fmt: skip
    console.print(mark + Text(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
