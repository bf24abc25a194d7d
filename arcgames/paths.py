"""Where arcgames keeps local data: recordings, the leaderboard database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """``$ARCGAMES_HOME`` if set, else the platform's user data folder for arcgames."""
    override = os.environ.get("ARCGAMES_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("arcgames"))


def recordings_dir() -> Path:
    return data_dir() / "recordings"


def read_regular_file(path: Path, max_bytes: int, what: str) -> bytes:
    """Read a file that must be a regular file of at most ``max_bytes``; raises ValueError naming the problem.

    Why not ``Path.read_bytes``: a hostile path can name a FIFO (blocks forever), a link to a device such as
    /dev/zero (never ends) or a file of gigabytes. The file is opened without blocking, checked with fstat,
    and read at most one byte past the limit.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise ValueError(f"cannot read {what} {path}: {err.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path} is not a regular file (a device, FIFO or folder); a {what} is a plain file")
        if info.st_size > max_bytes:
            raise ValueError(f"{path} is {info.st_size:,} bytes; a {what} is at most {max_bytes:,} bytes")
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)
    except OSError as err:
        raise ValueError(f"cannot read {what} {path}: {err.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # the file grew while it was read
        raise ValueError(f"{path} is over {max_bytes:,} bytes; a {what} is at most {max_bytes:,} bytes")
    return data


def cache_dir() -> Path:
    """``$ARCGAMES_CACHE`` if set, else the platform's user cache folder for arcgames (compiled rule kernels)."""
    override = os.environ.get("ARCGAMES_CACHE")
    return Path(override) if override else Path(platformdirs.user_cache_dir("arcgames"))
