"""The bundled game suite: one module per game, each defining ``GAME``."""
