"""Where arcgames keeps local data: recordings, the leaderboard database."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """``$ARCGAMES_HOME`` if set, else the platform's user data folder for arcgames."""
    override = os.environ.get("ARCGAMES_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("arcgames"))


def recordings_dir() -> Path:
    return data_dir() / "recordings"
