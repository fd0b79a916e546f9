"""``rag doctor``: store health, settings in effect, model files, server reachability."""

from __future__ import annotations

from typing import Any

from rag.errors import RagError
from rag.settings import Settings


def run_checks(settings: Settings) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str) -> None:
        checks.append({"name": name, "ok": ok, "detail": detail})

    add("generator", True, settings.resolved_llm())
    add("store", True, settings.store_label())
    try:
        from rag.store import Store

        store = Store(settings)
        add("store health", True, f"collection {settings.collection!r}: {store.count()} chunks")
    except RagError as exc:
        add("store health", False, str(exc))
    if settings.embedding_model.startswith("local:"):
        try:
            from rag.embeddings import BUNDLED_NAMES, bundled_model_path

            name = settings.embedding_model.split(":", 1)[1]
            if name in BUNDLED_NAMES:
                path = bundled_model_path()
                ok = (path / "model.safetensors").exists()
                add("embedding model files", ok, str(path))
            else:
                add("embedding model files", True, name)
        except RagError as exc:
            add("embedding model files", False, str(exc))
    if settings.resolved_llm().startswith("openai:"):
        try:
            import openai

            client = openai.OpenAI(
                api_key=settings.openai_api_key or "not-needed", base_url=settings.openai_base_url, timeout=5,
                max_retries=0,
            )
            models = [m.id for m in client.models.list().data]
            add("model server", True, f"{settings.openai_base_url or 'OpenAI'}: {', '.join(models[:5])}")
        except Exception as exc:  # noqa: BLE001
            add("model server", False, f"{settings.openai_base_url or 'OpenAI'} not reachable ({type(exc).__name__})")
    return {"ok": all(c["ok"] for c in checks), "checks": checks, "settings": _public(settings)}


def _public(settings: Settings) -> dict[str, Any]:
    data = settings.model_dump()
    for secret in ("openai_api_key", "ui_auth"):
        if data.get(secret):
            data[secret] = "***"
    return data
