"""Reply parsing: a tool call's arguments or a strict JSON text reply -> an arcgames Action.

Every failure raises :class:`ReplyError` whose message is written *for the model*: it
is sent back as the answer to the bad reply, so it says what was wrong and how to fix it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from arcgames.actions import FRAME_SIZE, Action, ActionId

from .prompt import listed

NOTE_LIMIT = 200  # characters of a note kept for the history
SHOWN_CHARS = 40  # of a bad value quoted back to the model
# Why accept names like "up": small models often answer with the meaning instead of the id.
ALIASES = {
    "UP": ActionId.ACTION1,
    "DOWN": ActionId.ACTION2,
    "LEFT": ActionId.ACTION3,
    "RIGHT": ActionId.ACTION4,
    "INTERACT": ActionId.ACTION5,
    "USE": ActionId.ACTION5,
    "CLICK": ActionId.ACTION6,
    "UNDO": ActionId.ACTION7,
}
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_EXAMPLE = '{"action": "ACTION1", "note": "..."}'


class ReplyError(ValueError):
    """A reply that is not a valid action; the message tells the model what to fix."""


def shown(value: Any) -> str:
    """A bad value quoted back to the model, cut short (a reply may hold megabytes of it)."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


def loads(text: str) -> Any:
    """``json.loads`` that raises ReplyError, with the reason, on every failure.

    Why more than JSONDecodeError: a number of more than 4300 digits raises ValueError,
    and nesting deeper than the interpreter's recursion limit raises RecursionError.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ReplyError(f"{err.msg} at line {err.lineno} column {err.colno}") from None
    except (ValueError, RecursionError) as err:
        raise ReplyError(str(err).split(":")[0] or type(err).__name__) from None


@dataclass(frozen=True)
class ParsedReply:
    action: Action
    note: str


def parse_json_object(text: str | None) -> dict[str, Any]:
    """A reply's text as one JSON object (a surrounding ``` fence is tolerated, nothing else)."""
    if not text or not text.strip():
        raise ReplyError(f"the reply was empty; answer with one JSON object like {_EXAMPLE}")
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        value = loads(body)
    except ReplyError as err:
        raise ReplyError(
            f"the reply is not valid JSON ({err}); answer with only one JSON object like {_EXAMPLE}"
        ) from None
    if not isinstance(value, dict):
        raise ReplyError(f"the reply is JSON but not an object; answer with one object like {_EXAMPLE}")
    return value


_INTEGER = re.compile(r"-?[0-9]{1,6}")  # ASCII digits only: str.isdigit() also takes "²", which int() refuses


def _coordinate(args: dict[str, Any], name: str) -> int:
    value = args.get(name)
    number: int | None = None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None:
        raise ReplyError(
            f"ACTION6 (click) needs integer x and y in 0..{FRAME_SIZE - 1}; {name} was {shown(value)}. "
            'Example: {"action": "ACTION6", "x": 10, "y": 20}'
        )
    if not 0 <= number < FRAME_SIZE:
        raise ReplyError(f"click {name}={shown(number)} is outside the frame; x and y must be in 0..{FRAME_SIZE - 1}")
    return number


def action_from_args(args: dict[str, Any], available: tuple[ActionId, ...]) -> ParsedReply:
    """Turn ``{"action": ..., "x": ..., "y": ..., "note": ...}`` into an Action this game uses."""
    names = ", ".join(listed(available))
    name = args.get("action")
    if not isinstance(name, str) or not name.strip():
        raise ReplyError(f'the reply has no "action" name; use one of: {names}')
    key = name.strip().upper()
    action_id = ActionId[key] if key in ActionId.__members__ else ALIASES.get(key)
    if action_id is None:
        raise ReplyError(f"unknown action {shown(name)}; use one of: {names}")
    if action_id not in available:
        raise ReplyError(f"{action_id.name} is not available in this game; use one of: {names}")
    if action_id == ActionId.ACTION6:
        action = Action.click(_coordinate(args, "x"), _coordinate(args, "y"))
    else:
        action = Action(action_id)  # stray x/y on other actions are ignored: models often send nulls
    note = args.get("note")
    return ParsedReply(action, note.strip()[:NOTE_LIMIT] if isinstance(note, str) else "")


def action_args(action: Action, note: str = "") -> dict[str, Any]:
    """The reply arguments that :func:`action_from_args` reads back as ``action``: its inverse (SFT targets)."""
    args: dict[str, Any] = {"action": action.id.name}
    if action.id == ActionId.ACTION6:
        args |= {"x": action.x, "y": action.y}
    return args | ({"note": note} if note else {})


def parse_reply(text: str | None, tool_args: str | None, available: tuple[ActionId, ...]) -> ParsedReply:
    """Parse a reply: the tool call's JSON arguments when there is a call, else the text as JSON."""
    if tool_args is not None:
        try:
            args = loads(tool_args) if tool_args.strip() else {}
        except ReplyError as err:
            raise ReplyError(f"the take_action arguments are not valid JSON ({err}); call it again") from None
        if not isinstance(args, dict):
            raise ReplyError("the take_action arguments must be a JSON object; call it again")
        return action_from_args(args, available)
    return action_from_args(parse_json_object(text), available)
