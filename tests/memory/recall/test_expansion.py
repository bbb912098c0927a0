"""The word ranking's query expansion: scaffolding out, related words in."""

from memory.recall.expansion import expansion_words, query_words


def test_question_scaffolding_is_dropped_from_the_word_ranking():
    assert query_words("How much did she inherit?") == "she inherit"
    assert query_words("What is the name of her dog?") == "her dog"


def test_a_question_word_brings_the_words_its_answer_may_use():
    extra = expansion_words("Who is her current employer?").split()
    assert {"job", "work", "company"} <= set(extra)
    assert "employer" not in extra  # the question's own words stay its own


def test_a_question_with_no_thesaurus_words_expands_to_nothing():
    assert expansion_words("Xylophone lessons on Tuesdays?") == ""
    assert expansion_words("") == ""
