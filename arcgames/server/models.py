"""Request and response bodies of the ARC-AGI-3 compatible API (they make the OpenAPI schema).

Validation is strict where the toolkit was loose: click coordinates are integers
0..63 (no floats, strings or booleans), ``tags`` is a list of strings, and sizes are
bounded. Unknown extra fields are ignored, as the toolkit does.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

MAX_BLOB_BYTES = 16 * 1024  # reasoning and opaque: the toolkit's real limit (its message says 8 KB)
Id = Annotated[StrictStr, Field(min_length=1, max_length=64)]
Coordinate = Annotated[StrictInt, Field(ge=0, le=63)]


def _check_blob(value: Any, name: str) -> Any:
    if value is not None and len(json.dumps(value, separators=(",", ":")).encode()) > MAX_BLOB_BYTES:
        raise ValueError(f"{name} exceeds {MAX_BLOB_BYTES} bytes of compact JSON")
    return value


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class OpenScorecard(_Body):
    tags: list[Annotated[StrictStr, Field(max_length=100)]] | None = Field(None, max_length=32)
    source_url: Annotated[StrictStr, Field(max_length=2048)] | None = None
    opaque: Any = Field(None, description=f"any JSON value, echoed back; at most {MAX_BLOB_BYTES} bytes compact")
    competition_mode: Any = Field(None, description="accepted and ignored: this server has no competition mode")

    _opaque = field_validator("opaque")(lambda cls, v: _check_blob(v, "opaque"))


class CloseScorecard(_Body):
    card_id: Id


class CardId(BaseModel):
    card_id: str


class ApiKey(BaseModel):
    api_key: str


class Command(_Body):
    """RESET and ACTION1..5, 7. RESET without guid starts a game on ``card_id``."""

    game_id: Id = Field(description='"<id>" or "<id>-<version>" as GET /api/games lists it')
    guid: Id | None = Field(None, description="the game session; required for everything but starting a game")
    card_id: Id | None = Field(None, description="the scorecard to start a game on (RESET without guid)")
    reasoning: Any = Field(None, description=f"any JSON value, echoed back; at most {MAX_BLOB_BYTES} bytes compact")

    _reasoning = field_validator("reasoning")(lambda cls, v: _check_blob(v, "reasoning"))


class Click(Command):
    """ACTION6: a click at column ``x``, row ``y`` of the 64x64 frame."""

    x: Coordinate
    y: Coordinate


class ActionInput(BaseModel):
    id: int = Field(ge=0, le=7)
    data: dict[str, Any]
    reasoning: Any = None


class FrameResponse(BaseModel):
    """FrameData: the state of a game after a command."""

    game_id: str
    guid: str
    frame: list[list[list[int]]] = Field(description="one 64x64 frame of palette indices 0..15")
    state: str = Field(description="NOT_FINISHED, WIN or GAME_OVER")
    levels_completed: int
    win_levels: int
    action_input: ActionInput
    available_actions: list[int]
    full_reset: bool = Field(description="true when the reply starts a new play from level 1")


class GameInfo(BaseModel):
    game_id: str
    title: str
    default_fps: int
    tags: list[str]
    date_downloaded: str
    class_name: str


class ErrorBody(BaseModel):
    error: str = Field(description="VALIDATION_ERROR, NOT_FOUND, AUTH_ERROR, FORBIDDEN, GAME_NOT_STARTED_ERROR, ...")
    message: str


# The error replies every route documents (its OpenAPI ``responses``).
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 409, 413, 415, 429)
}
