"""Agents that play arcgames through the agent API."""
