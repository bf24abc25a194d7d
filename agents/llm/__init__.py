"""The LLM agent (``--agent llm``): prompt building, reply parsing and the HTTP client as separate pieces."""

from .agent import LLMAgent, Stats
from .client import LLMClient, LLMResponse, ToolsUnsupportedError
from .parse import ReplyError, parse_reply
from .prices import Price, price_for

__all__ = [
    "LLMAgent",
    "LLMClient",
    "LLMResponse",
    "Price",
    "ReplyError",
    "Stats",
    "ToolsUnsupportedError",
    "parse_reply",
    "price_for",
]
