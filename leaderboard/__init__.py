"""The local leaderboard."""
