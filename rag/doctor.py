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
    add("settings", True, _summary(settings))
    add("store", True, settings.store_label())
    store = None
    try:
        from rag.store import Store

        store = Store(settings)
        if settings.chroma_url:
            add("chroma server", True, f"{settings.chroma_url} reachable")
        add("store health", True, f"collection {settings.collection!r}: {store.count()} chunks")
    except RagError as exc:
        if settings.chroma_url and "cannot reach" in str(exc):
            add("chroma server", False, str(exc))
        add("store health", False, str(exc))
    if store is not None:
        _store_checks(settings, store, add)
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
                api_key=settings.openai_api_key or "not-needed",
                base_url=settings.openai_base_url,
                timeout=5,
                max_retries=0,
            )
            models = [m.id for m in client.models.list().data]
            add("model server", True, f"{settings.openai_base_url or 'OpenAI'}: {', '.join(models[:5])}")
        except Exception as exc:  # noqa: BLE001
            add("model server", False, f"{settings.openai_base_url or 'OpenAI'} not reachable ({type(exc).__name__})")
    return {"ok": all(c["ok"] for c in checks), "checks": checks, "settings": _public(settings)}


def _summary(settings: Settings) -> str:
    s = settings
    return (
        f"collection={s.collection} embedding={s.embedding_model} chunk={s.chunk_size}/{s.chunk_overlap} "
        f"top_k={s.top_k} llm={s.llm} max_file_mb={s.max_file_mb:g} lock_timeout={s.lock_timeout:g}s "
        "(all settings: rag doctor --json)"
    )


def _store_checks(settings: Settings, store: Any, add: Any) -> None:
    """An interrupted ingest, an ingest running now, and one real query through the embedding model."""
    from rag.store import write_lock

    try:
        if store.interrupted():
            add("last ingest", False, "an ingest was interrupted before it completed; run rag ingest again")
        if not settings.chroma_url:
            try:
                with write_lock(settings.model_copy(update={"lock_timeout": 0.0})):
                    add("write lock", True, "free (no ingest running)")
            except RagError:
                add("write lock", True, "held: an ingest is writing now")
        if store.count():
            from rag.embeddings import get_embeddings

            vector = get_embeddings(
                settings.embedding_model, settings.openai_api_key, settings.openai_base_url
            ).embed_query("news")
            got = store.chunks().query(query_embeddings=[vector], n_results=1, include=["documents"])
            ok = bool(got["ids"] and got["ids"][0])
            add("query", ok, "a test query returns a passage" if ok else "a test query returned nothing")
    except RagError as exc:
        add("query", False, str(exc))
    except Exception as exc:  # noqa: BLE001 - a damaged index fails here in many ways
        add("query", False, f"a test query failed ({exc}); rebuild the store: rag ingest --rebuild [PATH...]")


def _public(settings: Settings) -> dict[str, Any]:
    data = settings.model_dump()
    for secret in ("openai_api_key", "ui_auth"):
        if data.get(secret):
            data[secret] = "***"
    return data
