"""The browser pages of ``arcgames serve``: play, replay, and a study's pages (docs/serve.md, "Pages").

The pages are static files shipped in ``arcgames/server/static`` (no build step, nothing
fetched from anywhere but the host). They talk to the host only through JSON routes, so
everything a person does is applied and recorded by the server's own :class:`Session`
objects, exactly as the REST API applies an agent's actions: a browser sends key presses
and clicks, never frames or counts, and cannot forge a recording.

The routes under ``/web/api`` add to the REST API only what a person needs and an agent
does not: the status line, help and end screens of the pygame window (one definition, in
:mod:`arcgames.controls`), the shared refusal of keys a game does not use (never sent, so
they never count), and replays computed server-side from a recording's actions.
"""

import hmac
import re
import tempfile
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import Depends, FastAPI, Header, Query
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from arcgames.actions import ActionId
from arcgames.controls import (
    CONTROLS,
    IDLE_NOTE,
    UNUSED_HINTS,
    browser_keys,
    end_lines,
    help_lines,
    refusal,
    solved_line,
    status_line,
)
from arcgames.engine import GameState
from arcgames.palette import PALETTE_RGB
from arcgames.recording import RecordingError, read_recording
from arcgames.registry import UnknownGameError
from arcgames.replay import Divergence, simulate, start_engine
from arcgames.server.games import Catalogue
from arcgames.server.models import ERRORS, Coordinate, Id
from arcgames.server.sessions import ApiError, Session, Store, action_for, hosted_game, not_found

STATIC = files("arcgames.server") / "static"
PAGES = {"/play": "play.html", "/replay": "replay.html", "/study": "study.html", "/study/admin": "admin.html"}
MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # a replay upload: a recording of ~25,000 actions, JSON-wrapped
MAX_REPLAY_STEPS = 20_000  # frames sent back to the page: 4 KiB each
HINT_MS, SOLVED_MS = 2500, 600  # as the pygame window (arcgames.play)
# The pages run only their own files: no inline script or style, nothing from other hosts, no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a page URL can carry a participant's link
    "Cache-Control": "no-store",
}
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".png": "image/png"}  # fmt: skip
SAFE_FILE = re.compile(r"^[A-Za-z0-9_.-]{1,200}\.jsonl$")
SAFE_CARD = re.compile(r"^[A-Za-z0-9-]{1,64}$")
PAGE_ACTIONS = Literal["RESET", "ACTION1", "ACTION2", "ACTION3", "ACTION4", "ACTION5", "ACTION6", "ACTION7"]


class PageStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_id: Id
    game_id: Id


class PageAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guid: Id
    action: PAGE_ACTIONS
    x: Coordinate | None = None
    y: Coordinate | None = None


class ReplayUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(max_length=MAX_UPLOAD_BYTES, description="the recording file's text (JSON lines)")


def hex_frame(frame: np.ndarray) -> str:
    """A 64x64 frame as 4096 hex digits, row by row: a quarter of the JSON array's size."""
    return frame.astype(np.uint8).tobytes().hex()[1::2]  # each byte 0..15 is "0X"; keep the X


def session_info(session: Session) -> dict[str, Any]:
    """The env's ``info`` fields that the status line reads, from the session's engine."""
    engine = session.engine
    return {
        "level": engine.level,
        "levels_completed": engine.levels_completed,
        "num_levels": session.hosted.game.num_levels,
        "state": engine.game_state.value,
        "action_count": engine.action_count,
        "level_action_count": engine.level_actions,
    }


def page_view(session: Session, hint: str = "", solved: np.ndarray | None = None) -> dict[str, Any]:
    """What the play page shows after a key press: frame, status line, note, overlays, controls."""
    info = session_info(session)
    available = tuple(sorted(set(session.hosted.game.actions) | {ActionId.RESET}))  # as the env's info lists them
    view = {
        "guid": session.guid,
        "game_id": session.hosted.full_id,
        "frame": hex_frame(session.frame()),
        "state": info["state"],
        "status": status_line(info),
        "hint": hint,
        "available": [a.name for a in available],
        "help": help_lines(available),
        "end": end_lines(info),
        "levels_completed": info["levels_completed"],
        "num_levels": info["num_levels"],
        "actions": info["action_count"],
        "budget_spent": session.run.budget_spent,
        "solved": None,
    }
    if solved is not None:
        line, note = solved_line(info["level"])  # the next level's 0-based index is the solved level's number
        view["solved"] = {"frame": hex_frame(solved), "status": line, "note": note}
    return view


def page_step(session: Session, name: str, x: int | None, y: int | None) -> dict[str, Any]:
    """Apply one person's action to a session the way the pygame window does; returns the new view.

    Refused actions (a key the game does not use, anything but RESET after game over, anything
    after a win) are answered with the hint and never reach the game, so they never count.
    """
    action_id = ActionId[name]
    if action_id == ActionId.ACTION6 and (x is None or y is None):
        raise ApiError(400, "VALIDATION_ERROR", "ACTION6 needs x and y, the frame pixel clicked (0..63)")
    with session.lock:
        if session.ended:
            raise not_found(f"game session {session.guid} has ended (its scorecard was closed)")
        if session.run.budget_spent:
            return page_view(session, "this play spent a level's action budget and has ended")
        hint = refusal(action_id, session.engine.game_state.value, session.hosted.game.actions, session.pristine)
        if hint:
            return page_view(session, hint)
        before = session.engine.levels_completed
        if action_id == ActionId.RESET:
            session.reset()
        else:
            session.act(action_for(name, x, y))
        engine = session.engine
        next_level = engine.levels_completed > before and engine.game_state != GameState.WIN
        return page_view(session, "", engine.solved_frame if next_level else None)


def controls_json() -> dict[str, Any]:
    """The key table, hints and palette the pages use: the same definitions as the pygame window."""
    return {
        "keys": browser_keys(),
        "undo_with_modifier": ActionId.ACTION7.name,  # with Ctrl/Cmd/Alt held, only undo acts
        "hints": {a.name: text for a, text in UNUSED_HINTS.items()},
        "controls": [[keys, meaning, [a.name for a in actions]] for keys, meaning, actions in CONTROLS],
        "idle_note": IDLE_NOTE,
        "hint_ms": HINT_MS,
        "solved_ms": SOLVED_MS,
        "palette": [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in PALETTE_RGB.tolist()],
    }


def replay_view(text: str, catalogue: Catalogue) -> dict[str, Any]:
    """Replay a recording's actions on the host's engine; the frames are the engine's, never the file's.

    A recording that diverges is shown up to the step before it, with the reason.
    """
    with tempfile.TemporaryDirectory(prefix="arcgames-replay-") as tmp:
        path = Path(tmp) / "upload.jsonl"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            recording = read_recording(path)
        except RecordingError as err:
            raise ApiError(400, "VALIDATION_ERROR", f"not a readable recording: {_strip(err, path)}") from None
    return _replay(recording, catalogue)


def host_replay(out_dir: Path, card_id: str | None, name: str, catalogue: Catalogue) -> dict[str, Any]:
    """The replay of one of the host's own recordings, ``out_dir/card_id/name``; without a card, the one so named.

    Why by name alone: a leaderboard knows each run's file name, not the scorecard it was played on;
    the names hold the session's guid, so one names one recording.
    """
    if (card_id is not None and not SAFE_CARD.match(card_id)) or not SAFE_FILE.match(name):
        raise ApiError(400, "VALIDATION_ERROR", "card and file must be a scorecard id and a recording's .jsonl name")
    found = [out_dir / card_id / name] if card_id is not None else sorted(out_dir.glob(f"*/{name}"))
    path = next((p for p in found if p.is_file()), None)
    if path is None:
        raise not_found(f"no recording {name} here; GET /web/api/recordings lists them")
    card_id = path.parent.name
    try:
        recording = read_recording(path)
    except RecordingError as err:
        raise ApiError(400, "VALIDATION_ERROR", f"unreadable recording: {_strip(err, path)}") from None
    return _replay(recording, catalogue) | {"source": f"{card_id}/{name}"}


def _strip(err: Exception, path: Path) -> str:
    """The error without the server's temporary or data paths."""
    return str(err).replace(f"{path}, ", "").replace(f"{path}: ", "").replace(str(path), "the file")


def _replay(recording, catalogue: Catalogue) -> dict[str, Any]:
    header = recording.header
    hosted = catalogue.games.get(header.game_id)
    if hosted is None or hosted.game.version != header.game_version:
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            f"this host does not serve game {header.game_id} in the version "
            "the recording was made with; replay it where that game is installed (`arcgames replay FILE`)",
        )
    if len(recording.steps) > MAX_REPLAY_STEPS:
        raise ApiError(413, "PAYLOAD_TOO_LARGE", f"{len(recording.steps)} actions; the page replays at most "
                       f"{MAX_REPLAY_STEPS} (use `arcgames replay FILE --gif out.gif`)")  # fmt: skip
    try:
        engine = start_engine(recording)
    except (RecordingError, UnknownGameError) as err:
        raise ApiError(400, "VALIDATION_ERROR", str(err)) from None
    info = {"num_levels": hosted.game.num_levels}

    def status(eng) -> str:
        return status_line(info | {"level": eng.level, "level_action_count": eng.level_actions,
                                   "action_count": eng.action_count, "state": eng.game_state.value})  # fmt: skip

    frames, steps, problem = [hex_frame(engine.frame)], [{"action": "start", "status": status(engine)}], None
    try:
        for step, eng in simulate(recording):
            frames.append(hex_frame(eng.frame))
            steps.append({"action": step.action, "status": status(eng)})
    except Divergence as err:
        problem = str(err)
    return {
        "game_id": hosted.full_id,
        "player": header.player,
        "player_kind": header.player_kind,
        "first_play": header.first_play,
        "frames": frames,
        "steps": steps,
        "verified": problem is None,
        "problem": problem,
        "end": recording.end.reason if recording.end is not None else None,
    }


def list_recordings(out_dir: Path, limit: int = 500) -> list[dict[str, str]]:
    """The host's recordings, newest first: ``{"card", "file"}`` for the replay page."""
    paths = sorted(out_dir.glob("*/*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit]
    return [{"card": p.parent.name, "file": p.name} for p in paths]


def static_response(name: str) -> Response:
    """A file of the static folder, by its plain name only, with the pages' security headers."""
    suffix = Path(name).suffix
    if not re.fullmatch(r"[a-z0-9_-]+\.(html|js|css|png)", name) or suffix not in STATIC_TYPES:
        raise not_found(f"no page file {name}")
    resource = STATIC / name
    if not resource.is_file():
        raise not_found(f"no page file {name}")
    return Response(resource.read_bytes(), media_type=STATIC_TYPES[suffix], headers=SECURITY_HEADERS)


def add_pages(
    app: FastAPI,
    store: Store,
    catalogue: Catalogue,
    key_of: Callable[..., str],
    replays_open: bool,
    admin_key: str | None,
) -> None:
    """Add the pages and their JSON routes to the app.

    ``replays_open``: anyone may replay the host's recordings and upload recordings to replay (an
    open, keyless server); otherwise both need ``X-Admin-Key`` equal to ``admin_key``. Why uploads
    too: replaying any action sequence shows a hosted game's frames without a recorded, budgeted play,
    which would let a competition's participant explore its private games for free.
    """
    Key = Annotated[str, Depends(key_of)]
    check_admin = admin_checker(admin_key)

    def host_replays_allowed(x_admin_key: Annotated[str | None, Header(alias="X-Admin-Key", max_length=256)] = None):
        if not replays_open:
            check_admin(x_admin_key)

    for route, page in PAGES.items():
        app.get(route, include_in_schema=False)(_page(page))

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/play", status_code=307)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        return static_response(name)

    private = {"tags": ["pages"], "responses": ERRORS, "dependencies": [Depends(host_replays_allowed)]}

    @app.get("/web/api/controls", tags=["pages"], responses=ERRORS)
    def controls() -> dict[str, Any]:
        """Keys, hints and palette of the play page (the pygame window's definitions)."""
        return controls_json()

    @app.post("/web/api/start", tags=["pages"], responses=ERRORS)
    def start(body: PageStart, key: Key) -> JSONResponse:
        """Start a game on the caller's scorecard for a person at the play page."""
        session = store.start(store.card(body.card_id, key), hosted_game(catalogue, body.game_id))
        with session.lock:
            return JSONResponse(page_view(session))

    @app.post("/web/api/act", tags=["pages"], responses=ERRORS)
    def act(body: PageAction, key: Key) -> JSONResponse:
        """One key press or click: refused (with the hint, not counted) or applied and recorded."""
        return JSONResponse(page_step(store.session(body.guid, key), body.action, body.x, body.y))

    @app.post("/web/api/replay", **private)
    def replay_upload(body: ReplayUpload) -> JSONResponse:
        """Replay an uploaded recording: its actions are re-run here and the engine's frames sent back."""
        return JSONResponse(replay_view(body.text, catalogue))

    @app.get("/web/api/recordings", **private)
    def recordings() -> list[dict[str, str]]:
        return list_recordings(store.out_dir)

    @app.get("/web/api/recordings/{card_id}/{name}", **private)
    def recording(card_id: str, name: str) -> JSONResponse:
        return JSONResponse(host_replay(store.out_dir, card_id, name, catalogue))

    @app.get("/web/api/recording", **private)
    def recording_by_name(file: Annotated[str, Query(max_length=260)]) -> JSONResponse:
        """A recording by its file name alone (as a leaderboard links it)."""
        return JSONResponse(host_replay(store.out_dir, None, file, catalogue))


def admin_checker(admin_key: str | None) -> Callable[[str | None], None]:
    def check(given: str | None) -> None:
        if admin_key is None:
            raise ApiError(403, "FORBIDDEN", "this host's recordings are private; the host can open them with "
                           "`arcgames replay FILE`, or serve them with an admin key")  # fmt: skip
        if given is None or not hmac.compare_digest(given.encode(), admin_key.encode()):
            raise ApiError(401, "AUTH_ERROR", "missing or wrong X-Admin-Key: open the page with #admin=KEY")

    return check


def _page(name: str) -> Callable[[], Response]:
    def page() -> Response:
        return static_response(name)

    page.__name__ = f"page_{name.split('.')[0]}"
    return page
