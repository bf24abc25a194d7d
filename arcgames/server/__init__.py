"""``arcgames serve``: the ARC-AGI-3 REST API over arcgames games (needs the ``serve`` extra).

Official ARC-AGI-3 clients (``arc_agi.Arcade`` in ONLINE mode, the agents repo) play
arcgames games through it; every play is recorded in arcgames' format so it can be
replay-verified, scored and submitted. Reading order: ``games`` (ids, metadata),
``sessions`` (cards, guids, plays), ``scorecard`` (scores), ``app`` (routes).
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from arcgames.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app", "serve"]


def serve(
    config: ServerConfig, host: str = "127.0.0.1", port: int = 8001, announce: Callable[[str], None] = print
) -> None:
    """Serve until interrupted. ``port=0`` picks a free port; ``announce`` gets the URL once it is bound."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))  # bound here so port 0 works and the real port can be announced
    sock.listen(2048)  # from here on connections queue up, so a client may connect as soon as it reads the URL
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    announce(f"http://{shown}:{bound}")
    server.run(sockets=[sock])
