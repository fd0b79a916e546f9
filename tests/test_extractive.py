"""Pure parts of the extractive answerer: what may be quoted, what a how-many question counts, stances."""

from __future__ import annotations

from pathlib import Path

from rag.extractive import _counts, _other_owner, candidates, is_prose, takes_stance
from rag.question import analyse
from rag.settings import Settings
from rag.text import sentence_spans
from tests.conftest import SEED


def _sentences(text: str, source: str = "a.txt") -> list:
    """The candidate sentences of one retrieved passage holding ``text``."""
    from rag.retrieval import Hit
    from rag.types import Passage

    return candidates([Hit(Passage("p", source, 0, len(text), text), 0.5, 1.0)])


def _answerer(idf=lambda t: 1.0):  # noqa: ANN001, ANN202
    """The answerer over the bundled model, with a fixed IDF."""
    from rag.embeddings import get_embeddings
    from rag.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer(encode=get_embeddings(Settings().embedding_model).embed_documents, idf=idf)


def test_code_and_markup_are_not_quoted_as_answers() -> None:
    data = Path(__file__).parent / "data"
    for doc in (SEED, data / "second_article.txt", data / "third_article.txt"):
        text = doc.read_text(encoding="utf-8")
        assert all(is_prose(text[s:e]) for s, e in sentence_spans(text)), doc
    assert is_prose("The trial enrolled 1,284 adults at 96 hospitals in 11 countries, up 12% on 2023.")
    assert not is_prose("'Set-Cookie: fig=newton\\r\\nSet-Cookie: sugar=wafer'")
    assert not is_prose(">>> sorted(values, reverse=True)")
    assert not is_prose("``zero_Celsius`` zero of Celsius scale in Kelvin")
    assert not is_prose("| 3 | 4.5 | 0.2 |")
    assert not is_prose("The :class:`Result` object is where the query gets created.")
    assert not is_prose("When `reverse` is `True` the values are yielded in reverse order.")
    assert not is_prose("If the iterables are sorted in descending order, set reverse to")
    assert is_prose("Iran reportedly shifts ballistic missiles to Russia, according to reports")
    assert is_prose("The ministry published the report at https://example.org/report?id=7 on Tuesday.")
    assert is_prose("The gallery caption reads <img src=x onerror=alert(1)> in the museum catalogue.")


def test_a_figure_counts_the_noun_a_how_many_question_asks_about() -> None:
    assert _counts("day", "people taking it had 7.1 fewer migraine days per month")
    assert not _counts("day", "reduced the number of monthly migraine days by roughly half")
    assert not _counts("teenager", "The trial enrolled 1,284 adults at 96 hospitals")
    assert _counts("bed", "picket lines outside the 412-bed hospital's main entrance")  # joined by a hyphen
    assert _counts("day", "launching a five-day strike over staffing")
    assert not _counts("nurs", "many of the nurses who walked out have retired")  # "many" is no figure


def test_a_yes_no_question_is_answered_by_the_sentence_taking_a_stance() -> None:
    from rag.retrieval import Hit
    from rag.types import Passage

    text = (
        "Iran's mission to the United Nations denied the transfer of the missiles. "
        "The G7 warned of serious consequences if Iran sends missiles to Russia."
    )
    hits = [Hit(Passage("p1", "a.txt", 0, len(text), text), 0.5, 1.0)]
    denial, warning = candidates(hits)
    q = analyse("Did Tehran admit to sending the rockets?")
    assert q.slot == "yesno"
    assert takes_stance(q, denial.text)  # "denied" answers "admit"
    assert not takes_stance(q, warning.text)
    assert not takes_stance(analyse("Did Iran send missiles?"), denial.text)  # no stance asked about


def test_a_name_followed_by_the_asked_noun_is_of_the_kind_asked_for() -> None:
    from rag.question import asked_kind

    text = (
        "The minister visited Iran to view the Ababil close-range ballistic missile systems. "
        "This visit marked the first public display of ballistic missiles to a senior official. "
        "Russia also bought missile systems from abroad."
    )
    named, display, unnamed = _sentences(text)
    kind = asked_kind("Which missile systems was the minister there to see?")
    assert kind == "systems"
    answerer = _answerer()
    match = answerer._kind_matches(kind, [named, display, unnamed])
    assert match[id(named)] and not match[id(display)] and not match[id(unnamed)]
    # An acronym is of the kind its words are: the IRGC is a force, because a corps is.
    text = (
        "Shoigu viewed the Islamic Revolutionary Guard Corps' missiles. "
        "Last December, the IRGC deployed missiles to a training area. "
        "The weapons were shown to a Russian official."
    )
    spelled, acronym, neither = _sentences(text, "b.txt")
    match = answerer._kind_matches("force", [spelled, acronym, neither])
    assert match[id(spelled)] and match[id(acronym)] and not match[id(neither)]


def test_a_how_to_question_needs_a_sentence_that_says_how_to_do_it() -> None:
    from rag.embeddings import get_embeddings
    from rag.extractive import ExtractiveAnswerer
    from rag.retrieval import Hit
    from rag.settings import Settings
    from rag.types import Passage

    embeddings = get_embeddings(Settings().embedding_model)
    text = "You can use negative indices to seek from the end, with identical semantics to those of Python lists."
    question = "How do I reverse a list in Python?"
    vector = embeddings.embed_query(question)
    hits = [Hit(Passage("p1", "doc.txt", 0, len(text), text), 0.6, 1.0, vector)]
    answerer = ExtractiveAnswerer(encode=embeddings.embed_documents, idf=lambda t: 2.0)
    out = answerer.answer(analyse(question), hits, vector)
    assert out.abstained and out.text == "The article doesn't say how to reverse a list in Python."
    said = "To reverse a list in Python, call its reverse method or slice it with a step of -1."
    hits = [Hit(Passage("p2", "doc.txt", 0, len(said), said), 0.8, 1.0, vector)]
    assert not answerer.answer(analyse(question), hits, vector).abstained


def test_among_several_documents_only_those_naming_what_is_asked_are_quoted() -> None:
    from rag.extractive import _named_sources
    from rag.retrieval import Hit
    from rag.types import Passage

    story = "Today, a dragon flew over Paris, France, killing at least 130 people."
    article = "Iran had provided Russia with hundreds of drones, which Russian forces have used against Ukraine."
    hits = [
        Hit(Passage("a", "story.txt", 0, len(story), story), 0.5, 1.0),
        Hit(Passage("b", "news.txt", 0, len(article), article), 0.4, 1.0),
    ]
    cands = candidates(hits)
    q = analyse("How many people have been killed in Ukraine by Iranian-made drones?")
    kept = _named_sources(q, cands)
    assert {c.passage.source for c in kept} == {"news.txt"}  # the story names nothing the question names
    # One document, or no document naming anything asked: everything stays.
    assert _named_sources(q, candidates(hits[:1])) == candidates(hits[:1])
    assert len(_named_sources(analyse("How many people were killed?"), cands)) == len(cands)


def test_a_name_asked_for_is_one_that_follows_the_kind_and_is_not_only_a_place() -> None:
    from rag.extractive import _name_after

    q = "What was the name of the gathering of Kyiv's backers where Ukraine's head of state made his plea?"
    meeting = "Zelensky stressed at a meeting with allies at the Ukraine Defense Contact Group in Germany."
    assert _name_after(q, meeting, "gathering", {"gather", "meet"})
    assert not _name_after(q, meeting, "gathering", {"gather"})  # the kind is not said at all
    conference = "The results were presented at a conference in Lisbon, Portugal."
    assert not _name_after("What was the conference called?", conference, "conference", {"conferenc"})
    assert _name_after("Which city hosted the summit?", "The summit was held in a city, Lisbon.", "city", {"city"})


def test_a_gathering_asked_for_in_other_words(seed_bot) -> None:  # noqa: ANN001
    """Kyiv is in Ukraine, a head of state may be its President, a meeting is a gathering."""
    ans = seed_bot.ask(
        "What is the name of the meeting of Ukraine's supporters where Kyiv's head of state made his appeal?"
    )
    assert not ans.abstained and "Ukraine Defense Contact Group" in ans.text
    # The same question about a place the article never names is not answered from that sentence.
    ans = seed_bot.ask(
        "What is the name of the meeting of Chile's supporters where Santiago's head of state made his appeal?"
    )
    assert ans.abstained


def test_the_kind_a_name_is_asked_for_and_acronyms_spelled_out() -> None:
    from rag.extractive import _link_acronyms, name_kind

    assert name_kind("What is the name of the spokesperson quoted in the article?") == "spokesperson"
    assert name_kind("What is the name of the drug being tested?") == "drug"
    assert name_kind("What was the name of the building?") == "building"
    # An acronym and the words it stands for say the same.
    text = (
        "Shoigu viewed the Islamic Revolutionary Guard Corps’ missile systems. "
        "Last December, the IRGC deployed missiles to be displayed to a visiting delegation."
    )
    spelled, acronym = _sentences(text)
    _link_acronyms(analyse("Where were the missiles shown?"), [spelled, acronym])
    assert "irgc" in spelled.terms  # the words say the acronym
    assert {"revolutionary", "guard"} <= acronym.terms  # and the acronym says the words


def test_the_speaker_asked_about_is_its_noun_or_its_owner() -> None:
    from rag.extractive import _speaker_says

    said = 'Savett stated, "We have been warning of the partnership between Russia and Iran."'
    assert not _speaker_says("What did the Russian embassy say in response?", said)  # about Russia, not by it
    assert _speaker_says("What did Savett say about the partnership?", said)
    mission = "Iran's Permanent Mission to the United Nations denied the transfer, stating in a CNN interview."
    assert _speaker_says("What did Tehran's envoys at the world body claim?", mission)


def test_a_person_named_by_surname_is_the_one_introduced_in_full() -> None:
    from rag.extractive import _carry_introductions

    text = (
        "Library Director Grace Okafor opened the branch on Monday. "
        'Okafor said, "We are delighted." '
        "The mayor cut the ribbon."
    )
    intro, later, other = _sentences(text)
    _carry_introductions([intro, later, other])
    assert {"library", "director", "grac", "okafor"} <= later.terms
    assert "director" not in other.terms


def test_a_common_word_can_say_the_kind_of_thing_asked_for() -> None:
    from rag.extractive import _word_is_a

    assert _word_is_a("concerned", "feeling")  # through the verb "concern"
    assert _word_is_a("missiles", "weapon")
    assert not _word_is_a("reports", "feeling")
    assert not _word_is_a("feeling", "feeling")  # the asked word itself says nothing new


def test_a_kind_in_two_words_and_a_name_set_aside() -> None:
    from rag.question import kind_name

    question = "Which Asian nation, besides Iran, has also provided Moscow with rockets and their parts?"
    assert kind_name(question) == "asian nation"
    assert kind_name("Which paper broke the news?") is None
    text = (
        "Iran had provided Russia with drones used in the war against Ukraine. "
        "Russia had also obtained missiles and missile components from North Korea."
    )
    iran, korea = _sentences(text)
    answerer = _answerer()
    match = answerer._kind_matches("asian nation", [iran, korea], ["Moscow", "Iran"])
    assert match[id(korea)] and not match[id(iran)]  # Ukraine is no Asian nation, Iran is set aside


def test_the_article_saying_it_is_unclear_when_answers_when(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("When exactly did the missiles arrive in Russia?")
    assert not ans.abstained and "unclear when exactly the missiles were delivered" in ans.text
    assert seed_bot.ask("When did the Wall Street Journal publish its story?").abstained  # nothing says
    # A date asked for is not given by it: the article says there is none to give.
    ans = seed_bot.ask("On what date were the Iranian missiles delivered to Russia?")
    assert ans.abstained and not ans.citations


def test_a_judgement_asked_for_is_the_sentence_that_judges(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("How do Iran's diplomats at the UN view sending weapons to the sides in the war?")
    assert "to be inhumane" in ans.citations[0].quote  # "deems … to be inhumane", before the denial


def test_the_sentences_of_a_quotation_are_said_by_whoever_opened_it() -> None:
    from rag.extractive import _carry_introductions, _opens_quote, _quotation_opener

    text = (
        "Library Director Grace Okafor spoke on Monday. "
        'Okafor said, "We waited years for this. '
        "Families will no longer travel across town. "
        'We are delighted," she added. '
        "The mayor cut the ribbon."
    )
    intro, opens, inside, closes, after = _sentences(text)
    cands = [intro, opens, inside, closes, after]
    assert _opens_quote(opens.text) and not _opens_quote(closes.text) and not _opens_quote(intro.text)
    assert _quotation_opener(inside, cands) is opens and _quotation_opener(closes, cands) is opens
    assert _quotation_opener(after, cands) is None and _quotation_opener(opens, cands) is None
    _carry_introductions(cands)
    assert {"okafor", "director"} <= inside.terms and "okafor" not in after.terms


def test_who_someone_is_names_and_choices(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _alternatives, name_kind
    from rag.question import introduces

    assert introduces("Savett", "National Security Council spokesperson Sean Savett informed CNN.")
    assert introduces("Cole", "Harriet Cole, a retired Riverton schoolteacher, ran it.")
    assert not introduces("Savett", 'Savett stated, "We have been warning of it."')
    assert "spokesperson Sean Savett" in seed_bot.ask("who's Savett?").citations[0].quote
    assert name_kind("What's the name of the missile system Shoigu went to see?") == "system"
    assert "Ababil" in seed_bot.ask("What's the name of the missile system Shoigu went to see?").text
    assert [w for w, _ in _alternatives("Were they shipped by sea or flown in by aircraft?")] == [
        "sea",
        "flown",
        "aircraft",
    ]
    assert seed_bot.ask("Were the missiles shipped to Russia by sea or flown in by aircraft?").abstained
    ans = seed_bot.ask("Did Iran's UN mission admit or deny the transfer?")
    assert not ans.abstained and "denied the transfer" in ans.text


def test_an_organisation_referred_to_by_its_noun_and_a_surname_as_a_name() -> None:
    from rag.extractive import _carry_organisations, _credit_surnames

    text = (
        "The Westmere Regional Transit Authority said cracks were found. "
        "The viaduct was built by Brennan Civil Works, the main contractor. "
        "In a short statement, the company denied any fault. "
        '"We will not open it," said Helen Okafor, the authority’s chief executive. '
        "The tram work continues."
    )
    authority, built, denial, okafor, work = _sentences(text)
    cands = [authority, built, denial, okafor, work]
    _carry_organisations(cands)
    assert {"brennan", "civil", "work"} <= denial.terms  # "the company": the one named just before
    assert {"westmer", "regional", "transit", "authority"} <= okafor.terms  # "the authority": the name ending so
    _credit_surnames(analyse("What did Brennan Civil Works say?"), cands)
    assert "brennan" not in work.terms  # "tram work" is not "Civil Works"


def test_names_asked_for_after_a_participle_and_people_by_kind() -> None:
    from rag.extractive import name_kind

    assert name_kind("What is the name of the HSE inspector leading the investigation?") == "inspector"
    assert name_kind("What was the name of the new building?") == "building"


def test_fifth_article_answers(tmp_path) -> None:  # noqa: ANN001
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "store")
    ingest_paths(settings, [Path(__file__).parent / "data" / "fifth_article.txt"])
    bot = Chatbot(settings)
    assert "Area commander Ruth Okafor" in bot.ask("Who is Ruth Okafor?").text  # her title says who she is
    assert "Two night-shift workers" in bot.ask("How many employees needed hospital care?").text  # in words
    assert "£48,000" in bot.ask("How big was the fine after the 2021 fire?").text
    assert bot.ask("What is the name of the HSE inspector leading the investigation?").abstained
    assert bot.ask("what's the weather in berlin tomorrow").abstained  # Berlin is in Germany, the article is not
    # "What time" needs a time of day; "the site" is the plant the sentence before named.
    assert "11:42 pm" in bot.ask("What time were firefighters called to the Harwick Polymers site?").text
    assert bot.ask("In what year did the Harwick Polymers plant first open?").abstained  # no year is given


def test_a_question_about_something_the_article_never_mentions(seed_bot, article_bot) -> None:  # noqa: ANN001
    """Naming the article's countries does not put their population or currency in it."""
    for question in ("What is the population of Iran?", "What currency do they use in Russia?"):
        ans = seed_bot.ask(question)
        assert ans.abstained and not ans.citations, question
    # A title is asked for in other words than the article's ("office": President).
    ans = seed_bot.ask("What office does Volodymyr Zelensky hold, according to the article?")
    assert not ans.abstained and "President" in ans.text
    strike = article_bot("sixth_article.txt")
    assert "chief operating officer" in strike.ask("What is Gregory Tolliver's job?").text
    # Far from every sentence, a question is off-topic even when WordNet links a word or two ("keep": save).
    for question in (
        "how do i keep my sourdough starter alive while on vacation",
        "Should I get a flu shot every year?",
    ):
        assert strike.ask(question).abstained, question
    assert "412-bed" in strike.ask("How many beds does Harlow Memorial Hospital have?").text


def test_a_government_named_by_its_seat_and_light_verbs_in_any_form(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask(
        "At which international gatherings did Washington and its partners spell out their warning to Tehran?"
    )
    assert not ans.abstained and "NATO summits" in ans.text  # Washington: the US, which the article never names
    assert seed_bot.ask("What's the weather going to be like in Washington tomorrow?").abstained
    from rag.extractive import _demonym

    assert _demonym("American") and _demonym("Iranian") and not _demonym("Iran") and not _demonym("Tehran")
    assert analyse("What share of the nurses backed going on strike?").focus_terms() == ["nurs", "back", "strik"]


def test_how_much_of_something_that_is_not_money_and_a_raise_in_percent(article_bot) -> None:  # noqa: ANN001
    assert analyse("How much advance warning did the union give management?").slot == "other"
    assert analyse("How much did Russia pay Iran for the missiles?").slot == "money"
    strike = article_bot("sixth_article.txt")
    assert (
        "10-day notice" in strike.ask("How much advance warning did the union give management before walking out?").text
    )
    assert "18 percent" in strike.ask("What pay raise is the union demanding?").text


def test_he_is_the_person_introduced_and_a_quotation_goes_on_after_its_speaker(article_bot) -> None:  # noqa: ANN001
    from rag.extractive import _quotation_opener
    from rag.followup import _person

    said = "Gregory Tolliver, the hospital's chief operating officer, said Harlow Memorial could not accept it."
    assert _person(said) == "Gregory Tolliver"  # the role follows his name, not the hospital's
    text = (
        '"Rigid ratios sound good on a picket sign," Tolliver said at a news conference. '
        '"Our offer would make our nurses among the best paid in the region. '
        'It is a fair offer, and it is still on the table."'
    )
    attributed, offer, fair = _sentences(text)
    assert _quotation_opener(offer, [attributed, offer, fair]) is attributed
    assert _quotation_opener(fair, [attributed, offer, fair]) is attributed
    strike = article_bot("sixth_article.txt")
    history = [
        {"role": "user", "content": "What is Gregory Tolliver's job?"},
        {"role": "assistant", "content": strike.ask("What is Gregory Tolliver's job?").text},
    ]
    ans = strike.ask("And what did he say about the hospital's offer?", history=history)
    assert "Tolliver" in ans.standalone_question and "fair offer" in ans.text


def test_a_title_asked_for_is_the_whole_title(article_bot) -> None:  # noqa: ANN001
    strike = article_bot("sixth_article.txt")
    ans = strike.ask("Who is the chief executive officer of Harlow Memorial?")
    assert ans.abstained and not ans.citations  # the article names its chief operating officer only
    assert "Tolliver" in strike.ask("Who is the chief operating officer of Harlow Memorial?").text


def test_how_far_back_a_sum_asked_by_its_noun_and_a_fall_in_percent(seed_bot, article_bot) -> None:  # noqa: ANN001
    assert analyse("How far back do Moscow's talks to acquire missiles go?").slot == "time"
    assert analyse("What was Northwind's annual revenue last year?").slot == "money"
    ans = seed_bot.ask("How far back do Moscow's talks to acquire short-range missiles from Tehran go?")
    assert "last September" in ans.text
    airline = article_bot("seventh_article.txt")
    assert "7.3 percent" in airline.ask("By how much did shares in Northwind's parent company fall?").text
    assert airline.ask("What was Northwind's annual revenue last year?").abstained  # a fall in shares is no sum


def test_general_knowledge_about_the_article_s_people_and_places_is_off_topic(seed_bot) -> None:  # noqa: ANN001
    """An ordinal ("the last …"), a title ("elected president") or a name's leading word ("Wall Street": a city?)
    does not put a general-knowledge question in the article; nor does a noun said about something else."""
    for question in (
        "Who won the last Olympic marathon?",
        "When was Zelensky first elected president?",
        "What is the capital city of Iran?",
        "What is the capital city of Russia?",  # the article speaks of Ukrainian cities, not of a capital
        "Which Ukrainian cities did Russia attack?",  # it names no city: Russia is a country
        "What is the population of Germany?",  # "Contact Group" is a name, not a word for a population
    ):
        ans = seed_bot.ask(question)
        assert ans.abstained and not ans.citations, question
    assert "North Korea" in seed_bot.ask("Which country besides Iran has supplied missiles to Russia?").text
    assert "Germany" in seed_bot.ask("In which country did Zelensky meet his allies?").text
    assert "Savett" in seed_bot.ask("Who is the National Security Council spokesperson?").text


def test_a_denial_answers_whether_it_was_admitted_and_an_age_is_a_figure_of_years(
    seed_bot,  # noqa: ANN001
    article_bot,  # noqa: ANN001
) -> None:
    ans = seed_bot.ask("Has Iran admitted to sending the missiles?")
    assert "denied the transfer" in ans.text  # not the G7's warning of what would follow if it sent them
    history = [
        {"role": "user", "content": "Who said that any transfer would be a dramatic escalation?"},
        {"role": "assistant", "content": "National Security Council spokesperson Sean Savett informed CNN … [1]"},
    ]
    ans = seed_bot.ask("What's his role?", history=history)  # no words of its own but a word for a title
    assert not ans.abstained and "spokesperson" in ans.text
    assert "Maureen Silk, 71" in article_bot("fifth_article.txt").ask("How old is Maureen Silk?").text
    strike = article_bot("sixth_article.txt")
    assert strike.ask("How old is Denise Marchetti?").abstained  # "a nurse for 22 years" gives no age


def test_which_senior_official_is_answered_by_a_minister_named(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Which senior Russian official went to Iran to look at ballistic missiles?")
    assert "Shoigu" in ans.text  # "senior official" describes whom the answer names, by his own title


def test_who_leads_is_said_by_a_title_a_role_by_any_holder_and_how_much_of_anything(article_bot) -> None:  # noqa: ANN001
    from rag.extractive import _has_term

    assert _has_term("spokesperson", {"spokeswoman"}) and _has_term("chairman", {"chairperson"})
    assert not _has_term("german", {"gerperson"})
    assert analyse("How much was handed out?").slot == "quantity"  # an amount, not necessarily money
    assert analyse("How much did the utility pay?").slot == "money"
    water = article_bot("eighth_article.txt")
    assert "Osei" in water.ask("Who runs the county health department?").text  # "director of …"
    assert "Whitlock" in water.ask("Who is the DEP's spokesperson?").text  # "A DEP spokeswoman"
    assert "52,000 gallons" in water.ask("How much was handed out?").text


def test_the_us_is_close_to_its_federal_agency_and_how_long_since(seed_bot) -> None:  # noqa: ANN001
    """The article names the National Security Council, a federal agency in WordNet, never the US itself."""
    ans = seed_bot.ask("What is the US saying it's prepared to do if this is confirmed?")
    assert "serious consequences" in ans.text
    assert seed_bot.ask("Who is the US president?").abstained
    ans = seed_bot.ask("How long has the US been warning about the partnership between Russia and Iran?")
    assert "since the outset" in ans.text  # a time since which, not a measured length


def test_a_thing_set_aside_is_not_the_answer(seed_bot) -> None:  # noqa: ANN001
    from rag.question import excluded_words

    assert "missiles" in excluded_words("What weapons had Iran provided before the ballistic missiles?")
    assert not excluded_words("What happened before the strike?")  # an event before which, not a thing set aside
    assert "missiles" in excluded_words("What had Iran supplied to Russia before the missiles?")  # a made thing
    assert not excluded_words("What did they say before the summit?")
    for question in (
        "What weapons had Iran provided to Russia before the ballistic missiles?",
        "What had Iran supplied to Russia before the missiles?",
        "Apart from missiles, what else has Iran given Russia?",
    ):
        assert "drones" in seed_bot.ask(question).text, question


def test_a_role_owned_by_a_name_in_two_words_and_a_count_of_something_else(article_bot) -> None:  # noqa: ANN001
    airline = article_bot("ninth_article.txt")
    assert "Daniel Ferrante" in airline.ask("Who is the chief executive of Corran Air?").text  # "Corran Air's chief"
    # "nine turboprops" and "two engines" count no blades; "A spokesperson for Aldane" names nobody.
    assert airline.ask("Exactly how many turbine blades were found to be cracked?").abstained
    assert airline.ask("What is the name of the Aldane Propulsion spokesperson who commented?").abstained
    library = article_bot("second_article.txt")
    assert "42,000" in library.ask("How many items does the branch's opening collection contain?").text


def test_an_owner_named_by_its_seat_and_who_spoke_for_a_body(seed_bot, article_bot) -> None:  # noqa: ANN001
    assert not _other_owner("Who was the Kremlin's defence minister?", "then-Russian Defense Minister Sergei Shoigu")
    assert _other_owner("Who is Russia's president?", "Ukrainian President Volodymyr Zelensky")
    ans = seed_bot.ask("Who was the Kremlin's defence minister when he travelled to Iran to look at the missiles?")
    assert "Shoigu" in ans.text
    airline = article_bot("ninth_article.txt")
    assert "Markovic" in airline.ask("Who spoke for the aviation safety regulator?").text


def test_a_conclusion_asked_why_is_quoted_with_its_ground(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Why does Tehran say that arming the warring sides is wrong?")
    assert "increased human casualties" in ans.text and "Therefore" in ans.text
    assert ans.text.index("casualties") < ans.text.index("Therefore")  # in the article's order


def test_an_exact_date_the_article_says_is_unclear_a_city_it_never_names(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("On what precise date did the missiles reach Russia?")
    assert ans.abstained and not ans.citations
    assert seed_bot.ask("Which Iranian city did Shoigu travel to?").abstained  # "visited Iran": no city


def test_who_first_reported_and_an_official_thing_said_only_of_an_official(seed_bot) -> None:  # noqa: ANN001
    assert "broke the news" in seed_bot.ask("Which paper first reported the delivery?").text
    ans = seed_bot.ask("What is the official language of Iran?")  # "a senior Russian official" is no language
    assert ans.abstained and not ans.citations


def test_a_yearly_sum_from_a_sentence_about_the_documents_before_it(article_bot) -> None:  # noqa: ANN001
    council = article_bot("tenth_article.txt")
    ans = council.ask("How much money did the leaked papers say the closure would save each year?")
    assert "6.2 million" in ans.text  # "The documents project annual savings…", after "leaked budget documents"


def test_who_did_a_deed_the_article_never_speaks_of(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Who founded CNN?")  # CNN is named throughout; its founding nowhere
    assert ans.abstained and not ans.citations
    # A word of saying is answered by a quote, in whatever words the article reports it.
    assert "unnamed official" in seed_bot.ask("Who described the visit as the first public display of missiles?").text


def test_a_description_in_apposition_says_who_someone_is(article_bot) -> None:  # noqa: ANN001
    port = article_bot("eleventh_article.txt")
    ans = port.ask("Who is Samuel Briggs?")  # "said Samuel Briggs, a crane operator with 19 years' experience"
    assert "crane operator" in ans.text and ans.citations
    history = [{"role": "user", "content": "Who is Samuel Briggs?"}, {"role": "assistant", "content": ans.text}]
    assert "19 years" in port.ask("How long has he been doing that job?", history=history).text  # "that job": his


def test_a_word_of_saying_is_said_by_any_quote(article_bot) -> None:  # noqa: ANN001
    port = article_bot("eleventh_article.txt")
    assert "Varga" in port.ask("Which shipping analyst commented on the dispute?").text  # "…," Varga said


def test_a_rate_over_another_period_and_a_ranked_superlative_are_no_answer(article_bot) -> None:  # noqa: ANN001
    port = article_bot("eleventh_article.txt")
    wages = port.ask("How much do the Marrow Bay dockworkers earn per hour?")  # "18 million dollars each day"
    assert wages.abstained and not wages.citations
    busiest = port.ask("Which port is the country's busiest?")  # "the country's second-busiest port"
    assert busiest.abstained and not busiest.citations
    assert "160 kilometres" in port.ask("How far away is the port that some of the stuck ships went to instead?").text


def test_what_else_moves_on_from_the_sentence_already_quoted(article_bot) -> None:  # noqa: ANN001
    trial = article_bot("third_article.txt")
    history: list[dict[str, str]] = []
    for question in ("Who is Martin Achebe?", "Was he involved in the research?"):
        reply = trial.ask(question, history=history).text
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": reply}]
    ans = trial.ask("What else did he point out about the trial?", history=history)
    assert "injectable" in ans.text and "24 weeks" not in ans.text


def test_the_us_government_is_the_one_whose_agency_the_article_names(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("How did the White House security spokesman characterize any handover of these weapons?")
    assert "significant escalation" in ans.text
    assert "Savett" in seed_bot.ask("Who is the NSC spokesperson quoted in the article?").text
    us_president = seed_bot.ask("Who is the US president?")  # "Ukrainian President Volodymyr Zelensky" is not
    assert us_president.abstained and not us_president.citations


def test_how_someone_responded_is_what_they_said_or_did(seed_bot) -> None:  # noqa: ANN001
    assert "denied the transfer" in seed_bot.ask("How did Iran respond to the reports of the missile transfer?").text
    # "responded" in any form, and Tehran is Iran
    assert "denied the transfer" in seed_bot.ask("How has Tehran responded to the reports?").text
    # Nobody in Russia says or does anything about it in the article
    moscow = seed_bot.ask("How did Moscow react?")
    assert moscow.abstained and not moscow.citations
    # Washington reacts through the federal agency the article quotes
    assert "significant escalation" in seed_bot.ask("How has the US reacted to the reports?").text
    assert "denied the transfer" in seed_bot.ask("Who on the Iranian side denied the transfer?").text
    city = seed_bot.ask("In which Russian city is the drone-manufacturing facility being built?")
    assert city.abstained and not city.citations  # "Russia" says the country, not which Russian city


def test_whether_they_admitted_it_is_answered_by_their_denial(seed_bot) -> None:  # noqa: ANN001
    for question in ("Did Tehran acknowledge shipping the rockets?", "Has Iran confirmed it sent the missiles?"):
        assert "denied the transfer" in seed_bot.ask(question).text, question


def test_how_someone_characterizes_it_is_what_they_say(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import judged_by

    # Washington speaks through the federal agency the article quotes
    ans = seed_bot.ask("How do Washington's officials characterize Tehran possibly handing its rockets to Moscow?")
    assert ans.citations and "any transfer of Iranian ballistic missiles" in ans.citations[0].quote
    ans = seed_bot.ask("How does Tehran's UN mission characterize arming the warring sides?")
    assert "inhumane" in ans.text  # its judgement, inside the quotation its denial opens
    for question in (  # in someone's view, according to someone: what they say
        "In Tehran's view, how should arming the warring sides be described?",
        "According to Tehran's UN office, what does arming the warring sides do to efforts to halt the fighting?",
    ):
        assert "inhumane" in seed_bot.ask(question).text, question
    assert judged_by("How does Washington view it?", "National Security Council spokesperson Sean Savett said so.")
    assert not judged_by("How does Washington view it?", "The Wall Street Journal broke the news.")
    assert not judged_by("What does Washington think?", "National Security Council spokesperson Sean Savett said so.")


def test_which_city_needs_a_city(seed_bot) -> None:  # noqa: ANN001
    # "in Germany" and "at the Ukraine Defense Contact Group" name a country, not a city
    german = seed_bot.ask("Which German city hosted the defense contact group meeting?")
    assert german.abstained and not german.citations
    assert "Germany" in seed_bot.ask("In which country did the Ukraine Defense Contact Group meet?").text


def test_who_else_supplied_them_is_found_without_the_one_set_aside(seed_bot) -> None:  # noqa: ANN001
    assert "North Korea" in seed_bot.ask("Has Russia gotten weapons from anyone besides Iran?").text
    assert "North Korea" in seed_bot.ask("Is Iran the only country helping Russia with missiles?").text
    assert "spokesperson" in seed_bot.ask("what's sean savett's job").text


def test_whether_it_is_known_is_answered_by_it_being_unclear(seed_bot) -> None:  # noqa: ANN001
    for question in (
        "Do we know exactly when the handover took place?",
        "Is it known exactly when Tehran handed the rockets over to Moscow?",
    ):
        assert "It's unclear when exactly" in seed_bot.ask(question).text, question


def test_a_sentence_only_supposing_it_reports_less_than_one_saying_it(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _only_supposed
    from rag.question import analyse

    q = analyse("What did Iran send to Russia?")
    assert _only_supposed(q, "The G7's warning of consequences if Iran sends ballistic missiles to Russia matters.")
    assert not _only_supposed(q, "Iran sends ballistic missiles to Russia, if reports are right.")
    ans = seed_bot.ask("what kind of missiles is iran said to have sent to russia")
    assert ans.citations and ans.citations[0].quote.startswith("Iran reportedly shifts ballistic missiles")


def test_hearing_from_someone_is_being_told(seed_bot) -> None:  # noqa: ANN001
    history: list[dict[str, str]] = []
    for question in ("When did Russia begin negotiating to get the missiles?", "Who travelled to Iran at that time?"):
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": seed_bot.ask(question).text},
        ]
    ans = seed_bot.ask("And when did CNN hear from an official about that trip?", history=history)
    assert "in January" in ans.text  # '"…," an unnamed official told CNN in January'


def test_names_listed_before_a_plural_are_of_its_kind_in_any_sense(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _names_a
    from rag.thesaurus import is_a, is_a_in_any_sense

    assert is_a_in_any_sense("summits", "gathering") and not is_a("summit", "gathering")  # first a peak
    assert _names_a("gatherings", "at both the G7 and NATO summits this summer")
    assert not _names_a("groups", "to a visiting Russian delegation")
    ans = seed_bot.ask(
        "At which gatherings this summer did Washington and its allies signal they were ready to retaliate?"
    )
    assert "G7 and NATO summits" in ans.text


def test_an_unnamed_official_gives_no_name(seed_bot) -> None:  # noqa: ANN001
    named = seed_bot.ask("What is the name of the official who told CNN about the first public display of missiles?")
    assert named.abstained and not named.citations
    assert "unnamed official" in seed_bot.ask("Who told CNN about the first public display of missiles?").text


def test_the_group_of_seven_is_the_g7(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("What did the Group of Seven say last March it would respond with?")
    assert "new and significant measures" in ans.text
    ans = seed_bot.ask("What did the club of seven rich democracies threaten Tehran with if it went ahead?")
    assert "new and significant measures" in ans.text


def test_a_federal_agency_and_its_spokesperson_speak_for_washington(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _modifies_thing

    ans = seed_bot.ask("Which American official commented on the reports on behalf of Washington?")
    assert "Savett" in ans.text
    rial = seed_bot.ask("What is the exchange rate between the Iranian rial and the US dollar?")
    assert rial.abstained and not rial.citations
    assert _modifies_thing("US", "the US dollar") and not _modifies_thing("US", "Which US officials said so?")


def test_a_branch_of_the_armed_forces_is_a_force(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Which branch of Iran's armed forces showed off its missiles to a Russian delegation?")
    assert "the IRGC had deployed" in ans.text


def test_which_specific_things_need_things_named(seed_bot) -> None:  # noqa: ANN001
    # "prepared to impose serious consequences" names no sanctions
    sanctions = seed_bot.ask("What specific sanctions has Washington imposed on Tehran over the transfer?")
    assert sanctions.abstained and not sanctions.citations
    assert "Ababil" in seed_bot.ask("Which specific missile systems did Shoigu go to see?").text
    # nor does it say of anyone else, though "consequences" is a word close to "sanctions"
    _refuses(seed_bot, "What specific sanctions has the US imposed?")
    _refuses(seed_bot, "What exact sanctions did the G7 impose over the missiles?")


def test_how_big_a_growth_is_may_be_said_against_history(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("How large was the buildup in Russian military manufacturing?")
    assert "since the Soviet era" in ans.text
    factory = seed_bot.ask("How big is the drone factory?")  # a size, and the article gives none
    assert factory.abstained and not factory.citations


def test_who_was_first_with_the_news_is_who_broke_it(seed_bot) -> None:  # noqa: ANN001
    for question in (
        "Which outlet first reported that Tehran sent missiles to Moscow?",
        "Which paper was first to report that Tehran had shipped the weapons to Moscow?",
        "Which outlet got the scoop on Tehran's missile shipment to Moscow?",
        "Which media outlet was the first to reveal that Tehran had handed over the weapons?",
    ):
        assert "broke the news" in seed_bot.ask(question).text, question
    # The paper that first reported it is who says it, not what is asked.
    ans = seed_bot.ask("According to the newspaper that first reported the shipment, what might have been behind it?")
    assert "politics" in ans.text
    ans = seed_bot.ask("According to the paper that broke the story, what might lie behind the shipment?")
    assert "politics" in ans.text  # a sentence giving a cause, not the one saying who broke the story
    assert "politics" in seed_bot.ask("What does the WSJ think might explain the delivery?").text


def test_what_she_said_about_when_is_a_quote_going_on_after_its_speaker(article_bot) -> None:  # noqa: ANN001
    bridge = article_bot("twelfth_article.txt")
    first = "Who is the county's highways director?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": bridge.ask(first).text}]
    ans = bridge.ask("What did she say about when it might reopen?", history=history)
    assert "reopening date right now is guessing" in ans.text  # '"…," Okafor said. "Anyone who gives you…"'


def test_the_year_something_first_happened_is_the_year_it_happened(article_bot) -> None:  # noqa: ANN001
    bridge = article_bot("twelfth_article.txt")
    assert "1939" in bridge.ask("What year did the bridge first open to traffic?").text


def test_the_main_event_is_answered_from_the_lead(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Iran is giving which type of rocket to which country, please?")
    assert ans.text.startswith("Iran reportedly shifts ballistic missiles to Russia")


def test_washington_is_said_by_the_agency_the_article_quotes(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask(
        "At which gatherings this summer did Washington and its partners signal they were ready to punish such a move?"
    )
    assert "G7 and NATO summits" in ans.text


def test_a_sentence_about_another_person_is_not_about_the_one_asked(article_bot) -> None:  # noqa: ANN001
    wine = article_bot("thirteenth_article.txt")
    ans = wine.ask("Where did Maria Steindl go to university and what did she study?")  # only Pichler's is named
    assert ans.abstained and not ans.citations
    assert "3.1 degrees" in wine.ask("How much warmer than normal was March in the valley?").text


def test_an_overview_quotes_the_opening_of_the_story(seed_bot, article_bot) -> None:  # noqa: ANN001
    for question in ("What is the article about?", "Summarize the article.", "Give me a quick overview"):
        ans = seed_bot.ask(question)
        assert ans.text.startswith("Iran reportedly shifts ballistic missiles to Russia"), question
        assert ans.citations and all(c.supported for c in ans.citations)
        assert len(ans.citations) <= 2 and ans.citations[0].start == 0
    wine = article_bot("thirteenth_article.txt")
    assert wine.ask("Summarize the story").text.startswith("Late frost destroys up to 40 percent")


def test_a_request_for_something_the_article_lacks(article_bot) -> None:  # noqa: ANN001
    wine = article_bot("thirteenth_article.txt")
    ans = wine.ask("Can you give me a recipe for apricot dumplings?")  # apricots yes, recipes no
    assert ans.abstained and not ans.citations


def test_lower_case_first_reports_and_since_when(seed_bot) -> None:  # noqa: ANN001
    assert "broke the news" in seed_bot.ask("which outlet first reported iran sending the missiles?").text
    first = "What has the NSC spokesperson been warning about?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    ans = seed_bot.ask("since when?", history=history)
    assert "since the outset" in ans.text


def test_lower_case_questions_about_names_the_article_lacks_abstain(seed_bot) -> None:  # noqa: ANN001
    for question in ("who is the president of france", "what is the population of tehran"):
        ans = seed_bot.ask(question)
        assert ans.abstained and not ans.citations, question
        assert ans.question == question  # reported as typed
    assert "Shoigu" in seed_bot.ask("when did shoigu visit iran").text


def test_how_to_make_and_does_it_have_something_the_article_never_speaks_of(article_bot) -> None:  # noqa: ANN001
    court = article_bot("fourteenth_article.txt")
    for question in (
        "How do I make a sourdough starter at home?",  # "will make new homes more expensive"
        "Does Calder State University have a football team, and how did it do last season?",
    ):
        ans = court.ask(question)
        assert ans.abstained and not ans.citations, question


def test_handed_over_is_said_by_delivered(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Is it known exactly when Tehran handed over the weapons?")
    assert "unclear when exactly the missiles were delivered" in ans.text


def test_an_overview_through_the_langchain_runnable(seed_bot) -> None:  # noqa: ANN001
    out = seed_bot.chain.invoke({"question": "What is the article about?", "history": []})
    assert out["answer"].startswith("Iran reportedly shifts ballistic missiles to Russia") and out["citations"]


def test_who_supplied_is_answered_by_who_it_was_obtained_from(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Apart from Iran, which country has supplied Russia with missiles?")
    assert "North Korea" in ans.text and ans.citations


def test_what_was_reported_sent_is_not_what_a_warning_supposes(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("What is Iran reported to have sent to Russia?")
    assert ans.text.startswith("Iran reportedly shifts ballistic missiles to Russia"), ans.text
    # a question about the threat itself is answered by the sentence supposing it
    ans = seed_bot.ask("What does the rich democracies' threat of penalties over the missiles reveal about the world?")
    assert "underscores the international community's concern" in ans.text, ans.text


def test_what_was_done_is_told_by_a_sentence_in_the_past(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _tells_past

    assert _tells_past("The G7 had issued a strong statement last March.") and _tells_past("Savett said so.")
    assert not _tells_past("The G7's warning of serious consequences underscores the concern.")
    ans = seed_bot.ask("What did the G7 threaten Iran with if it sent ballistic missiles to Russia?")
    assert "new and significant measures against Iran" in ans.text, ans.text


def test_how_one_feels_is_answered_by_a_feeling_not_the_word_feel(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("How does the US feel about these reports?")
    assert "deeply concerned" in ans.text and ans.citations, ans.text
    assert seed_bot.ask("How does Zelensky feel about the weather?").abstained


def test_what_kind_is_answered_by_the_word_saying_the_kind(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _sort_said

    q = "what kind of ballistic missiles was Russia trying to get from Iran"
    assert _sort_said(q, "negotiations to obtain close-range ballistic missiles from Iran")
    assert not _sort_said(q, "Iran reportedly shifts ballistic missiles to Russia")  # a verb, not a kind
    assert not _sort_said(q, "The delivery of ballistic missiles signifies a significant escalation")
    assert "close-range" in seed_bot.ask(q).text


def test_anyone_besides_a_name_is_answered_by_a_sentence_naming_another(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Has Russia been getting missiles from anyone besides Iran?")
    assert "North Korea" in ans.text, ans.text


def test_which_base_or_city_is_not_answered_by_a_country(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _place_of_kind

    q = "Which Russian base or city were the missiles delivered to?"
    assert not _place_of_kind(q, "The delivery signifies a significant escalation in Iran's support for Russia.")
    assert _place_of_kind(q, "The missiles were flown to Kaliningrad.")  # a place WordNet does not know may be one
    ans = seed_bot.ask(q)
    assert ans.abstained and not ans.citations, ans.text


def test_the_group_of_seven_is_looked_for_as_the_g7(seed_bot) -> None:  # noqa: ANN001
    from rag.chain import retrieval_query
    from rag.extractive import numbered_groups

    assert numbered_groups("the group of seven major economies") == ["G7"] and numbered_groups("Group of 20") == ["G20"]
    assert numbered_groups("a group of friends") == [] and "G7" in retrieval_query("What did the club of seven say?")
    ans = seed_bot.ask("What did the group of seven major economies threaten Tehran with?")
    assert "new and significant measures" in ans.text, ans.text


def test_who_did_it_is_answered_by_the_one_sentence_naming_who(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Who first reported the missile transfer?")
    assert ans.text.startswith("The Wall Street Journal broke the news") and "Savett" not in ans.text, ans.text


def test_who_judges_need_not_be_said_by_what_they_said(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("How did Washington's security officials characterize the role of the dollar?")
    assert ans.abstained and not ans.citations
    assert "dollar" in ans.abstain_reason and "security" not in ans.abstain_reason, ans.abstain_reason


def test_a_call_to_stop_supplying_tells_nothing_supplied(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _only_refused

    urged = "it also urges other countries to cease the supply of weapons to the parties involved in the conflict"
    assert _only_refused(analyse("What weapons had Iran already supplied to Russia?"), urged)
    assert not _only_refused(analyse("Is the state taking a side?"), "Our role is not to take sides, she said.")
    for q in (
        "What weapons had Iran already supplied to Russia before the missiles?",
        "Did Iran supply Russia with weapons before the missiles?",
    ):
        assert "hundreds of drones" in seed_bot.ask(q).text, q


def test_what_a_paper_says_lies_behind_it_is_the_cause_it_reported(seed_bot) -> None:  # noqa: ANN001
    for q in (
        "What motive does the Journal think may lie behind the handover?",
        "According to the American business daily, what might lie behind the shipment?",
        "According to the outlet that first revealed the shipment, what could be driving it?",
        "What did the business daily that first revealed the shipment say might lie behind it?",
    ):
        assert "could be a result of the collaboration" in seed_bot.ask(q).text, q
    for q in (
        "According to the newspaper, what is behind the rise in oil prices?",
        "What does the paper think is behind the weather?",
    ):
        ans = seed_bot.ask(q)
        assert ans.abstained and not ans.citations, q


def test_a_title_before_a_name_says_nothing_of_how_they_got_it(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("What did Zelensky do for a living before he became president?")
    assert ans.abstained and not ans.citations, ans.text
    assert "Zelensky stressed" in seed_bot.ask("What did President Zelensky say Ukraine urgently needs?").text


def test_which_iranian_body_is_a_body_of_iran(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _of_country

    assert _of_country("Iranian", "Iran's Permanent Mission to the United Nations denied the transfer")
    assert not _of_country("Iranian", "the NSC said any transfer of Iranian ballistic missiles would escalate")
    history = [
        {"role": "user", "content": "Has Iran admitted to sending the missiles?"},
        {"role": "assistant", "content": seed_bot.ask("Has Iran admitted to sending the missiles?").text},
    ]
    assert "Permanent Mission" in seed_bot.ask("Which Iranian body said that?", history=history).text


def test_advice_is_answered_only_by_a_sentence_recommending(seed_bot, article_bot) -> None:  # noqa: ANN001
    for q in ("What's the best time of year to visit Moscow as a tourist?", "best time of year to visit isfahan"):
        ans = seed_bot.ask(q)
        assert ans.abstained and not ans.citations, q
    ans = article_bot("eighth_article.txt").ask("What's the best pizza place in Carrow Falls?")
    assert ans.abstained and not ans.citations


def test_how_many_other_counts_the_noun_after_other() -> None:
    from rag.extractive import _counted

    assert _counted(analyse("How many other airlines in the country use the engine?")) == "airlin"
    assert _counted(analyse("How many of them?")) is None


def test_what_someone_speaks_is_not_said_by_their_speaking(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("What languages does Zelensky speak?")
    assert ans.abstained and not ans.citations, ans.text
    assert "air defense systems" in seed_bot.ask("What did Zelensky say Ukraine needs?").text


def test_who_led_something_is_answered_by_its_leader_by_title(seed_bot) -> None:  # noqa: ANN001
    for q in (
        "Who heads the National Security Council?",
        "Who runs CNN these days?",
        "Who owns the Wall Street Journal?",
    ):
        ans = seed_bot.ask(q)
        assert ans.abstained and not ans.citations, (q, ans.text)
    ans = seed_bot.ask("Who headed Moscow's military ministry when it first went shopping for Tehran's rockets?")
    assert "Shoigu" in ans.text and ans.citations, ans.text
    # the delegation's visit is told, who led it is not
    ans = seed_bot.ask("Who led the Russian delegation that visited the IRGC training area in December?")
    assert ans.abstained and not ans.citations, ans.text


def test_how_something_works_needs_a_sentence_saying_how_it_works(seed_bot) -> None:  # noqa: ANN001
    from rag.embeddings import get_embeddings
    from rag.extractive import ExtractiveAnswerer
    from rag.retrieval import Hit
    from rag.settings import Settings
    from rag.types import Passage

    ans = seed_bot.ask("How does a turbojet engine actually work?")
    assert ans.abstained and not ans.citations, ans.text
    assert ans.text == "The article doesn't say how a turbojet engine works."
    embeddings = get_embeddings(Settings().embedding_model)
    question = "How does a turbojet engine work?"
    vector = embeddings.embed_query(question)
    said = "A turbojet engine works by compressing air, burning fuel in it and pushing the hot gas out of a nozzle."
    hits = [Hit(Passage("p1", "doc.txt", 0, len(said), said), 0.8, 1.0, vector)]
    answerer = ExtractiveAnswerer(encode=embeddings.embed_documents, idf=lambda t: 2.0)
    assert not answerer.answer(analyse(question), hits, vector).abstained


def test_since_when_is_answered_by_a_sentence_saying_since_what(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask(
        "Since when has Washington been sounding the alarm about Moscow and Tehran drawing closer militarily?"
    )
    assert "since the outset" in ans.text and ans.citations, ans.text
    ans = seed_bot.ask("Moscow's weapons-building surge is reportedly its biggest since when?")
    assert "since the Soviet era" in ans.text and ans.citations, ans.text
    ans = seed_bot.ask("how far back do Moscow's talks to acquire these weapons go")
    assert "as early as last September" in ans.text and ans.citations, ans.text


def test_which_place_asked_for_a_name_needs_a_place_named(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _place_of_kind

    question = "At which Russian port or airbase did the missiles arrive?"
    assert not _place_of_kind(question, "CNN had reached out to the Russian embassy for comment.", must_name=True)
    assert _place_of_kind(question, "The missiles arrived at the port of Astrakhan.", must_name=True)
    ans = seed_bot.ask(question)
    assert ans.abstained and not ans.citations, ans.text
    assert ans.text.startswith("The article doesn't say which port")
    ans = seed_bot.ask("At which summits did the US and its partners make their warning clear?")
    assert "G7 and NATO summits" in ans.text and ans.citations, ans.text


def test_a_name_set_aside_is_set_aside_by_its_place_too(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _names_aside

    assert _names_aside("Iran reportedly shifts ballistic missiles to Russia.", ["Tehran"])
    assert not _names_aside("Russia had also obtained missiles from North Korea.", ["Tehran"])
    ans = seed_bot.ask("Apart from Tehran, which Asian regime has reportedly sent Moscow rockets and rocket parts?")
    assert "North Korea" in ans.text and ans.citations, ans.text


def test_what_something_shows_is_answered_by_what_it_suggests_or_underscores(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("what did it signal when iran's elite guards put their rockets on show for visitors from moscow")
    assert "suggested that Russia intended to purchase" in ans.text, ans.text
    history: list[dict] = []
    for q in ("What did the G7 threaten Iran with?", "Under what condition?"):
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": seed_bot.ask(q, history).text}]
    ans = seed_bot.ask("And what does that warning show about the international community?", history)
    assert "underscores the international community's concern" in ans.text and ans.citations, ans.text


def test_a_reaction_goes_on_where_its_speaker_speaks_again(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _same_speaker

    first = "National Security Council spokesperson Sean Savett informed CNN in a statement that …"
    assert _same_speaker(first, 'Savett stated, "We are deeply concerned by these reports."')
    assert not _same_speaker(first, "Savett visited Kyiv.")
    ans = seed_bot.ask("How did the US National Security Council react to the reports?")
    assert "significant escalation" in ans.text and "deeply concerned" in ans.text, ans.text


def test_a_federal_spokesperson_speaks_for_washington_beyond_the_passages_found(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _federal_speakers

    document = (Path(__file__).parent.parent / "seeds" / "iran-missiles-russia.txt").read_text()
    assert _federal_speakers(document) == frozenset({"Savett"})
    q = "At which gatherings this past summer did Washington and its partners signal they would retaliate?"
    ans = seed_bot.ask(q)
    assert "G7 and NATO summits" in ans.text and ans.citations, ans.text


def test_people_is_no_subject_a_sentence_naming_an_official_says(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("What language do people speak in Iran?")
    assert ans.abstained and not ans.citations, ans.text
    assert "hundreds of drones" in seed_bot.ask("How many drones has Iran given Russia?").text


def test_a_date_asked_for_needs_a_month_or_a_day(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("On what date was the Ukraine Defense Contact Group meeting in Germany held?")
    assert ans.abstained and not ans.citations, ans.text  # "this winter" is no date
    assert "last March" in seed_bot.ask("What date did the G7 issue its statement?").text


def _quotes(bot, question: str, quote: str, history: list | None = None) -> None:  # noqa: ANN001
    """The answer quotes the sentence holding ``quote``, with a citation."""
    ans = bot.ask(question, history=history or [])
    assert quote in ans.text and ans.citations, (question, ans.text)


def _refuses(bot, question: str) -> None:  # noqa: ANN001
    """The answer says the article does not tell, and cites nothing."""
    ans = bot.ask(question)
    assert ans.abstained and not ans.citations, (question, ans.text)


def test_has_someone_responded_asks_for_their_reaction(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _reaction_by

    assert _reaction_by("Has Iran responded to the reports?") == "Iran"
    ans = seed_bot.ask("Has Iran responded to the reports?")
    assert "denied the transfer" in ans.text and ans.citations, ans.text  # not the G7's "would respond"


def test_a_stance_in_two_words_is_a_stance(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import asked_verbs
    from rag.thesaurus import phrasal_verbs

    assert any("confess" in plain for _, _, plain in phrasal_verbs(["owned", "up"]))  # a verb only phrases name
    assert "concede" in asked_verbs("Has Tehran owned up to sending the shipment?")
    _quotes(seed_bot, "Has Tehran owned up to sending the shipment?", "denied the transfer")


def test_what_range_of_something_is_said_by_a_range_in_one_word(seed_bot) -> None:  # noqa: ANN001
    _quotes(
        seed_bot,
        "What range of ballistic missiles was Russia negotiating to get from Iran?",
        "close-range ballistic missiles",
    )
    _refuses(seed_bot, "What is the range of the Ababil missile in kilometres?")


def test_a_reaction_found_leaves_only_what_it_answered_to_be_said(seed_bot) -> None:  # noqa: ANN001
    for q in (
        "How did Tehran's envoys at the world body respond to the allegations?",
        "How did Tehran's diplomats at the world body react to the reports?",
    ):
        _quotes(seed_bot, q, "denied the transfer")
    _refuses(seed_bot, "How did Tehran's football fans react to the defeat?")  # a defeat the article never tells


def test_washington_is_answered_by_the_federal_agency_the_passages_found_left_out(seed_bot) -> None:  # noqa: ANN001
    q = "How did Washington characterize a possible handover of Tehran's rockets to Moscow?"
    _quotes(seed_bot, q, "would represent a significant escalation")
    out = seed_bot.chain.invoke({"question": q, "history": []})  # the LangChain chain finds it too
    assert "would represent a significant escalation" in out["answer"], out["answer"]


def test_who_holds_an_office_now_is_not_who_held_it_then(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _only_former

    assert _only_former("when then-Russian Defense Minister Sergei Shoigu visited Iran")
    assert not _only_former("Ukrainian President Volodymyr Zelensky stressed at a meeting")
    _refuses(seed_bot, "Who is Russia's current defense minister?")
    assert "Shoigu" in seed_bot.ask("Who was Russia's defense minister when the talks began?").text


def test_the_role_someone_played_is_what_they_did(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "What role has China played in all this?", "China")
    _refuses(seed_bot, "What role has Brazil played in all this?")


def test_a_question_far_from_every_sentence_naming_one_place_is_off_topic(seed_bot) -> None:  # noqa: ANN001
    for q in ("Do US citizens need a visa to visit Germany?", "What is Germany's unemployment rate right now?"):
        _refuses(seed_bot, q)
    _quotes(
        seed_bot,
        "What was unprecedented about the then-minister's trip, according to the anonymous source?",
        "first public display",
    )


def test_according_to_someone_has_them_say_it_not_the_sentence_subject(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _speaker_says

    shifts = "Iran reportedly shifts ballistic missiles to Russia, according to reliable sources."
    assert not _speaker_says("What does Iran say?", shifts)
    assert _speaker_says("What do the sources say?", shifts)
    history = [
        {"role": "user", "content": "Did Tehran admit sending the missiles?"},
        {"role": "assistant", "content": seed_bot.ask("Did Tehran admit sending the missiles?").text},
    ]
    _quotes(seed_bot, "What do they say Iran itself does?", "refrain", history)


def test_someones_official_response_is_their_reaction(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _reaction_by

    assert _reaction_by("What's Tehran's formal reaction to the reports?") == "Tehran"
    _quotes(seed_bot, "What's Tehran's formal reaction to the reports?", "denied the transfer")


def test_the_us_spokesperson_is_a_federal_agencys(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "Who is the American spokesperson the article quotes?", "Savett")
    ans = seed_bot.ask("Who is the Ukrainian spokesperson the article quotes?")  # the NSC speaks for no Ukraine
    assert "Savett" not in ans.text, ans.text


def test_what_sort_of_thing_is_answered_by_the_sentence_saying_it_in_other_words(seed_bot) -> None:  # noqa: ANN001
    _quotes(
        seed_bot, "What kind of plant has the Kremlin been building with Tehran's help?", "drone-manufacturing facility"
    )


def test_who_won_something_the_article_never_tells_is_not_answered(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import WHO_DID

    assert WHO_DID.match("Who won the vote?").group(1) == "won"
    _refuses(seed_bot, "Who won Russia's last presidential election?")


def test_a_leader_asked_of_one_country_is_not_another_countrys_minister(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _other_owner

    shoigu = "when then-Russian Defense Minister Sergei Shoigu visited Iran to view the systems"
    assert _other_owner("Who is the Iranian leader?", shoigu)
    assert _other_owner("Who is the Iranian leader?", "National Security Council spokesperson Sean Savett said")
    assert not _other_owner("Who was Russia's leader at the talks?", shoigu)
    _refuses(seed_bot, "Who is Tehran's supreme leader?")  # not the NSC spokesperson either


def test_the_name_of_a_role_is_given_by_the_role_beside_a_name(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("What is the name of the US government spokesperson who commented on the reports?")
    assert "Sean Savett" in ans.text and ans.citations, ans.text  # little else of the question is said
    for q in (  # … and only for whom they speak
        "What's the name of the Kremlin spokesperson who responded to the reports?",
        "What's the name of the Ukrainian government spokesperson who responded to the reports?",
    ):
        _refuses(seed_bot, q)


def test_a_question_of_its_own_in_a_conversation_keeps_to_the_sentence_just_quoted_on_a_tie(seed_bot) -> None:  # noqa: ANN001
    q = "Who were the missiles put on display for?"
    alone = seed_bot.ask(q)
    assert "first public display" in alone.text, alone.text  # nearly as close as the December deployment
    first = "What did the IRGC do last December?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    _quotes(seed_bot, q, "visiting Russian delegation", history)


def test_which_daily_first_reported_it_asks_who_broke_the_news(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "Which US daily was the first to reveal the shipment?", "Wall Street Journal broke the news")


def test_the_americans_are_the_government_whose_agency_the_article_quotes(seed_bot) -> None:  # noqa: ANN001
    _quotes(
        seed_bot,
        "At which meetings did the Americans and their allies say they would punish such a move?",
        "G7 and NATO summits",
    )


def test_a_pronoun_with_its_contraction_is_no_word_of_the_question(seed_bot) -> None:  # noqa: ANN001
    from rag.text import STOPWORDS

    assert {"they'd", "we’re", "didn't"} <= STOPWORDS
    first = "Who is the NSC spokesperson?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    _quotes(seed_bot, "Where did he say they'd made their position clear?", "G7 and NATO summits", history)


def test_the_alternatives_asked_about_end_where_a_shared_destination_begins(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _alternatives

    assert [w for w, _ in _alternatives("Were they sent by ship or flown to Russia, and by which route?")] == [
        "ship",
        "flown",
    ]
    _refuses(seed_bot, "Were the missiles sent by sea or flown to Russia?")  # "Russia" is no alternative


def test_what_letters_stand_for_is_answered_by_the_sentence_spelling_them_out(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _acronym_asked

    q = "What is IRGC short for?"
    # the passages found use the letters; the one spelling them out is looked for too
    _quotes(seed_bot, q, "Islamic Revolutionary Guard Corps")
    out = seed_bot.chain.invoke({"question": q, "history": []})
    assert "Islamic Revolutionary Guard Corps" in out["answer"], out["answer"]
    assert _acronym_asked("what is irgc short for") == "IRGC"
    assert _acronym_asked("What does the term mean here?") == ""  # a word, not letters
    ans = seed_bot.ask("What does NATO stand for?")  # named, never spelled out
    assert ans.abstained and not ans.citations and "NATO stands for" in ans.text, ans.text


def test_a_who_did_question_after_what_it_rests_on_asks_for_the_deed(seed_bot) -> None:  # noqa: ANN001
    ans = seed_bot.ask("Shoigu is called the former defence minister — who replaced him?")
    assert ans.abstained and not ans.citations and "replaced" in ans.text, ans.text


def test_what_someone_said_about_the_reports_is_their_reply_to_them(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _reaction_by

    assert _reaction_by("What did Tehran say about the allegations?") == "Tehran"
    _quotes(seed_bot, "What did Tehran say about the allegations?", "denied the transfer")
    _refuses(seed_bot, "What has Moscow said about the reports?")  # the embassy was asked; no reply is told


def test_a_countrys_leader_is_the_one_its_sentence_names_by_title(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _same_leader

    zelensky = "Ukrainian President Volodymyr Zelensky stressed at a meeting with allies"
    assert _same_leader("What is Kyiv's leader asking for?", zelensky) == "leader"
    assert _same_leader("What is Russia's leader asking for?", zelensky) == ""
    _quotes(seed_bot, "What is Kyiv's leader begging his backers to send more of?", "air defense systems")
    _refuses(seed_bot, "What is Kyiv's leader's favourite food?")  # about him, but nothing the article tells


def test_a_sentence_naming_the_leader_asked_for_wins_over_a_close_one_about_someone_else(seed_bot) -> None:  # noqa: ANN001
    # the NSC spokesperson's sentence scores a little higher ("aid", "Ukraine"), but it is not about Kyiv's leader
    _quotes(seed_bot, "What kind of help is Kyiv's leader asking his backers for?", "air defense systems")


def test_the_thing_an_answer_came_before_does_not_draw_the_search_away(seed_bot) -> None:  # noqa: ANN001
    from rag.question import without_before

    question = "Before any missiles, how many unmanned planes had Tehran sent to Moscow?"
    assert without_before(question).strip() == "how many unmanned planes had Tehran sent to Moscow?"
    assert without_before("When was the summit, before the vote?") == "When was the summit, before the vote?"
    _quotes(seed_bot, question, "hundreds of drones")


def test_a_phrasal_verb_is_said_by_a_noun_made_from_its_plain_verb(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _said_related

    assert _said_related((("deliver",),), {"delivery", "missil"}, derived=True)  # "handing over": "the delivery"
    assert not _said_related((("deliver",),), {"delivery", "missil"})
    assert not _said_related((("give",),), {"given", "missil"}, derived=True)  # too short to tell its nouns
    _quotes(seed_bot, "What is Tehran handing over to Moscow?", "ballistic missiles")


def test_a_post_asked_for_is_answered_by_a_title(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _title_said

    assert _title_said("when then-Russian Defense Minister Sergei Shoigu visited Iran")
    assert _title_said("National Security Council spokesperson Sean Savett informed CNN")
    assert not _title_said("to a senior Russian official visiting Iran")
    shoigu = "then-Russian Defense Minister Sergei Shoigu"
    _quotes(seed_bot, "What position did the Russian who went to look at Iran's missile systems hold?", shoigu)
    _quotes(seed_bot, "What post did Shoigu hold at the time?", shoigu)


def test_the_size_of_a_change_is_answered_against_history_in_any_words(seed_bot) -> None:  # noqa: ANN001
    from rag.question import scale_against_history

    soviet = "its most ambitious expansion in military manufacturing since the Soviet era"
    assert scale_against_history(["how", "big", "is", "the", "ramp", "up"], soviet)  # "ramp-up"
    assert not scale_against_history(["how", "big", "is", "the", "factory"], soviet)
    _quotes(seed_bot, "How big is the Kremlin's ramp-up in weapons output?", "since the Soviet era")
    _quotes(seed_bot, "Historically, how big is Moscow's current push in arms production?", "since the Soviet era")


def test_what_the_us_says_is_said_by_the_federal_agency_it_speaks_through(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _modifies_thing

    assert not _modifies_thing("US", "What does the US say it will do in response?")  # "say" is its verb
    assert _modifies_thing("US", "What is the US dollar worth?")
    _quotes(seed_bot, "What does the US say it will do in response?", "prepared to impose serious consequences")


def test_any_other_country_asks_which_one_and_sets_aside_only_the_name(seed_bot) -> None:  # noqa: ANN001
    from rag.question import analyse, excluded_words

    question = "Has any nation other than Iran given missiles to Russia?"
    assert excluded_words(question) == {"other", "than", "iran"}  # not "given missiles to Russia"
    assert analyse(question).slot == "agent"
    assert analyse("Has anyone other than Iran given missiles to Russia?").slot == "yesno"
    _quotes(seed_bot, question, "from North Korea")


def test_letters_for_the_kind_of_name_asked_are_no_name_the_article_must_hold(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _common_letters

    assert _common_letters("TV") and _common_letters("DNA")
    assert not _common_letters("NATO") and not _common_letters("CNN")
    _quotes(seed_bot, "Which TV network got a statement from the NSC spokesperson?", "informed CNN")
    _refuses(seed_bot, "Which TV show did Zelensky host?")  # not the kind of name asked for: a show


def test_an_explanation_asked_of_a_paper_is_the_cause_it_reported(seed_bot) -> None:  # noqa: ANN001
    question = "Did the Journal offer an explanation for the shipment?"
    _quotes(seed_bot, question, "could be a result of the collaboration")


def test_how_much_a_change_grew_is_answered_against_history(seed_bot) -> None:  # noqa: ANN001
    from rag.question import scale_against_history

    assert scale_against_history(["how", "much", "has", "it", "boosted", "production"], "the largest ever")  # boost
    question = "How much has Beijing's help boosted Moscow's weapons manufacturing?"
    _quotes(seed_bot, question, "since the Soviet era")


def test_a_recommendation_asked_of_the_answerer_needs_a_sentence_recommending(seed_bot) -> None:  # noqa: ANN001
    _refuses(seed_bot, "What would you suggest a tourist visiting Iran see?")  # "a visiting Russian delegation"
    _refuses(seed_bot, "Can you recommend some tourist attractions in Moscow?")


def test_a_time_still_to_come_is_not_given_by_a_date_of_something_done(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import FUTURE_ASKED, FUTURE_SAID

    assert FUTURE_ASKED.search("When is Iran's next election?") and FUTURE_ASKED.search("When will the court rule?")
    assert not FUTURE_ASKED.search("When did the G7 issue its statement?")
    assert not FUTURE_ASKED.search("When did the G7 warn about missiles going to Russia?")  # going somewhere
    assert not FUTURE_SAID.search("This visit marked the first public display … an official told CNN in January.")
    _refuses(seed_bot, "When is Iran's next election?")  # "since the start of the war … in January": done


def test_responding_is_said_by_any_statement(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "Which American government spokesman responded?", "informed CNN in a statement")


def test_a_fact_of_someones_life_needs_a_sentence_speaking_of_it(seed_bot, article_bot) -> None:  # noqa: ANN001
    # A sentence about Zelensky ("major Russian attacks") says nothing of where he studied or whom he married.
    _refuses(seed_bot, "Which university did Zelensky attend?")
    _refuses(seed_bot, "is zelensky married")
    # An article that speaks of someone's studies answers it.
    _quotes(article_bot("fifteenth_article.txt"), "Which historian studied van Hulst's work?", "Elise Dumont")


def test_a_branch_or_figure_asked_for_is_answered_by_a_name(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "Which branch of Iran's armed forces has the Ababil systems?", "Guard Corps")
    _quotes(seed_bot, "Which senior Russian figure toured Iran's missile sites?", "Sergei Shoigu")


def test_an_official_asked_for_is_a_person_named_by_title(seed_bot) -> None:  # noqa: ANN001
    # "spokesperson Sean Savett" is an official, though the sentence never says the word
    _quotes(seed_bot, "Who was the American official quoted reacting to the news?", "Sean Savett")
    _quotes(seed_bot, "Who was the US official quoted reacting to these reports?", "Sean Savett")


def test_a_measure_asked_in_a_unit_needs_that_measure(seed_bot) -> None:  # noqa: ANN001
    # "close-range ballistic missiles" gives no range in kilometres
    _refuses(seed_bot, "What's the range in kilometres of the Ababil?")


def test_a_reaction_asked_as_it_goes_on_or_of_a_people_is_theirs(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _saying

    # "How is Washington reacting?" asks for a reaction as "How did Washington react?" does
    _quotes(seed_bot, "How is Washington reacting to the reports?", "Sean Savett informed CNN")
    _quotes(seed_bot, "How are the Americans responding to the reports?", "Sean Savett informed CNN")
    # "the Iranians" are Iran: its mission's denial
    _quotes(seed_bot, "How did the Iranians respond to the reports?", "denied the transfer")
    assert _saying("stressed")  # "Zelensky stressed … that Ukraine urgently needs…" is how he responds


def test_an_armed_force_asked_for_is_one_the_article_names(seed_bot) -> None:  # noqa: ANN001
    # "the IRGC" (the Islamic Revolutionary Guard Corps) is a force; "a senior Russian official" is not
    _quotes(seed_bot, "Which Iranian armed force put the missiles on display for Russia's visitors?", "the IRGC")


def test_what_someone_is_said_to_have_done_is_told_at_second_hand(seed_bot) -> None:  # noqa: ANN001
    from rag.question import analyse

    # "said to have …" reports a deed; it does not ask what Tehran said
    assert analyse("What is Iran said to have sent to Russia?").slot != "speech"
    assert analyse("What did Savett say to CNN?").slot == "speech"
    # the headline, not found for these words, tells it: "Iran reportedly shifts ballistic missiles to Russia"
    _quotes(seed_bot, "What type of weapon is Tehran believed to have passed to Moscow?", "reportedly shifts")


def test_a_place_called_by_the_start_of_its_full_name_is_that_place(seed_bot) -> None:  # noqa: ANN001
    # "the Islamic Republic": the Islamic Republic of Iran, which the article names as Iran
    _quotes(
        seed_bot,
        "Why was the former Russian defence chief's trip to the Islamic Republic considered notable?",
        "first public display",
    )
    _quotes(seed_bot, "Who was the Kremlin's then defence chief that travelled to the Islamic Republic?", "Shoigu")


def test_the_holder_of_a_post_the_article_never_speaks_of_is_not_someone_holding_another(seed_bot) -> None:  # noqa: ANN001
    # "Ukrainian President Volodymyr Zelensky … in Germany" is no chancellor
    _refuses(seed_bot, "Who is the current chancellor of Germany")
    _quotes(seed_bot, "Who is the Ukrainian president?", "Volodymyr Zelensky")
    _quotes(seed_bot, "who's the US national security spokesman", "Sean Savett")


def test_a_time_is_no_persons_name(seed_bot) -> None:  # noqa: ANN001
    from rag.question import person_names

    assert person_names("Last December, the IRGC had deployed ballistic missiles.") == []
    assert person_names("Last December, Sergei Shoigu visited Iran.") == ["Sergei Shoigu"]
    # so the sentence on the IRGC's display names no one who heads it
    _refuses(seed_bot, "Who is the head of the IRGC?")


def test_who_leads_a_place_is_not_answered_by_the_leader_of_another(seed_bot) -> None:  # noqa: ANN001
    _refuses(seed_bot, "Who leads Germany?")  # "Ukrainian President Volodymyr Zelensky … in Germany"
    _refuses(seed_bot, "Who commands the Revolutionary Guard?")  # "then-Russian Defense Minister Sergei Shoigu"
    _quotes(seed_bot, "Who leads Ukraine?", "Ukrainian President Volodymyr Zelensky")


def test_who_spoke_for_someone_looks_for_their_spokesperson(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "who spoke for the US government on this?", "spokesperson Sean Savett")
    # the National Security Council's spokesperson speaks for the US, not for Tehran
    ans = seed_bot.ask("Who spoke for Tehran?")
    assert "Savett" not in ans.text, ans.text


def test_how_someone_feels_is_their_sentence_naming_a_feeling(seed_bot) -> None:  # noqa: ANN001
    first = "Who told CNN a transfer of Iranian ballistic missiles would be a significant escalation?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    _quotes(seed_bot, "How does he feel about the reports?", "deeply concerned", history=history)


def test_the_g7_described_without_its_name_is_the_g7(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import numbered_groups

    assert numbered_groups("Which bloc of wealthy democracies warned Iran?") == ["G7", "G20"]
    assert numbered_groups("What did the group of seven threaten?") == ["G7"]
    assert numbered_groups("Which group of friends met?") == []
    _quotes(
        seed_bot, "What did the club of major industrialized democracies threaten Tehran with?", "significant measures"
    )
    _quotes(seed_bot, "Which bloc of wealthy democracies warned Iran?", "The G7")


def test_a_verb_in_two_words_means_what_it_does_to_the_thing_it_acts_on(seed_bot) -> None:  # noqa: ANN001
    from rag.text import words
    from rag.thesaurus import phrasal_verbs

    def plain(text: str) -> tuple[str, ...]:
        return phrasal_verbs(words(text))[0][2]

    # a plant put up is built; a poster put up is posted; attacks stepped up are intensified
    assert "construct" in plain("what sort of plant was moscow putting up with tehran's help")
    assert "construct" in plain("they set up a factory")
    assert plain("who put up the poster") == ("post",)
    assert "intensify" in plain("Russia has stepped up attacks on cities")
    _quotes(seed_bot, "Has Moscow been putting up some kind of plant with Tehran's help?", "drone-manufacturing")


def test_how_something_works_asked_as_a_request_needs_a_sentence_saying_how(seed_bot) -> None:  # noqa: ANN001
    # "drone and turbojet engines" are named, not explained
    _refuses(seed_bot, "explain how a turbojet engine actually works")
    ans = seed_bot.ask("how the sanctions work")
    assert ans.abstained and "how the sanctions work." in ans.text, ans.text


def test_a_place_called_by_the_start_of_its_full_name_is_said_by_its_name(seed_bot) -> None:  # noqa: ANN001
    # "Islamic Republic" is no word the sentence about Shoigu's visit to Iran leaves unsaid
    question = "Which former head of Moscow's military establishment traveled to the Islamic Republic to inspect it?"
    _quotes(seed_bot, question, "Sergei Shoigu")


def test_who_had_the_scoop_is_on_topic_when_the_article_says_who_broke_the_news(seed_bot) -> None:  # noqa: ANN001
    _quotes(seed_bot, "Which outlet had the scoop on this?", "Wall Street Journal broke the news")
    _refuses(seed_bot, "Which outlet had the scoop on the World Cup?")


def test_how_long_someone_has_been_at_it_asks_for_a_time_though_the_question_names_a_range(seed_bot) -> None:  # noqa: ANN001
    from rag.question import analyse

    assert analyse("How long has Moscow been trying to acquire short-range rockets from Tehran?").unit == "duration"
    assert analyse("How long is the range of the Ababil?").unit == "distance"
    question = "How long has Moscow been trying to acquire short-range rockets from Tehran?"
    _quotes(seed_bot, question, "as early as last September")


def test_an_official_of_a_country_in_capitals_is_that_countrys(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _owner

    # "US" is a name, not the word "us", and "Which" owns nothing
    assert _owner("Which US official commented?", "official") == ["us"]
    _quotes(seed_bot, "Which US official commented on the reports?", "Sean Savett")


def test_a_place_offered_as_an_alternative_is_said_by_name(seed_bot) -> None:  # noqa: ANN001
    # "their transport comes as Russia…" names no sea: the Caspian is not said by the country on its shore
    ans = seed_bot.ask("Were the missiles shipped by sea across the Caspian or flown in?")
    assert ans.abstained and not ans.citations and "Caspian" in ans.text, ans.text


def test_letters_the_article_writes_in_capitals_name_something_in_a_lower_case_question(seed_bot) -> None:  # noqa: ANN001
    from rag.question import truecase

    # WordNet knows "nato" as a word; the article writes it as a name
    assert truecase("when was nato founded", ["NATO", "CNN"]) == "when was NATO founded"
    _refuses(seed_bot, "when was nato founded")


def test_whether_a_paper_said_why_asks_for_the_cause_it_reported(seed_bot) -> None:  # noqa: ANN001
    first = "Who first reported that Iran delivered the missiles?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    _quotes(seed_bot, "did that paper say why it might have happened", "could be a result of", history=history)


def test_a_place_called_by_the_start_of_its_full_name_counts_as_said_in_the_evidence(seed_bot) -> None:  # noqa: ANN001
    question = "Why was the former defence chief's trip to the Islamic Republic considered a notable moment?"
    _quotes(seed_bot, question, "first public display")


def test_the_name_asked_for_is_of_the_noun_an_adjective_in_capitals_describes(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import name_kind

    assert name_kind("What's the name of the former Russian defence chief who travelled to Tehran?") == "chief"
    # … though one after "the" opens a clause: "the IRGC missile system the Russian minister went to see"
    _quotes(seed_bot, "What is the name of the IRGC missile system the Russian minister went to see?", "Ababil")
    _quotes(seed_bot, "What's the name of the former Russian defence chief who travelled to Tehran?", "Sergei Shoigu")


def test_a_time_beside_the_words_describing_an_event_is_not_the_time_of_the_event(seed_bot) -> None:  # noqa: ANN001
    from rag.thesaurus import is_adjective_only

    assert is_adjective_only("nuclear") and not is_adjective_only("test") and not is_adjective_only("close")
    # "since the Soviet era" beside "missiles … from North Korea": "nuclear" is said only as "missiles", the test never
    _refuses(seed_bot, "When did North Korea carry out its first nuclear test?")
    _quotes(seed_bot, "When was the strong statement issued?", "last March")


def test_an_either_or_question_on_a_stance_on_the_truth_is_answered_by_any_such_stance(seed_bot) -> None:  # noqa: ANN001
    # "confirm or reject": "denied"
    _quotes(
        seed_bot, "Did Tehran's diplomats at the world body confirm or reject that the shipment happened?", "denied"
    )


def test_an_exact_date_asks_for_a_day_not_only_a_month(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import DAY_OF_MONTH

    assert DAY_OF_MONTH.search("on March 5") and DAY_OF_MONTH.search("the 5th of March")
    assert not DAY_OF_MONTH.search("an unnamed official told CNN in January")
    _refuses(seed_bot, "On what exact date did the Iranian missiles arrive in Russia?")
    _quotes(seed_bot, "On what date did the G7 issue its statement?", "last March")


def test_a_place_beside_neither_the_thing_nor_the_name_asked_about_is_not_its_place(seed_bot) -> None:  # noqa: ANN001
    # the drone plant built with Iran's help is told of without a place; "Moscow" beside China's aid is not its place
    _refuses(
        seed_bot, "According to the article, in which Russian city is the drone factory built with Iran's help located?"
    )
    _quotes(seed_bot, "Where did Shoigu view the Ababil systems?", "visited Iran")
    # "Russian negotiations" speak of Russia; a sentence that only supposes Iran sending them gives no answer instead
    _quotes(seed_bot, "Which country is reported to have sent ballistic missiles to Russia?", "from Iran")


def test_the_best_things_of_a_place_are_advice_only_a_recommending_sentence_gives(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import ADVICE_ASKED

    assert not ADVICE_ASKED.search("Which grape varieties is the Wachau best known for?")
    # "visiting Iran … first public display" recommends nothing
    _refuses(seed_bot, "what are the best tourist attractions to see in Tehran")


def test_a_word_said_only_by_a_name_does_not_say_what_it_describes(seed_bot) -> None:  # noqa: ANN001
    # "national" is said only by "the United Nations"; the football team never
    _refuses(seed_bot, "how did iran's national football team do at the last world cup")
    # "arms production" is said in other words ("military manufacturing")
    _quotes(seed_bot, "What has Beijing done for Moscow's arms production capacity?", "military manufacturing")


def test_why_something_the_article_never_speaks_of_happens_is_refused(seed_bot) -> None:  # noqa: ANN001
    # a sentence naming North Korea says nothing of a ban
    _refuses(seed_bot, "why is k-pop banned in north korea")
    _quotes(seed_bot, "According to the Journal, what might lie behind the handover?", "collaboration")
    _quotes(seed_bot, "Why did Shoigu go to Iran?", "to view")


def test_a_follow_up_of_only_a_name_asks_what_else_the_article_says_of_it(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import NAME_ONLY

    assert NAME_ONLY.match("And what about the G7?").group(1) == "G7"
    first = "what has russia obtained from north korea"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    # the sentence just quoted names China too; the one beside it says what China supplied
    for question in ("And China?", "And what about China?"):
        _quotes(seed_bot, question, "industrial base", history=history)
        _quotes(seed_bot, question, "machine tools", history=history)
    # a follow-up with words of its own is answered as before
    denial = "Did Iran deny sending the missiles?"
    history = [{"role": "user", "content": denial}, {"role": "assistant", "content": seed_bot.ask(denial).text}]
    _quotes(seed_bot, "what do they say iran itself does", "refrain", history=history)


def test_what_someone_said_according_to_the_article_asks_for_their_words(seed_bot) -> None:  # noqa: ANN001
    from rag.question import analyse

    assert (
        analyse("According to the article, what did the Russian embassy say in its response to CNN?").slot == "speech"
    )
    # CNN reached out to the embassy; the article gives no reply
    _refuses(seed_bot, "According to the article, what did the Russian embassy say in its response to CNN?")
    _quotes(seed_bot, "According to the article, what did Savett say about the reports?", "deeply concerned")


def test_choices_offered_by_any_question_must_be_said_in_the_answer(seed_bot) -> None:  # noqa: ANN001
    # "the Caspian Sea or by air": the sentence on the transport names neither
    question = (
        "According to the article, what route were the missiles shipped along - across the Caspian Sea or by air?"
    )
    _refuses(seed_bot, question)
    # … though a question asking what may be answered in other words: "a major step up" is "a significant escalation"
    question = (
        "If Iran really did hand ballistic missiles over to Moscow, how did the White House's security council "
        "spokesman say that would rank in terms of Tehran's help for the war — a minor thing or a major step up?"
    )
    _quotes(seed_bot, question, "significant escalation")


def test_how_something_is_done_is_explained_only_by_a_sentence_doing_it(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _inflected_verbs

    assert _inflected_verbs("a turbojet engine actually produces thrust") == ["produces"]
    # "turbojet engines" among China's supplies says nothing of how one produces thrust
    _refuses(seed_bot, "Can you explain how a turbojet engine actually produces thrust?")
    _quotes(seed_bot, "Can you explain how Russia obtained missiles from North Korea?", "North Korea")


def test_whether_something_holds_of_a_name_the_article_never_mentions_is_refused(seed_bot) -> None:  # noqa: ANN001
    # the transport of the missiles is told, close in meaning; the Caspian Sea is never mentioned
    _refuses(seed_bot, "Were the missiles shipped across the Caspian Sea, and which port did they arrive at?")
    _quotes(seed_bot, "Did Iran deny sending the missiles to Russia?", "denied")


def test_a_word_used_as_a_verb_is_said_otherwise_only_by_its_verb_senses(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import related_terms, used_as_verbs

    question = "What sitcom did Volodymyr Zelensky star in before he went into politics?"
    assert used_as_verbs(question) == {"star"}
    assert used_as_verbs("What did the G7 threaten last March?") == {"threaten"}
    # to star in a show is not to be "major": "major Russian attacks" says nothing of it
    assert ("major",) not in related_terms(question)["star"]
    _refuses(seed_bot, question)
    _refuses(seed_bot, "what tv show did zelensky star in before becoming president")


def test_a_word_for_the_kind_of_thing_a_name_is_stands_for_that_name(seed_bot) -> None:  # noqa: ANN001
    # "the alliance" is NATO, which the "NATO summits" sentence names; the rules and criteria asked for it never gives
    _refuses(seed_bot, "According to NATO's rules, what criteria must a country meet to join the alliance?")
    _quotes(seed_bot, "What did the US and its partners make clear at the NATO summit?", "serious consequences")


def test_whether_something_holds_of_a_place_needs_a_sentence_naming_it(seed_bot) -> None:  # noqa: ANN001
    # Pyongyang is North Korea's capital; a sentence about a visit to Iran names neither
    _refuses(seed_bot, "Can tourists visit Pyongyang, and what are the main sights there?")
    _quotes(seed_bot, "Did Tehran deny the reports?", "denied")
    _quotes(seed_bot, "Did the White House warn Iran?", "warning")


def test_by_what_route_asks_for_the_way_something_went(seed_bot) -> None:  # noqa: ANN001
    from rag.question import analyse, has_slot

    assert analyse("By what route or port were the missiles shipped from Iran to Russia?").slot == "route"
    assert analyse("Through which port or route were the missiles shipped?").slot == "route"
    assert analyse("Did the missiles travel by sea or by air?").slot == "route"  # not whether they travelled
    assert analyse("Did Iran send drones by air?").slot == "yesno"
    assert has_slot("route", "The missiles were shipped across the Caspian Sea via the port of Astrakhan.")
    assert has_slot("route", "The drones were flown to Russia by air.")
    assert not has_slot("route", "The delivery of missiles could be a result of the collaboration between them.")
    # the sentence on the delivery says why it may have happened, not by what way
    _refuses(seed_bot, "By what route or port were the missiles shipped from Iran to Russia?")
    _refuses(seed_bot, "Were the missiles shipped to Russia by sea across the Caspian or flown in by cargo plane?")


def test_what_verdict_someone_passes_is_their_judgement(seed_bot) -> None:  # noqa: ANN001
    # "deems … to be inhumane" is the verdict; "Therefore, … Iran refrain[s]" only concludes from it
    _quotes(seed_bot, "What moral verdict does Iran pass on arming the warring sides?", "to be inhumane")


def test_a_sentence_nearly_as_close_saying_what_the_best_leaves_unsaid_answers(seed_bot) -> None:  # noqa: ANN001
    # the mission's denial is closest but says nothing of urging; the quotation's last sentence does
    _quotes(seed_bot, "According to Iran's UN mission, what does Iran urge other countries to do?", "urges other")
    # … though not a sentence saying only a word or two of a question the article has nothing on ("last March")
    _refuses(seed_bot, "how did iran's national football team do at the last world cup")


def test_which_country_did_it_is_answered_by_a_country_named_anywhere(seed_bot) -> None:  # noqa: ANN001
    from rag.question import has_slot

    asked = ["country", "sent", "missiles", "Russia"]
    assert has_slot("place", "Iran reportedly shifts ballistic missiles to Russia.", question_words=asked)
    assert not has_slot("place", "The missiles reached Russia.", question_words=asked)  # Russia is asked about
    _quotes(seed_bot, "Which country reportedly sent ballistic missiles to Russia?", "Iran reportedly shifts")


def test_a_reaction_is_said_by_being_moved(seed_bot) -> None:  # noqa: ANN001
    from rag.extractive import _feels

    assert _feels("We are deeply concerned by these reports.")
    assert not _feels("The engines had been examined and the affected parts rebuilt.")
    _quotes(seed_bot, "How did Savett describe the US reaction to these reports?", "deeply concerned")


def test_a_follow_up_said_word_for_word_elsewhere_is_not_answered_by_the_last_quote(seed_bot) -> None:  # noqa: ANN001
    # "China had aided Russia…" was quoted; "China's support to Russia had included…" says "support" and "include"
    first = "Which country helped Russia substantially expand its defense industrial base?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    _quotes(seed_bot, "What did that support include?", "machine tools", history)


def test_the_event_of_a_when_question_is_in_its_own_clause(seed_bot) -> None:  # noqa: ANN001
    # "NATO summits this summer" gives a time; the founding asked about is never told, whatever "members" is close to
    _refuses(seed_bot, "When was NATO founded and who were its original members?")
    _quotes(seed_bot, "When did the G7 issue its statement, and what did it warn?", "last March")
