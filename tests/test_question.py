"""What a question asks for, and whether a sentence holds it (pure functions)."""

from __future__ import annotations

from rag.question import analyse, asked_kind, asked_phrase, asks_person, has_rate, has_slot, names_kind
from rag.thesaurus import is_common_word, related


def test_the_kind_of_fact_is_read_from_what_the_question_asks() -> None:
    # "when it comes to" asks for no time; the article "saying" something is no quotation.
    assert (
        analyse("What did Iran's envoys claim about their conduct when it comes to arming the combatants?").slot
        != "time"
    )
    assert analyse("What does the article say the delivery of missiles signifies?").slot == "other"
    assert analyse("What did the embassy say about the reports?").slot == "speech"
    # The noun after which/what, up to the verb or an adverb; after a preposition too.
    assert asked_kind("Which paper first reported the delivery?") == "paper"
    assert asked_kind("From which Iranian port were the missiles shipped?") == "port"
    # Things known by name make a which-question ask for a name.
    assert names_kind("Which Chinese companies supplied the machine tools?")
    assert analyse("From which Iranian port were the missiles shipped?").slot == "agent"
    assert not names_kind("For which sort of guided weapon did China pass on technology?")
    # "Which outlet did the official tell?" asks for an outlet, not a person.
    assert not asks_person("Which outlet did the official tell?")
    assert asks_person("Which Russian official visited Iran?")
    # "The name of the X" asks for a person only when X is one.
    assert not asks_person("What was the name of the summit where the country's president spoke?")
    assert analyse("What was the name of the summit where the country's president spoke?").slot == "agent"
    assert asks_person("What is the name of the spokesperson who spoke to CNN?")
    assert asks_person("Who is the president of the company?")
    assert asked_phrase("Which news organization did he give his statement to?") == ["news", "organization"]
    assert asked_phrase("Which Asian nation, besides Iran, has sent rockets?") == ["asian", "nation"]


def test_a_sentence_holds_a_name_only_if_it_is_a_new_one() -> None:
    q = analyse("Which Chinese companies supplied the machine tools to Russia?")
    china = "China's support to Russia had included substantial amounts of machine tools."
    assert not has_slot(q.slot, china, q.entities, q.unit, [])  # "China" is given by "Chinese"
    month = "Construction cost $18.4 million, approved by voters in November 2021."
    assert not has_slot("agent", month, [], None, [])  # neither a month nor a word opening the sentence
    assert has_slot("agent", "The firm Lindqvist & Ramos designed it.", [], None, [])


def test_an_unnamed_speaker_and_an_unknown_fact_are_answers_only_when_asked_for() -> None:
    text = '"This visit marked the first public display of missiles," an unnamed official told CNN in January.'
    assert has_slot("person", text, [], None, ["who", "described", "the", "visit"])
    assert not has_slot("person", text, [], None, ["who", "replaced", "shoigu"])
    unclear = "It's unclear when exactly the missiles were delivered."
    assert has_slot("time", unclear, [], None, [], unknown_ok=True)  # "Does the article say when…?"
    assert not has_slot("time", unclear, [], None, [])  # otherwise a time needs a date


def test_places_renamed_since_wordnet_and_ordinary_words() -> None:
    assert "ukraine" in related("Kyiv")
    assert is_common_word("Construction") and is_common_word("Library")
    assert not is_common_word("Iran") and not is_common_word("Shoigu")


def test_news_is_not_the_plural_of_new() -> None:
    from rag.text import stem

    assert stem("news") != stem("new")
    assert stem("organizations") == stem("organization")


def test_a_measure_is_asked_for_only_when_named_as_what_is_asked() -> None:
    assert analyse("What is the range of the Ababil missile?").slot == "measure"
    assert analyse("What is the Ababil's range?").slot == "measure"
    assert analyse("How far can they fly?").slot == "measure"
    assert analyse("What did the IRGC deploy to a training area inside Iran?").slot != "measure"
    assert analyse("Which short-range rocket system was the minister shown?").slot != "measure"


def test_a_relative_who_and_a_lead_in_word_ask_for_nobody() -> None:
    q = analyse("Per an anonymous source who spoke to CNN in January, what made the minister's trip notable?")
    assert q.slot not in ("person", "agent") and "Per" not in q.entities
    assert analyse("Who was the official who visited Iran?").slot in ("person", "agent")
    # The same surname is the same person: "Sergei Shoigu" is nobody new for "Who replaced Shoigu?"
    sentence = "Then-Russian Defense Minister Sergei Shoigu visited Iran."
    assert not has_slot("person", sentence, ["Shoigu", "Russia"], None, ["who", "replaced", "shoigu"])
    assert has_slot("person", sentence, ["Russia"], None, ["who", "visited", "iran"])


def test_reasons_asked_without_why() -> None:
    assert analyse("According to the newspaper, what might have been behind it?").slot == "reason"
    assert analyse("What prompted the visit?").slot == "reason"
    assert analyse("What was behind the door?").slot != "reason"


def test_framing_words_hedges_and_how_long() -> None:
    q = analyse("According to the academic, how long might fixing the structure take?")
    assert "might" not in q.terms and "long" not in q.terms
    assert analyse("How long is the new tram line?").unit == "length"  # a length or a time
    assert analyse("How long did participants take the drug?").unit == "duration"
    assert has_slot("measure", "Repairs could take between four and nine months.", [], "duration", [])  # in words
    assert "expect" in analyse("When is the extension now expected to open?").framing_terms()
    # "Which company supplies the trams?" asks for a company's name: a sentence saying "the company" has none.
    words_ = ["which", "company", "is", "supplying", "the", "trams"]
    assert not has_slot("agent", "In a statement, the company denied it.", [], None, words_)
    assert has_slot("agent", "The trams are built by Alstom, the company said.", [], None, words_)


def test_money_in_how_big_unknowns_said_the_other_way_and_numbers_that_are_no_names() -> None:
    from rag.question import entities_in

    assert analyse("How big was the fine after the 2021 fire?").slot == "money"
    closed = "How long the plant itself will remain closed is not yet known."
    assert has_slot("measure", closed, [], "length", [], unknown_ok=True)
    assert not has_slot("measure", closed, [], "length", [])
    assert entities_in("Two night-shift workers were treated at Eastmere General Hospital.") == [
        "Eastmere General Hospital"
    ]


def test_pronouns_like_anyone_and_the_light_verb_hold_are_not_topics() -> None:
    assert analyse("Was anyone hurt in the fire?").terms == ["hurt", "fir"]
    assert "hold" in {t for t in analyse("Where was the meeting held?").terms} - set(
        analyse("Where was the meeting held?").focus_terms()
    )


def test_an_adverb_or_a_plural_opening_a_question_names_nothing() -> None:
    assert analyse("Roughly how many travellers were affected?").entities == []
    assert analyse("Cracks were only found on one plane, so why pull seven more?").entities == []
    assert analyse("Wales sent how many players?").entities == ["Wales"]
    assert analyse("Kelly said what?").entities == ["Kelly"]


def test_the_kind_asked_first_an_exact_date_first_as_an_adverb_and_a_rate() -> None:
    assert analyse("On what exact date did the talks begin?").slot == "time"
    assert analyse("Which city did the minister visit when he saw the missiles?").slot == "place"
    # "first" saying who did it before others is no topic; "the first country" is one.
    assert analyse("Who first reported the strike?").terms == ["strik"]
    assert analyse("Who reported the strike first?").terms == ["strik"]
    assert "first" in analyse("What was the first country to respond?").terms
    assert "first" in analyse("When was the first delivery?").terms
    assert analyse("How much would it save per year?").terms == ["sav"]
    assert has_rate("How much per year?", "annual savings of $6.2 million")


def test_a_place_the_question_gives_or_a_month_is_no_place_asked_for() -> None:
    asked = ["which", "iranian", "city"]
    assert not has_slot("place", "Officials visited Iran in January.", question_words=asked)
    assert has_slot("place", "Officials stayed in Isfahan.", question_words=asked)


def test_how_long_ago_asks_when_and_where_else_names_nothing() -> None:
    assert analyse("How long ago did Moscow start talks to get missiles from Tehran?").slot == "time"
    assert "els" not in analyse("Besides Iran, where else has Russia gotten missiles from?").terms
    assert "away" not in analyse("How far away is the port the ships went to instead?").terms
    assert has_rate("How much do they earn per hour?", "wages of $31 an hour")
    assert not has_rate("How much do they earn per hour?", "costs about 18 million dollars each day")
    assert has_rate("How many per year?", "an annual total of 40")


def test_what_someone_said_about_when_asks_what_they_said() -> None:
    assert analyse("What did she say about when it might reopen?").slot == "speech"
    assert analyse("When did she say it might reopen?").slot == "time"


def test_what_is_behind_something_asks_why() -> None:
    info = analyse("What might be behind the delivery?")
    assert info.slot == "reason" and "behind" not in info.terms


def test_a_reason_asked_in_other_words() -> None:
    for question in (
        "What reason did the paper suggest might lie behind the shipment?",
        "According to the Journal, what might explain why the missiles were handed over?",
        "According to the Journal, what might lie behind the shipment of the missiles?",
    ):
        info = analyse(question)
        assert info.slot == "reason", question
        assert not {"reason", "explain", "lie", "behind"} & set(info.focus_terms()), question


def test_how_much_more_than_asks_for_a_difference() -> None:
    assert analyse("How much warmer than normal was March in the valley?").slot == "measure"
    assert analyse("How much did the repairs cost?").slot == "money"


def test_requests_overviews_and_an_opening_participle() -> None:
    assert analyse("Can you give me a recipe for apricot dumplings?").slot != "yesno"
    assert analyse("Can Iran send more missiles?").slot == "yesno"
    assert analyse("What is this story about?").slot == "overview"
    assert analyse("Summarize the article, please").slot == "overview"
    assert analyse("What is the story about the drones?").slot != "overview"
    assert analyse("Starting when?").entities == []
    assert analyse("As a student summarizing the piece - what did the G7 threaten Iran with?").slot != "overview"


def test_an_opening_hedge_names_nothing() -> None:
    assert analyse("Since when?").entities == []


def test_a_question_typed_in_lower_case_gets_its_names_back() -> None:
    from rag.question import truecase

    names = ["Iran", "Sergei Shoigu", "CNN", "National Security Council", "G7"]
    assert truecase("who is the president of france", names) == "who is the president of France"
    assert truecase("when did shoigu visit iran's bases", names) == "when did Shoigu visit Iran's bases"
    assert truecase("what did the national security council say", names) == "what did the National Security Council say"
    assert truecase("can you tell us about the g7 statement", names) == "can you tell us about the G7 statement"
    assert (
        truecase("What did Iran say about france?", names) == "What did Iran say about france?"
    )  # typed with capitals


def test_a_figure_is_its_own_stem_and_francs_are_money() -> None:
    from rag.question import MONEY_RE
    from rag.text import stem

    assert stem("1911") == "1911" and stem("2000") != stem("200")
    assert MONEY_RE.search("bought by the city in 1911 for 45,000 Belgian francs")
    assert not MONEY_RE.search("Smith, who in 2019 won the award")


def test_verbs_in_two_words_and_older_years() -> None:
    from rag.chain import retrieval_query
    from rag.thesaurus import phrasal_verbs

    assert phrasal_verbs(["when", "did", "he", "pass", "away"]) == [(3, "pass_away", ("die", "decease"))]
    assert phrasal_verbs(["what", "has", "russia", "been", "doing", "in", "the", "meantime"]) == []
    assert "die" in retrieval_query("When did the painter pass away?")
    assert has_slot("time", "Van Hulst, who died in 1659, is best known for his scenes.", [], None, ["when"])
    assert not has_slot("time", "inspections every 1500 flight cycles", [], None, ["when"])


def test_a_growth_sized_against_history_and_a_denial_looked_for() -> None:
    from rag.chain import retrieval_query

    grown = "allowing Moscow to undertake its most ambitious expansion in military manufacturing since the Soviet era"
    assert has_slot("measure", grown, [], None, ["how", "big", "was", "the", "expansion"])
    assert not has_slot("measure", grown, [], None, ["how", "big", "is", "the", "factory"])
    assert not has_slot("measure", "the most ambitious plan", [], None, ["how", "big", "was", "the", "expansion"])
    assert "denied" in retrieval_query("Did Iran admit sending the missiles?")
    assert "denied" not in retrieval_query("Did Iran send the missiles?")
    assert "sort" not in analyse("What sorts of engines has China supplied?").terms  # "sorts" asks, like "kind"
    # A part asked of a whole is of the whole's kind: a branch of the armed forces is a force
    assert asked_kind("Which branch of Tehran's armed forces put the rockets on show?") == "forces"
    assert asked_kind("Which part of its infrastructure will be hit?") == "infrastructure"
    assert asked_kind("Which branch opened first?") == "branch"


def test_what_is_set_aside_is_not_looked_for() -> None:
    from rag.chain import retrieval_query

    assert "Iran" not in retrieval_query("Has Russia got weapons from anyone besides Iran?")
    assert "Iran" not in retrieval_query("Apart from Iran, which country has supplied Russia with missiles?")
    assert "Russia" in retrieval_query("Which country besides Iran has supplied missiles to Russia?")
    # what is set aside ends where the question goes on
    assert analyse("Which country besides Iran has supplied missiles to Russia?").terms == [
        "country",
        "supply",
        "missil",
        "russia",
    ]


def test_what_part_of_a_thing_is_no_share() -> None:
    assert analyse("What part of Ukraine's infrastructure will be hit this winter?").slot != "percent"
    assert analyse("What share of the budget goes to roads?").slot == "percent"


def test_took_place_is_happened() -> None:
    info = analyse("Which Iranian body denied that the transfer took place?")
    assert "plac" not in info.focus_terms() and "transfer" in info.focus_terms()


def test_a_place_named_by_what_it_is() -> None:
    text = "the IRGC had deployed missiles to a training area inside Iran to be displayed"
    assert has_slot("place", text, ["Iran"], None, ["where", "did", "iran's", "guard", "show", "them"])
    assert not has_slot("place", "the IRGC had deployed missiles", [], None, ["where", "did", "they", "show", "them"])


def test_a_maximum_range_is_a_measure() -> None:
    info = analyse("What is the maximum range in kilometers of the Ababil missile?")
    assert info.slot == "measure" and info.unit == "distance"


def test_the_kind_asked_for_stops_where_something_is_set_aside() -> None:
    assert asked_kind("Which country besides Iran has supplied missiles to Russia?") == "country"


def test_a_when_clause_after_the_question_asks_for_no_time() -> None:
    assert analyse("What position did Sergei Shoigu hold when he went to Iran?").slot == "other"
    assert analyse("Which official was in charge when they visited?").slot == "person"
    assert analyse("What year was it when Shoigu visited?").slot == "time"
    assert analyse("What did Savett say about when Iran sent them?").slot == "speech"


def test_initials_typed_in_lower_case_and_the_reason_behind() -> None:
    from rag.question import truecase

    names = ["Wall Street Journal", "Ukraine Defense Contact Group", "National Security Council"]
    question = truecase("wsj said what about the reason behind the delivery?", names)
    assert question.startswith("WSJ said")
    assert truecase("what did the nsc say", names) == "what did the NSC say"
    assert analyse(question).slot == "reason" and "behind" not in analyse(question).terms
    assert analyse("The paper said what about the motives for it?").slot == "reason"


def test_every_form_of_a_verb_in_ly_or_ies_has_one_stem() -> None:
    from rag.text import stem

    assert len({stem(w) for w in ("supply", "supplies", "supplied", "supplying")}) == 1
    assert len({stem(w) for w in ("use", "used", "using", "uses")}) == 1
    assert stem("daily") == stem("dailies") != stem("day") and stem("early") != stem("ear")
    assert stem("deeply") == stem("deep") and stem("reportedly") == stem("report") and stem("tries") == stem("try")


def test_a_threatened_reaction_is_no_reaction_and_the_un_is_cased() -> None:
    from rag.question import REACTION_ASKED, asked_kind, truecase

    assert REACTION_ASKED.search("How did Moscow react?")
    assert not REACTION_ASKED.search("How did the group of seven threaten to react if Tehran armed Moscow?")
    names = ["United Nations", "United States", "National Security Council"]
    assert truecase("what's tehran's line at the un", names) == "what's Tehran's line at the UN"
    assert truecase("what did the nsc tell us", names) == "what did the NSC tell us"  # "us", the pronoun
    assert asked_kind("Which branch of Iran's armed forces owns those Ababil systems?") == "forces"


def test_a_supposed_response_is_no_reaction_and_commenting_for_is_speaking_for() -> None:
    from rag.question import REACTION_ASKED

    assert not REACTION_ASKED.search("How has Washington said it would respond if Tehran goes ahead?")
    assert analyse("Who commented on behalf of the US government?").text.startswith("who is the spokesperson for")


def test_a_part_of_a_body_and_a_notable_figure_are_known_by_name() -> None:
    # "Which branch of the armed forces…" asks for a named unit, "Which senior figure…" for a person.
    assert analyse("Which elite branch of the country's armed forces runs the launchers?").slot == "agent"
    assert analyse("Which senior figure from the ministry toured the sites?").slot == "person"
    assert analyse("Which leading figures of the party attended?").slot == "person"
    assert analyse("Which branch of the tree fell?").slot != "agent"  # not when the whole is a thing


def test_whats_asks_for_a_measure_as_what_is_does() -> None:
    assert analyse("What's the range in kilometres of the Ababil missiles?").slot == "measure"
    assert analyse("whats the weight in tons of the launcher").unit == "weight"


def test_a_past_form_that_is_one_noun_with_the_next_word_goes_on() -> None:
    # "armed forces" and "elected official" are nouns; "supplied missiles" is a verb and what it supplied
    assert asked_kind("Which Iranian armed force showed off the rockets?") == "force"
    assert asked_kind("Which elected official spoke first?") == "official"
    assert asked_phrase("Which country supplied missiles?") == ["country"]


def test_a_possessor_after_in_is_no_place() -> None:
    from rag.question import has_slot

    asked = ["Russia", "missiles", "arrive"]
    assert not has_slot(
        "place", "It signifies a significant escalation in Iran's support for Russia.", question_words=asked
    )
    assert has_slot("place", "The missiles arrived in Astrakhan.", question_words=asked)
