"""A sentence-transformers model run with onnxruntime: the same vectors without importing torch.

The ONNX file is exported once from the model's weights (with torch, which sentence-transformers brings) and
cached under the user cache directory; later processes load only onnxruntime, tokenizers and numpy.
Only models made of a Transformer, mean pooling and (optionally) normalisation qualify; anything else, or any
failure, leaves the caller on sentence-transformers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = "1"  # bump when the export changes, so old cached files are not reused
OPSET = 17
MIN_COSINE = 0.999  # an export whose vectors differ more than this from sentence-transformers is refused
SAMPLES = [
    "Which newspaper broke the news?",
    "Iran has delivered short-range ballistic missiles to Russia, according to officials familiar with the matter.",
    "a",
    "The Ukraine Defense Contact Group met at Ramstein Air Base in Germany, where ministers discussed air defence "
    "systems, ammunition and the long-range weapons Kyiv has asked for since the spring. " * 6,
]
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


class OnnxUnavailable(Exception):
    """The model cannot be run with onnxruntime (unsupported layout, export or runtime failure)."""


def cache_root() -> Path:
    """``$RAG_ONNX_CACHE`` or ``$XDG_CACHE_HOME/newsrag/onnx`` (default ``~/.cache/newsrag/onnx``)."""
    explicit = os.environ.get("RAG_ONNX_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsrag" / "onnx"


def check_layout(model_dir: Path) -> dict[str, Any]:
    """Max sequence length and normalisation of a sentence-transformers directory that ONNX can reproduce."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        types = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        pooling = json.loads((model_dir / pooling_dir / "config.json").read_text())
        st_conf = json.loads((model_dir / "sentence_bert_config.json").read_text())
    except (OSError, ValueError, KeyError, StopIteration) as exc:
        raise OnnxUnavailable(f"not a sentence-transformers directory ({exc})") from None
    if types[:2] != ["Transformer", "Pooling"] or types[2:] not in ([], ["Normalize"]):
        raise OnnxUnavailable(f"unsupported modules {types}")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes != ["pooling_mode_mean_tokens"]:
        raise OnnxUnavailable(f"unsupported pooling {modes}")
    if not (model_dir / "tokenizer.json").exists():
        raise OnnxUnavailable("no tokenizer.json")
    if not any((model_dir / w).exists() for w in _WEIGHTS):
        raise OnnxUnavailable("no weights file")
    return {"max_seq_length": int(st_conf.get("max_seq_length") or 256), "normalize": types[2:] == ["Normalize"]}


def cache_key(model_dir: Path) -> str:
    """Changes with the model's files (path, size, mtime) and the export format; computed without reading weights."""
    h = hashlib.sha256(f"{FORMAT}\x00{OPSET}\x00{model_dir.resolve()}".encode())
    for name in (*_WEIGHTS, "config.json", "tokenizer.json"):
        p = model_dir / name
        if p.exists():
            st = p.stat()
            h.update(f"\x00{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def _st_vectors(model_dir: Path, texts: list[str]) -> Any:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    return model.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def export(model_dir: Path, target: Path) -> None:
    """Write ``target`` (model.onnx) from the weights with torch, then check it against sentence-transformers."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = tuple(torch.ones((2, 16), dtype=torch.long) for _ in names)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder(model),
                dummy,
                str(tmp),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "last_hidden_state"]},
                opset_version=OPSET,
                dynamo=False,
            )
        encoder = OnnxEncoder(model_dir, tmp)
        got = encoder.encode(SAMPLES)
        want = _st_vectors(model_dir, SAMPLES)
        worst = min(float(a @ b) for a, b in zip(got, want, strict=True))
        if worst < MIN_COSINE:
            raise OnnxUnavailable(f"exported model disagrees with sentence-transformers (cosine {worst:.5f})")
        tmp.replace(target)
        log.info("exported %s to %s (worst cosine vs sentence-transformers %.6f)", model_dir, target, worst)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_export(model_dir: Path) -> Path:
    """The cached ONNX file for ``model_dir``, exported (once, under a file lock) when missing."""
    check_layout(model_dir)
    folder = cache_root() / cache_key(model_dir)
    target = folder / "model.onnx"
    if target.exists():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        from filelock import FileLock

        with FileLock(str(folder / ".export.lock"), timeout=600):
            if not target.exists():
                log.warning("preparing the embedding model for fast loading (once, about 20 s)")
                export(model_dir, target)
    except OnnxUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - torch/onnx/filesystem errors of many kinds
        raise OnnxUnavailable(f"export failed ({type(exc).__name__}: {exc})") from None
    return target


class OnnxEncoder:
    """Tokenise with ``tokenizers``, run the exported Transformer with onnxruntime, mean-pool and normalise.

    >>> enc = OnnxEncoder(model_dir, ensure_export(model_dir))   # doctest: +SKIP
    >>> enc.encode(["hello"]).shape                              # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, model_dir: Path, onnx_path: Path, max_batch: int = 256, token_budget: int = 8192) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        layout = check_layout(model_dir)
        self.normalize = layout["normalize"]
        self.max_batch = max_batch
        self.token_budget = token_budget
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(layout["max_seq_length"])
        self.tokenizer.no_padding()  # batches are padded here, to their own longest text
        pad_id = self.tokenizer.token_to_id("[PAD]")
        self.pad_id = 0 if pad_id is None else pad_id
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.intra_op_num_threads = threads()
        # Spinning worker threads waste the CPU they wait on when the machine is busy; a query is ~10 ms anyway.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - a damaged file, an unsupported opset
            raise OnnxUnavailable(f"onnxruntime cannot load {onnx_path} ({exc})") from None
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _run(self, rows: list[list[int]]) -> Any:
        import numpy as np

        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self.session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        if self.normalize:
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled

    def encode(self, texts: list[str]) -> Any:
        """A float32 array (len(texts), dim); texts of similar length are batched together so padding stays small."""
        import numpy as np

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        rows = [e.ids for e in self.tokenizer.encode_batch(texts)]
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        out: list[Any] = [None] * len(rows)
        lo = 0
        while lo < len(order):
            hi = lo + 1
            # Sorted by length, so the last row of a batch sets its width.
            while (
                hi < len(order)
                and hi - lo < self.max_batch
                and (hi - lo + 1) * len(rows[order[hi]]) <= self.token_budget
            ):
                hi += 1
            idx = order[lo:hi]
            for i, v in zip(idx, self._run([rows[i] for i in idx]), strict=True):
                out[i] = v
            lo = hi
        return np.stack(out)


def threads() -> int:
    """ONNX intra-op threads: ``RAG_ONNX_THREADS`` or the CPU count, at most 4."""
    default = min(4, os.cpu_count() or 1)
    try:
        return max(1, int(os.environ.get("RAG_ONNX_THREADS") or default))
    except ValueError:
        return default
