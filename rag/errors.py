"""One error base class: the CLI and the UI turn it into a clear one-line message."""

from __future__ import annotations


class RagError(Exception):
    """A user-facing error: its message is shown as is, never as a traceback."""

    exit_code = 1


class ConfigError(RagError):
    """Settings that cannot be used (wrong type, unknown backend)."""

    exit_code = 2


class InputError(RagError):
    """Bad input: a missing path, an unreadable or binary file, an empty question."""

    exit_code = 2


class StoreError(RagError):
    """The vector store cannot be opened, written or trusted."""


class GenerationError(RagError):
    """The language model failed (timeout, repeated errors, malformed output)."""
