"""The local leaderboard: ``submit`` verifies and re-scores a run, ``store`` keeps it in SQLite, ``views`` shows it."""
