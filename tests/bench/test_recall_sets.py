"""The recall sets are the size the issue asks for, and the held-out set is apart."""

from bench import recall_eval


def _people(recall_set):
    return {
        turn["speaker"]
        for conversation in recall_set["conversations"]
        for session in conversation["sessions"]
        for turn in session["turns"]
    }


def test_the_development_set_is_large_and_its_evidence_is_real():
    dev = recall_eval.load_devset(recall_eval.DEVSET)
    assert len(dev["conversations"]) >= 30
    assert len(dev["questions"]) >= 1000
    turns = {
        turn["turn_id"]
        for conversation in dev["conversations"]
        for session in conversation["sessions"]
        for turn in session["turns"]
    }
    assert all(set(q["evidence"]) <= turns for q in dev["questions"])
    assert any(len(q["evidence"]) > 1 for q in dev["questions"])  # multi-session


def test_the_held_out_set_shares_no_people_or_turns_with_the_dev_set():
    dev = recall_eval.load_devset(recall_eval.DEVSET)
    heldout = recall_eval.load_devset(recall_eval.HELDOUT)
    assert len(heldout["questions"]) >= 200
    assert not (_people(dev) & _people(heldout))
    dev_questions = {q["question"] for q in dev["questions"]}
    assert not dev_questions & {q["question"] for q in heldout["questions"]}


def test_neighbour_context_documents_stay_inside_their_session():
    recall_set = {
        "conversations": [
            {
                "subject": "s",
                "sessions": [
                    {"turns": [{"turn_id": "a", "text": "one"}]},
                    {
                        "turns": [
                            {"turn_id": "b", "text": "two"},
                            {"turn_id": "c", "text": "three"},
                        ]
                    },
                ],
            }
        ]
    }
    documents = dict(recall_eval.context_turns_by_subject(recall_set)["s"])
    assert documents == {"a": "one", "b": "two three", "c": "two three"}


def test_bm25_with_neighbours_finds_an_answer_whose_topic_was_the_turn_before():
    documents = [
        ("x", "the weather was rainy all week"),
        ("y", "we tried a thai place"),
        ("q", "did you find a tenant for the garage studio"),
        ("a", "yes 1400 a month"),
    ]
    plain = recall_eval.BM25(documents).rank("garage studio tenant")
    context = {
        "conversations": [
            {"subject": "s", "sessions": [{"turns": [
                {"turn_id": i, "text": t} for i, t in documents
            ]}]}
        ]
    }  # fmt: skip
    ranked = recall_eval.per_subject_ranker(context, recall_eval.BM25, context=1)(
        "s", "garage studio tenant"
    )
    assert plain.index("a") > 1
    assert ranked.index("a") <= 1


def test_the_casual_set_is_apart_and_its_evidence_is_real():
    casual = recall_eval.load_devset(recall_eval.CASUAL)
    dev = recall_eval.load_devset(recall_eval.DEVSET)
    heldout = recall_eval.load_devset(recall_eval.HELDOUT)
    assert len(casual["questions"]) >= 100
    # Two first names (Lucia, Priya) are also spouses in the dev set; the
    # conversations, questions and words are the casual set's own.
    assert not _people(casual) & _people(heldout)
    assert len(_people(casual) & _people(dev)) <= 2
    assert not {q["question"] for q in casual["questions"]} & {
        q["question"] for q in dev["questions"]
    }
    turns = {
        turn["turn_id"]
        for conversation in casual["conversations"]
        for session in conversation["sessions"]
        for turn in session["turns"]
    }
    assert all(
        q["evidence"] and set(q["evidence"]) <= turns for q in casual["questions"]
    )
    assert {"when", "time_named", "multi_session", "inference"} <= {
        q["type"] for q in casual["questions"]
    }
