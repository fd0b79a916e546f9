"""Distractor documents for the scale benchmark: real English prose found offline on this machine.

The text is the docstrings of the installed Python packages (read with ``ast``, nothing is imported) and,
when more is needed, Debian's plain-text documentation under /usr/share/doc. Output is deterministic for a
given machine: files are visited in sorted order. Nothing here is committed; run it when benchmarking:

    python -m bench.distractors --docs 10000 --out /tmp/distractors
"""

from __future__ import annotations

import argparse
import ast
import gzip
import re
import sys
import sysconfig
import warnings
from collections.abc import Iterator
from pathlib import Path

TARGET_CHARS = 4800  # about 10 chunks at the default chunk size (500) and overlap (100)
MIN_CHARS = 1500
_CODE_LINE = re.compile(r"^\s*(>>>|\.\.\.|[$#%]|[-=~^*]{3,}\s*$|:\w+:|\.\. )")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _prose(text: str) -> str:
    """Keep lines that read as English: no doctest or reST markup lines, mostly words."""
    keep = []
    for line in text.splitlines():
        if _CODE_LINE.match(line):
            continue
        s = line.strip()
        if not s:
            keep.append("")
            continue
        letters = sum(len(w) for w in _WORD.findall(s))
        if letters >= 0.6 * len(s):
            keep.append(s)
    paras = [" ".join(p.split()) for p in "\n".join(keep).split("\n\n")]
    return "\n\n".join(p for p in paras if len(_WORD.findall(p)) >= 8)


def _docstrings(path: Path) -> Iterator[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_text(encoding="utf-8", errors="ignore"))
    except (SyntaxError, ValueError, RecursionError, OSError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                prose = _prose(doc)
                if prose:
                    yield prose


def _python_sources() -> Iterator[tuple[str, str]]:
    seen: set[int] = set()  # generated API clients repeat the same docstrings across files
    roots = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"]})
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            if "test" in path.parts or path.name.startswith("test_"):
                continue
            fresh = [d for d in dict.fromkeys(_docstrings(path)) if hash(d) not in seen]
            seen.update(hash(d) for d in fresh)
            text = "\n\n".join(fresh)
            if text:
                yield str(path.relative_to(root)).removesuffix(".py").replace("/", "."), text


def _debian_docs() -> Iterator[tuple[str, str]]:
    root = Path("/usr/share/doc")
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "changelog" in path.name.lower() or path.name == "copyright":
            continue
        try:
            if path.suffix == ".gz":
                raw = gzip.decompress(path.read_bytes())
            elif path.suffix in ("", ".txt", ".md", ".rst") and path.stat().st_size < 2_000_000:
                raw = path.read_bytes()
            else:
                continue
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            continue
        prose = _prose(text)
        if prose:
            yield str(path.relative_to(root)), prose


def documents(count: int) -> Iterator[tuple[str, str]]:
    """``(name, text)`` pairs, each text about TARGET_CHARS long, at most ``count`` of them."""
    made = 0
    for sources in (_python_sources(), _debian_docs()):
        for name, text in sources:
            part = 0
            while len(text) >= MIN_CHARS:
                cut = text.rfind("\n\n", 0, TARGET_CHARS)
                cut = cut if cut >= MIN_CHARS else min(len(text), TARGET_CHARS)
                piece, text = text[:cut].strip(), text[cut:].strip()
                part += 1
                yield f"{name}-{part}", f"Reference notes: {name} (part {part})\n\n{piece}\n"
                made += 1
                if made >= count:
                    return


def write(count: int, out: Path) -> list[Path]:
    """Write ``count`` distractor documents as .txt files under ``out`` (reused when already there)."""
    out.mkdir(parents=True, exist_ok=True)
    existing = sorted(out.glob("*.txt"))
    if len(existing) >= count:
        return existing[:count]
    paths = []
    for i, (name, text) in enumerate(documents(count)):
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]
        path = out / f"{i:05d}-{safe}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    if len(paths) < count:
        print(f"only {len(paths)} distractor documents could be made (asked for {count})", file=sys.stderr)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10000, help="how many documents")
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsrag-distractors"), help="output folder")
    args = parser.parse_args()
    paths = write(args.docs, args.out)
    chars = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {chars / 1e6:.1f} MB, in {args.out}")


if __name__ == "__main__":
    main()
