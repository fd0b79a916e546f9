"""Pure text helpers: tokens for lexical matching, sentence spans, normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves says said say
    according tell told please article story report reported reports text mention mentioned mentions
    s t d ll m re ve y o don didn doesn isn wasn weren won wouldn shouldn couldn""".split()
)
# "they'd", "we're", "didn't": a word of the list with its contraction is as empty as the word
_CONTRACTED = frozenset(
    f"{w}{a}{c}"
    for w in "i you he she it we they that there who what where how".split()
    for c in ("d", "ll", "re", "ve", "s", "m")
    for a in "'’"
) | frozenset(
    f"{w}{a}t"
    for w in "don didn doesn isn wasn weren won wouldn shouldn couldn can haven hasn hadn aren".split()
    for a in "'’"
)
STOPWORDS = STOPWORDS | _CONTRACTED

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_ABBREV = frozenset(
    "mr mrs ms dr prof sr jr st gen col lt sgt capt gov sen rep pres vs etc inc ltd co corp jan feb mar apr jun jul "
    "aug sep sept oct nov dec no fig u.s u.k e.g i.e a.m p.m".split()
)


FOLD: dict[str, str | int | None] = {
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "—": "-",
    "–": "-",
    "\u00a0": " ",
}


def normalize(text: str) -> str:
    """Fold quotes, dashes and whitespace so that comparisons ignore typography."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans(FOLD))
    return re.sub(r"\s+", " ", text).strip()


UNCHANGED = frozenset({"news"})  # words that only look inflected: "news" is not the plural of "new"
IRREGULAR = {
    "made": "make",
    "used": "use",  # too short to lose "ed"
    "using": "use",
    "said": "say",
    "gave": "give",
    "given": "give",
    "went": "go",
    "gone": "go",
    "took": "take",
    "taken": "take",
    "sent": "send",
    "sold": "sell",
    "bought": "buy",
    "told": "tell",
    "held": "hold",
    "met": "meet",
    "found": "find",
    "began": "begin",
    "begun": "begin",
    "ran": "run",
    "brought": "bring",
    "built": "build",
    "led": "lead",
    "paid": "pay",
    "won": "win",
    "lost": "lose",
    "wrote": "write",
    "written": "write",
    "saw": "see",
    "seen": "see",
    "knew": "know",
    "known": "know",
    "got": "get",
    "came": "come",
    "became": "become",
    "left": "leave",
    "kept": "keep",
    "thought": "think",
    "struck": "strike",
    "spoke": "speak",
    "spoken": "speak",
    "chose": "choose",
    "chosen": "choose",
    "drew": "draw",
    "fell": "fall",
    "fought": "fight",
    "grew": "grow",
    "rose": "rise",
    "shot": "shoot",
    "stood": "stand",
    "broke": "break",
    "broken": "break",
    "spent": "spend",
    "stole": "steal",
    "stolen": "steal",
    "flew": "fly",
    "flown": "fly",
    "hid": "hide",
    "hidden": "hide",
    "sought": "seek",
    "taught": "teach",
    "caught": "catch",
    "felt": "feel",
    "heard": "hear",
    "meant": "mean",
    "threw": "throw",
    "thrown": "throw",
    "wore": "wear",
    "drove": "drive",
    "driven": "drive",
    "ate": "eat",
    "eaten": "eat",
    "dealt": "deal",
    "lent": "lend",
    "shut": "shut",
    "set": "set",
    "put": "put",
    "cut": "cut",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
}


# British spellings, matched as American ones: a reader writes "defence" and "travellers", an article "defense".
_OUR = "col lab neighb fav hon hum harb behavi rum vig flav sav endeav arm od parl val clam tum splend".split()
_DOUBLED_L = (
    "travel cancel model fuel label signal counsel channel total dial level quarrel tunnel shovel pedal rival marvel "
    "funnel"
).split()
BRITISH_ROOTS = {
    **{r + "our": r + "or" for r in _OUR},
    **{r + "ence": r + "ense" for r in ("def", "off", "lic", "pret")},
    **{r + "tre": r + "ter" for r in ("cen", "me", "kilome", "centime", "millime", "li", "thea", "spec", "lus")},
    **{r + "bre": r + "ber" for r in ("fi", "cali", "sa", "som")},
    **{r + "l": r for r in _DOUBLED_L},  # "travelled", "cancelling"
    **{r + "yse": r + "yze" for r in ("anal", "paral", "catal")},
    "programme": "program",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "tyre": "tire",
    "aeroplane": "airplane",
    "grey": "gray",
    "mould": "mold",
    "plough": "plow",
    "draught": "draft",
    "sceptic": "skeptic",
    "aluminium": "aluminum",
    "storey": "story",
    "ageing": "aging",
    "judgement": "judgment",
    "enrolment": "enrollment",
    "instalment": "installment",
    "skilful": "skillful",
    "cheque": "check",
    "manoeuvre": "maneuver",
    "paediatric": "pediatric",
    "anaesthe": "anesthe",
    "oestrogen": "estrogen",
    "jewellery": "jewelry",
    "whilst": "while",
    "amongst": "among",
}
_BRITISH = re.compile(r"^(" + "|".join(sorted(map(re.escape, BRITISH_ROOTS), key=len, reverse=True)) + r")")
# -ise, -isation, -ising: American -ize forms, for the verbs that take it (not "rise", "promise", "advise").
_ISE = re.compile(r"^(\w{3,}?[b-df-hj-np-tv-z])is(e|es|ed|ing|ation|ations|er|ers)$")
_ISE_NOT = re.compile(
    r"(?:prom|adv|surpr|exerc|comprom|prem|prec|conc|enterpr|franch|merchand|superv|telev|rev|dev|desp|compr|"
    r"expert|otherw|treat|parad|chem|circumc|inc|exc|dem|sunr|advert|improv|chast)is"
)


def american(word: str) -> str:
    """The American spelling of a lower-case word written the British way ("defence" → "defense")."""
    m = _BRITISH.match(word)
    if m:
        rest = word[m.end() :]
        # A root matches as a whole word or with a suffix: "travelled", "colours"; not "offender" from "off".
        if not rest or re.fullmatch(r"s|es|ed|ing|er|ers|ation|ations|ite|ites|able|ment|ments", rest):
            return BRITISH_ROOTS[m.group(1)] + rest
    m = _ISE.match(word)
    if m and not _ISE_NOT.match(word) and len(m.group(1)) >= 4:  # not "rise", "promise", "advise"
        return f"{m.group(1)}iz{m.group(2)}"
    return word


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    """A light English stemmer: enough to match plurals and common verb forms (and British spellings)."""
    if word in UNCHANGED or word[:1].isdigit():  # a figure is itself: "1911" is not "191"
        return word
    word = american(word)
    w = IRREGULAR.get(word, word)
    if len(w) <= 3:
        return w
    if w.endswith(("ies", "ied")) and len(w) >= 5:
        return stem(w[:-3] + "y")  # "supplies", "supplied": whatever "supply" is
    for suffix, repl in (
        ("sses", "ss"),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        # "deeply" is "deep", but "daily", "early", "supply" and "comply" keep their "ly"
        if suffix == "ly" and (len(w) < 6 or w.endswith(("pply", "mply"))):
            continue
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """Lower-cased words with possessives dropped (``Iran's`` → ``iran``)."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0).lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        out.append(w)
    return out


def tokens(text: str) -> list[str]:
    """Stemmed content words, for BM25 and overlap scores."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (shifted by ``offset``), whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    i = 0
    while i < n:
        ch = text[i]
        cut = None
        if ch == "\n":
            cut = i
        elif ch in ".!?":
            j = i + 1
            while j < n and text[j] in "\"'”’)]":
                j += 1
            if j >= n or text[j].isspace():
                k = j
                while k < n and text[k] in " \t":
                    k += 1
                nxt = text[k] if k < n else ""
                prev_word = re.findall(r"[A-Za-z.]+$", text[start:i])
                is_abbrev = bool(prev_word) and prev_word[0].lower().strip(".") in _ABBREV
                single_initial = bool(prev_word) and len(prev_word[0].strip(".")) == 1 and prev_word[0][:1].isupper()
                if ch != "." or not (is_abbrev or single_initial) or nxt == "" or nxt == "\n":
                    if nxt == "" or not nxt.islower():
                        cut = j
        if cut is not None:
            _push(text, start, cut, offset, spans)
            start = cut
        i += 1
    _push(text, start, n, offset, spans)
    return spans


def _push(text: str, start: int, end: int, offset: int, spans: list[tuple[int, int]]) -> None:
    seg = text[start:end]
    stripped = seg.strip()
    if not stripped or not re.search(r"\w", stripped):
        return
    lead = len(seg) - len(seg.lstrip())
    s = start + lead
    spans.append((offset + s, offset + s + len(stripped)))


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
