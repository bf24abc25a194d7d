"""Served requests per second: `arcgames serve` beside the official toolkit's local server, one client, one run.

    python benchmarks/serve_rate.py                       # 3 s per server
    python benchmarks/serve_rate.py --seconds 5 --json
    python benchmarks/serve_rate.py --toolkit-python /path/to/py312-venv/bin/python

Each server runs in its own process; this process is the client for all of them: one
kept-alive HTTP/1.1 connection (``http.client``, or ``--client requests``: the official
client's ``requests.Session``), sequential game actions (POST /api/cmd/ACTIONn on a
started game), timed one by one. Measured, in the same run:

- ``arcgames``: `arcgames serve` as shipped (its socket makes asyncio set TCP_NODELAY);
- ``arcgames, Nagle on``: the same server on a protocol-0 socket, as before the fix,
  where each reply waits for the client's delayed ACK;
- ``toolkit``: arc_agi's own local server (Flask) playing tests/arc_games/tc01, when a
  Python with arc-agi is found (``--toolkit-python``, else the venv tests/py312.py
  builds); otherwise the report says it did not run.

Ratios compare requests per second measured here, in this run.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARC_GAMES = REPO / "tests" / "arc_games"  # the official-format test game the toolkit serves
HEADERS = {"Content-Type": "application/json", "X-API-Key": "bench"}

# Run by the toolkit's Python: arc_agi's local server over the test game folder, on the given port.
TOOLKIT_SERVER = """
import logging, sys
logging.disable(logging.CRITICAL)
from arc_agi import Arcade, OperationMode
arcade = Arcade(arc_api_key="bench", operation_mode=OperationMode.OFFLINE, environments_dir=sys.argv[1])
arcade.listen_and_serve(host="127.0.0.1", port=int(sys.argv[2]))
"""


def _serve_arcgames(nagle: bool) -> None:
    """The server side of this script (a child process): `arcgames serve` on one game, URL on stdout."""
    from arcgames.server import ServerConfig, listening_socket, serve

    # uvicorn runs on uvloop when it is installed (the train extra's verifiers pulls it in), and uvloop sets
    # TCP_NODELAY on every socket, which would hide the Nagle stall this compares against: both servers run on
    # asyncio's loop, as `arcgames serve` does without uvloop.
    sys.modules["uvloop"] = None  # type: ignore[assignment]
    out = Path(tempfile.mkdtemp(prefix="arcgames-serve-rate-"))
    sock = listening_socket("127.0.0.1", 0, proto=0 if nagle else socket.IPPROTO_TCP)
    serve(
        ServerConfig(game_ids=[_arcgames_game()], out_dir=out), sock=sock, announce=lambda url: print(url, flush=True)
    )


def _arcgames_game() -> str:
    """A public game with left and right moves, as the toolkit's test game has."""
    from arcgames.actions import ActionId
    from arcgames.registry import get_game, list_games

    return next(g for g in list_games("public") if {ActionId.ACTION3, ActionId.ACTION4} <= set(get_game(g).actions))


def toolkit_python(given: str | None) -> str | None:
    """A Python that imports arc_agi: ``given``, else a venv that tests/py312.py built."""
    candidates = (
        [given] if given else sorted(glob.glob(os.path.join(tempfile.gettempdir(), "arcgames-py3.1*/bin/python")))
    )
    for python in candidates:
        try:
            if subprocess.run([python, "-c", "import arc_agi"], capture_output=True).returncode == 0:
                return python
        except OSError:  # no such interpreter
            continue
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(kind: str, python: str | None) -> tuple[subprocess.Popen, str]:
    """Start one server process; returns it and its base URL once it answers."""
    if kind == "toolkit":
        port = _free_port()
        command = [python, "-c", TOOLKIT_SERVER, str(ARC_GAMES), str(port)]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
    else:
        command = [sys.executable, __file__, "--serve", kind]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        url = proc.stdout.readline().strip()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=5)
            conn.request("GET", "/api/healthcheck")
            if conn.getresponse().status == 200:
                return proc, url
        except (OSError, ValueError, http.client.HTTPException):
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the {kind} server did not start within 60 s")


class Client:
    """One kept-alive connection; ``call`` returns the reply JSON and the seconds it took.

    ``http.client`` by default; ``requests`` is the official client's HTTP library (a
    ``requests.Session`` costs the client more per call, so every server looks slower).
    """

    def __init__(self, url: str, library: str) -> None:
        self.url = url
        if library == "requests":
            import requests

            self.session = requests.Session()
            self.session.headers.update(HEADERS)
        else:
            self.session = None
            self.conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=30)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[object, float]:
        start = time.perf_counter()
        if self.session is not None:
            reply = self.session.request(method, self.url + path, json=body, timeout=30)
            status, data = reply.status_code, reply.content
        else:
            self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=HEADERS)
            response = self.conn.getresponse()
            status, data = response.status, response.read()
        elapsed = time.perf_counter() - start
        if status != 200:
            raise RuntimeError(f"{method} {path} answered {status}: {data[:200]!r}")
        return json.loads(data), elapsed


def measure(url: str, seconds: float, min_requests: int, library: str) -> dict[str, float]:
    """Play left/right moves on one started game for ``seconds``; latency percentiles and requests/s."""
    client = Client(url, library)
    games, _ = client.call("GET", "/api/games")
    game_id = games[0]["game_id"]
    card, _ = client.call("POST", "/api/scorecard/open", {"tags": ["bench"]})
    frame, _ = client.call("POST", "/api/cmd/RESET", {"game_id": game_id, "card_id": card["card_id"]})
    guid = frame["guid"]
    latencies: list[float] = []
    started, n = time.perf_counter(), 0
    while n < 10 + min_requests or time.perf_counter() - started < seconds:
        name = "RESET" if frame["state"] != "NOT_FINISHED" else ("ACTION3", "ACTION4")[n % 2]
        frame, elapsed = client.call("POST", f"/api/cmd/{name}", {"game_id": game_id, "guid": guid})
        if n >= 10:  # the first requests warm caches and the connection
            latencies.append(elapsed)
        else:
            started = time.perf_counter()
        n += 1
    total = sum(latencies)
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "p50_ms": 1000 * cuts[49], "p90_ms": 1000 * cuts[89],
            "requests_per_s": len(latencies) / total}  # fmt: skip


def run(seconds: float, min_requests: int, python: str | None, library: str) -> dict[str, object]:
    servers = ["arcgames", "nagle"] + (["toolkit"] if python else [])
    labels = {"arcgames": "arcgames", "nagle": "arcgames, Nagle on (before the fix)", "toolkit": "toolkit (arc_agi)"}
    results: dict[str, object] = {}
    for kind in servers:
        proc, url = start(kind, python)
        try:
            results[kind] = {"server": labels[kind], **measure(url, seconds, min_requests, library)}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    rate = {kind: r["requests_per_s"] for kind, r in results.items()}
    report: dict[str, object] = {"servers": results, "client": f"{library}, one kept-alive connection"}
    report["arcgames_vs_nagle"] = rate["arcgames"] / rate["nagle"]
    report["arcgames_vs_toolkit"] = rate["arcgames"] / rate["toolkit"] if python else None
    if not python:
        report["toolkit"] = "not run: no Python with arc-agi (pass --toolkit-python, or run the tests once)"
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per server (default 3)")
    parser.add_argument("--min-requests", type=int, default=50, help="timed requests per server at least (default 50)")
    parser.add_argument("--toolkit-python", help="a Python with arc-agi installed (default: the tests' 3.12 venv)")
    parser.add_argument(
        "--client",
        choices=["http.client", "requests"],
        default="http.client",
        help="the client's HTTP library; requests is the official client's (default http.client)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--serve", choices=["arcgames", "nagle"], help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.serve:
        _serve_arcgames(nagle=args.serve == "nagle")
        return 0
    report = run(args.seconds, args.min_requests, toolkit_python(args.toolkit_python), args.client)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"client: {report['client']}")
    print(f"{'server':<40} {'requests':>8} {'p50 ms':>8} {'p90 ms':>8} {'requests/s':>11}")
    for r in report["servers"].values():
        print(
            f"{r['server']:<40} {r['requests']:>8} {r['p50_ms']:>8.2f} {r['p90_ms']:>8.2f} {r['requests_per_s']:>11.1f}"
        )
    print(f"arcgames / Nagle on: {report['arcgames_vs_nagle']:.1f}x the requests per second (same run)")
    if report["arcgames_vs_toolkit"] is None:
        print(f"toolkit: {report['toolkit']}")
    else:
        print(f"arcgames / toolkit:  {report['arcgames_vs_toolkit']:.1f}x the requests per second (same run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
