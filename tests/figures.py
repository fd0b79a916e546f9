"""Figures measured by reliability tests, printed past output capture at the end of a module."""

from __future__ import annotations

import contextlib

import pytest


def report_figures(request: pytest.FixtureRequest, title: str, data: dict[str, str]) -> None:
    """Print ``data`` as ``[title] key: value`` lines on the terminal (the README quotes them)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or not data:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        for key, value in data.items():
            reporter.write_line(f"[{title}] {key}: {value}")
