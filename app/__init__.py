"""Wegwijzer: routes an entrepreneur's question to the right public provider."""

__version__ = "0.1.0"
