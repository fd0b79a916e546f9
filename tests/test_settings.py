"""Every setting is documented where users look for it, and bad values give one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices

from rag.errors import ConfigError
from rag.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def _variables() -> list[str]:
    names = []
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        names.append(str(alias.choices[0]) if isinstance(alias, AliasChoices) else f"RAG_{field.upper()}")
    return names


@pytest.mark.parametrize("doc", [".env.example", "README.md"])
def test_every_setting_is_documented(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = [v for v in _variables() if v not in text]
    assert not missing, f"{doc} does not mention {missing}"


def test_every_setting_has_a_description() -> None:
    assert all(info.description for info in Settings.model_fields.values())


def test_unknown_generator_names_the_variable_and_the_valid_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_LLM", "gpt5")
    with pytest.raises(ConfigError) as err:
        load_settings(_env_file=None)
    assert "RAG_LLM" in str(err.value) and "extractive" in str(err.value)
