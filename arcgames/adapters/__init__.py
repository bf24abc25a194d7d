"""Adapters that bring games from other engines to arcgames' env API (optional extras)."""
