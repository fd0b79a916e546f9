"""Follow-ups made standalone without a model: what retrieval looks for."""

from __future__ import annotations

from pathlib import Path

from rag.followup import condense, focus_of, search_text


def conversation(*turns: str) -> list[dict[str, str]]:
    roles = ("user", "assistant")
    return [{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]


def test_a_bare_follow_up_carries_the_question_before_it_made_standalone() -> None:
    history = conversation(
        "Where did Zelensky meet with allies?",
        "Ukrainian President Volodymyr Zelensky stressed at a meeting with allies in Germany that Ukraine "
        "urgently needs more air defense systems. [1]",
        "What did he say his country urgently needs?",
        "Ukraine urgently needs more air defense systems. [1]",
    )
    standalone, _ = condense("Why?", history)
    assert focus_of(standalone) == "Why"
    # "he" in the question followed up on is resolved as it was when that question was asked.
    assert "Zelensky" in standalone and " he " not in standalone
    # Retrieval gets both questions, not the words that join them ("following up on").
    query = search_text(standalone)
    assert query.startswith("Why? What did") and "following" not in query
    assert search_text("Who denied the transfer?") == "Who denied the transfer?"


def test_that_thing_and_they_point_at_what_the_last_answer_named() -> None:
    history = conversation(
        "Which paper first reported Iran's missile delivery?",
        "The Wall Street Journal broke the news of Iran's delivery of the missiles. [1]",
    )
    standalone, _ = condense("What did that paper say the delivery could be a result of?", history)
    assert standalone.startswith("What did Wall Street Journal say")
    history = conversation(
        "Who described the visit as the first public display of missiles?",
        '"This visit marked the first public display of missiles," an unnamed official told CNN in January. [1]',
    )
    standalone, _ = condense("Which outlet did they tell?", history)
    assert standalone == "Which outlet did the unnamed official tell?"


def test_it_is_the_name_that_answered_the_question_not_the_first_one() -> None:
    history = conversation(
        "Which country aided Russia in expanding its defense industrial base?",
        "Russia had obtained missiles from North Korea, while CNN had reported, and China had aided Russia in "
        "substantially expanding its defense industrial base. [1]",
    )
    standalone, _ = condense("What did its support include?", history)
    assert standalone == "What did China's support include?"
    # A name inside a longer one ("… Mission to the United Nations") is not the answer on its own.
    history = conversation(
        "Who denied the transfer?",
        "Iran's Permanent Mission to the United Nations denied the transfer, stating in a CNN interview. [1]",
    )
    standalone, _ = condense("What do they urge other countries to do?", history)
    assert standalone == "What do Iran's Permanent Mission urge other countries to do?"


def test_the_chain_answers_a_follow_up_as_ask_does(tmp_path) -> None:  # noqa: ANN001
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "store")
    ingest_paths(settings, [Path(__file__).parent / "data" / "second_article.txt"])
    bot = Chatbot(settings)
    history: list[dict[str, str]] = []
    # "And now?" has no words of its own: both paths answer with what follows the last quote.
    for question in ("Who cut the ribbon at the opening?", "What did she say families used to have to do?", "And now?"):
        asked = bot.ask(question, history=history)
        chained = bot.chain.invoke({"question": question, "history": history})
        assert chained["answer"] == asked.text and chained["standalone_question"] == asked.standalone_question
        history = [*history, *conversation(question, asked.text)]
    assert "five-minute walk" in asked.text


def test_a_follow_up_stays_with_the_document_the_conversation_is_about(tmp_path) -> None:  # noqa: ANN001
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths
    from tests.conftest import SEED, make_settings

    wiring = tmp_path / "wiring.txt"
    wiring.write_text(
        "\n\n".join(
            f"Tell the electrician which outlet in room {i} should be replaced; an outlet that sparks must be "
            "replaced at once, and the official wiring code says each outlet needs a ground."
            for i in range(12)
        )
        + "\n"
    )
    settings = make_settings(tmp_path / "store")
    ingest_paths(settings, [SEED, wiring])
    bot = Chatbot(settings)
    first = bot.ask("Who described the visit as the first public display of ballistic missiles?", history=[])
    assert "unnamed official" in first.text
    history = conversation("Who described the visit as the first public display of ballistic missiles?", first.text)
    follow = bot.ask("Which outlet did they tell?", history=history)
    assert follow.retrieved and all(p.source == str(SEED) for p in follow.retrieved)
    assert "CNN" in follow.text
    chained = bot.chain.invoke({"question": "Which outlet did they tell?", "history": history})
    assert chained["answer"] == follow.text
    # A question that is not a follow-up searches the whole store.
    assert any(p.source == str(wiring) for p in bot.ask("Which outlet should be replaced?", history=[]).retrieved)


def test_a_follow_up_with_words_of_its_own_is_not_answered_by_the_last_quote_again(seed_bot) -> None:  # noqa: ANN001
    first = seed_bot.ask("Who denied the transfer?")
    history = [{"role": "user", "content": "Who denied the transfer?"}, {"role": "assistant", "content": first.text}]
    ans = seed_bot.ask("What do they urge other countries to do?", history=history)
    assert "urges other countries to cease the supply of weapons" in ans.text
    assert all("denied the transfer" not in c.quote for c in ans.citations)
    question = "When did the G7 issue its statement warning Iran against sending missiles to Russia?"
    first = seed_bot.ask(question)
    assert "last March" in first.text
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.text}]
    ans = seed_bot.ask("What does that warning underscore?", history=history)
    assert "underscores the international community's concern" in ans.text


def test_the_spokesperson_and_the_news_organization_he_told(seed_bot) -> None:  # noqa: ANN001
    question = "What is the name of the National Security Council spokesperson quoted in the article?"
    first = seed_bot.ask(question)  # "quoted" is not the kind of thing named
    assert "Sean Savett" in first.text
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.text}]
    ans = seed_bot.ask("Which news organization did he give his statement to?", history=history)
    assert not ans.abstained and "CNN" in ans.text  # CNN is one; the sentence need not say "news"


def test_it_as_a_subject_is_what_the_last_question_was_about() -> None:
    history = conversation(
        "When did the G7 put out its strong statement on Iranian missiles?",
        "The G7 had issued a strong statement last March. [1]",
    )
    standalone, _ = condense("What did it threaten?", history)
    assert standalone == "What did G7 threaten?"
    standalone, _ = condense("When did it happen?", history)  # an event, not the G7
    assert not standalone.startswith("When did G7")


def test_a_condition_and_a_feeling_asked_after_an_answer(seed_bot) -> None:  # noqa: ANN001
    turns = ["When did the G7 put out its strong statement on Iranian missiles?", "What did it threaten?"]
    history: list[dict] = []
    for q in turns:
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": seed_bot.ask(q, history).text}]
    ans = seed_bot.ask("Under what condition?", history)
    assert "if the country proceeded with sending ballistic missiles" in ans.text
    q = "Who told CNN that sending Iranian ballistic missiles to Russia would be a significant escalation?"
    history = [{"role": "user", "content": q}, {"role": "assistant", "content": seed_bot.ask(q).text}]
    ans = seed_bot.ask("How did he say they feel about these reports?", history)
    assert "deeply concerned by these reports" in ans.text


def test_a_name_in_a_question_that_points_back_keeps_the_conversation() -> None:
    history = conversation(
        "What did the G7 warn last March?",
        "The G7 warned of new and significant measures against Iran. [1]",
    )
    standalone, _ = condense("What action by Iran would trigger that?", history)
    assert "What did the G7 warn last March" in standalone  # "that" is the warning
    standalone, _ = condense("And what did North Korea provide?", history)
    assert standalone == "What did North Korea provide?"  # a new name, nothing pointing back


def test_they_is_not_a_place_the_answer_mentions() -> None:
    history = conversation(
        "Was anyone hurt in the fire?",
        "Two night-shift workers were treated for smoke inhalation at Eastmere General Hospital. [1]",
    )
    standalone, _ = condense("And when did they go home?", history)
    assert "Eastmere General Hospital go" not in standalone


def test_a_short_follow_up_naming_something_new_is_not_bare_and_that_noun_points_back(seed_bot) -> None:  # noqa: ANN001
    from rag.followup import is_bare
    from rag.question import analyse

    assert not is_bare("and north korea?") and is_bare("Until what year?") and is_bare("since when exactly?")
    history = [
        {"role": "user", "content": "What kind of help has China given Russia?"},
        {"role": "assistant", "content": seed_bot.ask("What kind of help has China given Russia?").text},
    ]
    assert "missiles and missile components from North Korea" in seed_bot.ask("and north korea?", history=history).text
    # "that point" is the one just made: a reference, not a new topic the answer must say.
    q = analyse("Where did Volodymyr Zelensky make that point?", ["need", "urgent"])
    assert q.weights["point"] == 0.5 and q.weights["zelensky"] == 1.0


def test_that_visit_after_who_visited_is_the_visit() -> None:
    history = [
        {"role": "user", "content": "Who visited Iran at that time?"},
        {"role": "assistant", "content": "Then-Russian Defense Minister Sergei Shoigu visited Iran. [1]"},
    ]
    standalone, _ = condense("Why was that visit considered notable?", history)
    assert standalone.startswith("Why was that visit considered notable"), standalone


def test_that_paper_is_the_paper_the_last_answer_named() -> None:
    for first in ("Which newspaper first reported the delivery?", "Who first reported that Iran had delivered them?"):
        history = [
            {"role": "user", "content": first},
            {"role": "assistant", "content": "The Wall Street Journal broke the news of Iran's delivery. [1]"},
        ]
        standalone, _ = condense("What did that paper say might be behind it?", history)
        assert standalone.startswith("What did Wall Street Journal say"), standalone


def test_it_after_a_name_the_follow_up_brings_is_that_name() -> None:
    history = [
        {"role": "user", "content": "Apart from Iran, who else has supplied Russia with missiles?"},
        {"role": "assistant", "content": "Russia had also obtained missiles from North Korea. [1]"},
    ]
    assert condense("and China - what did it provide?", history)[0] == "China - what did China provide?"
    history = [
        {"role": "user", "content": "When did the G7 issue its strong statement?"},
        {"role": "assistant", "content": "The G7 had issued a strong statement last March. [1]"},
    ]
    assert "G7" in condense("What did it threaten Iran with?", history)[0]


def test_they_is_never_an_adverb_opening_the_answer() -> None:
    history = [
        {"role": "user", "content": "what are they asking other countries to do"},
        {
            "role": "assistant",
            "content": "Therefore, not only does Iran refrain from such actions itself, but it also "
            "urges other countries to cease the supply of weapons. [1]",
        },
    ]
    standalone, _ = condense("And why do they think arming the two sides is wrong?", history)
    assert "Therefore" not in standalone, standalone


def test_a_question_after_a_bare_one_follows_up_on_the_question_before() -> None:
    history = [
        {"role": "user", "content": "Which Russian official went to Iran to look at ballistic missiles?"},
        {"role": "assistant", "content": "Then-Russian Defense Minister Sergei Shoigu visited Iran. [1]"},
        {"role": "user", "content": "When was that?"},
        {"role": "assistant", "content": "Russian negotiations had begun as early as last September. [1]"},
    ]
    standalone, _ = condense("and why was the trip notable?", history)
    assert "Which Russian official went to Iran" in standalone, standalone


def test_they_after_has_any_other_country_is_the_country_the_answer_named() -> None:
    history = [
        {"role": "user", "content": "Has any other country helped Russia build up its defense industry?"},
        {
            "role": "assistant",
            "content": "Russia had also obtained missiles from North Korea, and China had aided "
            "Russia in substantially expanding its defense industrial base. [1]",
        },
    ]
    assert condense("what kind of stuff have they sent", history)[0] == "What kind of stuff have China sent"
    history = [  # "anyone" hurt is not the company the answer names
        {"role": "user", "content": "Was anyone hurt in the fire?"},
        {"role": "assistant", "content": "Two workers at the Harwick Polymers plant were treated. [1]"},
    ]
    assert "Harwick" not in condense("Where were they treated?", history)[0]


def test_he_is_the_surname_the_answer_has_speak() -> None:
    history = [
        {"role": "user", "content": "who said that?"},
        {"role": "assistant", "content": 'Savett stated, "We are deeply concerned by these reports." [1]'},
    ]
    assert condense("And which body does he speak for?", history)[0] == "Which body does Savett speak for?"
    history[1]["content"] = "Iran said it does not supply weapons. [1]"  # a place speaking is no "he"
    assert "Iran" not in condense("And which body does he speak for?", history)[0]


def test_how_many_of_them_counts_what_the_answer_counted(seed_bot) -> None:  # noqa: ANN001
    history = [
        {"role": "user", "content": "Had Iran already been helping Russia's military before these missiles?"},
        {"role": "assistant", "content": "Iran had provided Russia with hundreds of drones, CNN had reported. [1]"},
    ]
    assert condense("How many of them?", history)[0] == "How many of the drones?"
    assert "hundreds of drones" in seed_bot.ask("How many of them?", history=history).text


def test_which_visit_was_that_about_is_the_visit_the_sentence_before_tells(seed_bot) -> None:  # noqa: ANN001
    first = "What did an unnamed official tell CNN in January?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": seed_bot.ask(first).text}]
    assert history[1]["content"].startswith('"This visit marked the first public display')
    assert "Shoigu visited Iran" in seed_bot.ask("Which visit was that about?", history=history).text


def test_that_paper_is_the_outlet_the_answer_named() -> None:
    standalone, _ = condense(
        "What did that paper say might be behind it?",
        [
            {"role": "user", "content": "Which outlet broke the story about the delivery?"},
            {"role": "assistant", "content": "The Wall Street Journal broke the news of Iran's delivery. [1]"},
        ],
    )
    assert standalone.startswith("What did Wall Street Journal say"), standalone
    # … but "that statement" after a question about the statement is the statement
    standalone, _ = condense(
        "When was that statement issued?",
        [
            {"role": "user", "content": "Which agency issued the statement?"},
            {"role": "assistant", "content": "The National Security Council issued the statement. [1]"},
        ],
    )
    assert "National Security Council" not in standalone.split("(")[0], standalone


def test_a_condition_asked_alone_follows_up_whatever_it_names() -> None:
    history = [
        {"role": "user", "content": "What did the G7 warn last March?"},
        {"role": "assistant", "content": "The G7 warned of new measures if the country sent missiles. [1]"},
    ]
    standalone, _ = condense("If Iran did what?", history)
    assert standalone == "If Iran did what (following up on: What did the G7 warn last March?)", standalone
    standalone, _ = condense("And what did North Korea provide?", history)  # a new name is a new subject
    assert standalone == "What did North Korea provide?", standalone


def test_how_many_alone_counts_what_the_answer_counted() -> None:
    history = [
        {"role": "user", "content": "What did Iran supply before?"},
        {"role": "assistant", "content": "Iran had provided Russia with hundreds of drones, which Russia used. [1]"},
    ]
    assert condense("how many?", history)[0] == "How many drones?"
    assert condense("And how many?", history)[0] == "How many drones?"


def test_they_is_not_the_one_person_the_last_turn_named() -> None:
    history = conversation(
        "What missile systems did Shoigu go to Iran to see?",
        "… when then-Russian Defense Minister Sergei Shoigu visited Iran to view the Islamic Revolutionary Guard "
        "Corps’ Ababil close-range ballistic missile systems. [1]",
    )
    standalone, _ = condense("who operates them?", history)
    assert "Shoigu?" not in standalone and focus_of(standalone) == "Who operates them", standalone


def test_a_papers_view_asked_in_a_follow_up_is_the_cause_it_reported(seed_bot) -> None:  # noqa: ANN001
    first = "Which paper broke the news of the delivery?"
    ans = seed_bot.ask(first)
    history = conversation(first, ans.text)
    follow = seed_bot.ask("What do they reckon might explain it?", history=history)
    assert "could be a result of the collaboration" in follow.text and follow.citations, follow.text


def test_the_thing_an_earlier_question_spoke_of_is_followed_up_there(seed_bot) -> None:  # noqa: ANN001
    history = conversation(
        "What did an official say was notable about Shoigu's visit to Iran?",
        "“This visit marked the first public display of ballistic missiles …,” an unnamed official told CNN in "
        "January. [1]",
        "Which outlet did the official tell?",
        "… an unnamed official told CNN in January. [1]",
    )
    # "the visit" is not the telling the last turn asked about, but the visit the first one spoke of …
    standalone, _ = condense("and when did the visit itself take place", history)
    assert standalone.endswith("(following up on: What did an official say was notable about Shoigu's visit to Iran?)")
    # … while a thing the last turn spoke of stays with it
    standalone, _ = condense("When did the official say it?", history)
    assert standalone.endswith("(following up on: Which outlet did the official tell?)")
    asked: list[dict[str, str]] = []
    for question in ("What was notable about Shoigu's trip to Iran?", "Which outlet did the official tell?"):
        asked += conversation(question, seed_bot.ask(question, history=asked).text)
    assert "last September" in seed_bot.ask("and when did the trip itself take place", history=asked).text


def test_what_a_thing_just_quoted_shows_is_the_sentence_saying_what_it_shows(seed_bot) -> None:  # noqa: ANN001
    # The statement just quoted says what the G7 warned, not what the warning shows: the sentence where the warning
    # "underscores" something does
    first = "When did the G7 issue its warning to Tehran?"
    history = conversation(first, seed_bot.ask(first).text)
    for follow in ("What does that warning indicate?", "And what does the article say the warning reveals?"):
        assert "underscores" in seed_bot.ask(follow, history=history).text, follow


def test_how_many_of_them_counts_what_the_question_asked_of_when_the_answer_counts_nothing() -> None:
    history = conversation(
        "Had Iran given Russia weapons before the missiles?",
        "Therefore, not only does Iran refrain from such actions itself, but it also urges other countries to cease "
        "the supply of weapons to the parties involved in the conflict. [1]",
    )
    # "them" are the weapons asked about, not Iran, nor the missiles they came before
    assert condense("How many of them?", history)[0] == "How many of the weapons?"


def test_how_do_they_feel_after_a_turn_naming_them_asks_their_feeling(seed_bot) -> None:  # noqa: ANN001
    # "they" are the ones the last turn named, not anyone asking how to do something ("How do they make bread?")
    first = "What has Savett's side been warning about?"
    history = conversation(first, seed_bot.ask(first).text)
    ans = seed_bot.ask("And how do they feel about the reports?", history=history)
    assert "deeply concerned" in ans.text and ans.citations, ans.text
