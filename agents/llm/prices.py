"""Model prices in USD per 1M input / output tokens, for the cost recorded with each action.

The built-in table holds list prices of a few well-known models (as published by their
providers in 2025; check yours). Add or override models with a JSON file named by the
environment variable ARCGAMES_LLM_PRICES::

    {"my-model": {"input": 0.5, "output": 1.5}}

A model is matched by its exact name, else as a dated snapshot or ``-latest`` alias of a
known name (``gpt-4o-mini-2024-07-18`` -> ``gpt-4o-mini``), after dropping a ``provider/``
prefix. Other variants (``o3-pro``) are not guessed: they may cost very differently.
Unknown models (local ones, typically) cost 0, and the agent's config says so.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

PRICES_VARIABLE = "ARCGAMES_LLM_PRICES"
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$")  # "-2024-07-18", "-20250514", "-latest"


@dataclass(frozen=True)
class Price:
    input: float  # USD per 1M prompt tokens
    output: float  # USD per 1M completion tokens
    source: str  # "built-in" or the JSON file it came from

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.input + tokens_out * self.output) / 1_000_000


BUILTIN: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o3": (2.00, 8.00),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-sonnet-4": (3.00, 15.00),
    "gemini-2.5-flash": (0.30, 2.50),
    "gemini-2.5-pro": (1.25, 10.00),
}


def load_prices(path: str | Path | None = None) -> dict[str, Price]:
    """The built-in table updated from ``path`` (default: the file named by ARCGAMES_LLM_PRICES)."""
    prices = {name: Price(i, o, "built-in") for name, (i, o) in BUILTIN.items()}
    path = path or os.environ.get(PRICES_VARIABLE)
    if not path:
        return prices
    try:
        data = json.loads(Path(path).read_text())
    except OSError as err:
        raise ValueError(f"cannot read the price file {path} ({err.strerror}); fix {PRICES_VARIABLE}") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"price file {path} is not valid JSON ({err.msg}, line {err.lineno})") from None
    if not isinstance(data, dict):
        raise ValueError(f'price file {path} must hold an object like {{"my-model": {{"input": 0.5, "output": 1.5}}}}')
    for name, entry in data.items():
        try:
            prices[name] = Price(float(entry["input"]), float(entry["output"]), str(path))
        except (TypeError, KeyError, ValueError):
            raise ValueError(
                f'price file {path}: {name!r} needs numbers "input" and "output" (USD per 1M tokens), got {entry!r}'
            ) from None
    return prices


def price_for(model: str, prices: dict[str, Price] | None = None) -> Price | None:
    """The price of ``model`` (exact name, else a dated snapshot of a known name), or None if unknown."""
    prices = load_prices() if prices is None else prices
    for name in (model, model.rpartition("/")[2]):
        if name in prices:
            return prices[name]
        base = _SNAPSHOT.sub("", name)
        if base in prices:
            return prices[base]
    return None
