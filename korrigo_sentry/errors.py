"""The one exception type for bad configuration."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is unusable. The message names the variable, never a secret."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable} {problem}")
