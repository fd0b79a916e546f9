"""Typed settings read from the environment and `.env` (prefix ``RAG_``).

>>> from rag.settings import Settings
>>> Settings(chroma_dir="/tmp/store", top_k=4).top_k
4
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import ConfigError

EMBEDDING_BACKENDS = ("local:<model name or path>", "openai:<model>")
LLM_BACKENDS = ("auto", "extractive", "openai:<model>")


def default_store_dir() -> str:
    """A per-user data directory (XDG), never the source tree."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "newsrag" / "chroma")


class Settings(BaseSettings):
    """Every knob of the product, one place; see `.env.example` for the same list."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    chroma_dir: str = Field(default_factory=default_store_dir, description="Directory of the embedded Chroma store.")
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); when set, used instead of chroma_dir.",
    )
    collection: str = Field(default="articles", description="Chroma collection name.")
    chunk_size: int = Field(default=500, ge=50, le=20000, description="Chunk size in characters.")
    chunk_overlap: int = Field(default=100, ge=0, le=5000, description="Overlap between chunks in characters.")
    embedding_model: str = Field(
        default="local:all-MiniLM-L6-v2",
        description="Embedding backend: local:<sentence-transformers name or path> or openai:<model>.",
    )
    top_k: int = Field(default=6, ge=1, le=50, description="Passages retrieved per question.")
    llm: str = Field(
        default="auto",
        description="Answer generator: auto (openai when a key or base URL is set, else extractive), "
        "extractive, or openai:<model>.",
    )
    openai_model: str = Field(default="gpt-4o-mini", description="Model used by llm=auto when OpenAI is configured.")
    openai_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "RAG_OPENAI_API_KEY"),
        description="API key for an OpenAI-protocol server (standard name OPENAI_API_KEY).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "RAG_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-protocol server (vLLM, Ollama, llama.cpp); standard name OPENAI_BASE_URL.",
    )
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds allowed for one model call, end to end.")
    llm_max_retries: int = Field(default=2, ge=0, le=10, description="Retries on 429/5xx/connection errors.")
    llm_max_tokens: int = Field(default=400, ge=16, description="Maximum tokens generated per answer.")
    max_question_chars: int = Field(default=2000, ge=10, description="Longer questions are refused.")
    max_file_mb: float = Field(default=20.0, gt=0, description="Larger input files are refused at ingest.")
    lock_timeout: float = Field(
        default=600.0, ge=0, description="Seconds an ingest waits for another one writing to the same store."
    )
    ingest_batch: int = Field(
        default=256,
        ge=1,
        le=100_000,
        description="New chunks an ingest embeds and writes together (across documents) before recording them.",
    )
    ui_auth: str | None = Field(default=None, description="Basic auth for the web chat as user:password.")
    ui_examples: str = Field(
        default="Which newspaper broke the news?|What did Sean Savett say about the transfer?|"
        "How did Iran's UN mission respond?|What else has Iran supplied to Russia?",
        description="Example questions shown in the web chat, separated by |; the default suits the bundled seed "
        "article, so set your own when you chat about other articles (empty: no examples).",
    )
    link_allowlist: str = Field(
        default="",
        description="Hosts whose links and images may appear in answers (comma-separated); others are removed.",
    )

    @field_validator("embedding_model")
    @classmethod
    def _check_embedding(cls, v: str) -> str:
        if not (v.startswith("local:") or v.startswith("openai:")) or len(v.split(":", 1)[1].strip()) == 0:
            raise ValueError(f"unknown embedding backend {v!r}; valid: {', '.join(EMBEDDING_BACKENDS)}")
        return v

    @field_validator("llm")
    @classmethod
    def _check_llm(cls, v: str) -> str:
        if v in ("auto", "extractive"):
            return v
        if v.startswith("openai:") and v.split(":", 1)[1].strip():
            return v
        raise ValueError(f"unknown generator {v!r}; valid: {', '.join(LLM_BACKENDS)}")

    def resolved_llm(self) -> str:
        """The generator in effect: ``extractive`` or ``openai:<model>``."""
        if self.llm != "auto":
            return self.llm
        if self.openai_api_key or self.openai_base_url:
            return f"openai:{self.openai_model}"
        return "extractive"

    def store_label(self) -> str:
        return self.chroma_url or self.chroma_dir


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning validation errors into one clear message naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            info = Settings.model_fields.get(field)
            alias = info.validation_alias if info else None
            if isinstance(alias, AliasChoices):
                var = str(alias.choices[0])
            else:
                var = f"RAG_{field.upper()}"
            got = err.get("input")
            if err["type"] == "value_error":  # our validators name the valid values themselves
                lines.append(f"{var}: {str(err['msg']).removeprefix('Value error, ')}")
            else:
                lines.append(f"{var}: {got!r} is not valid; expected {_expected(info)}")
        raise ConfigError("bad configuration: " + "; ".join(lines)) from None


def _expected(info: Any) -> str:
    """The values a field takes, in words: ``an integer from 1 to 50``."""
    if info is None:
        return "a valid value"
    kind = {int: "an integer", float: "a number", bool: "true or false"}.get(info.annotation, "text")
    bounds = {
        kind_: getattr(m, kind_.lower())
        for m in info.metadata
        for kind_ in ("Ge", "Gt", "Le", "Lt")
        if type(m).__name__ == kind_
    }
    low = bounds.get("Ge", bounds.get("Gt"))
    high = bounds.get("Le", bounds.get("Lt"))
    if low is not None and high is not None:
        return f"{kind} from {low:g} to {high:g}"
    if "Gt" in bounds:
        return f"{kind} above {bounds['Gt']:g}"
    if "Ge" in bounds:
        return f"{kind} of at least {bounds['Ge']:g}"
    return kind
