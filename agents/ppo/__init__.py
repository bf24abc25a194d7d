"""The PPO baseline: ``model`` (the policy), ``train`` (CleanRL-style training), ``agent`` (playing)."""

from arcgames.agents.ppo.agent import PPOAgent

__all__ = ["PPOAgent"]
