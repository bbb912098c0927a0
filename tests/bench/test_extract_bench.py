"""The extraction measure: what counts as a memory found, and both sets and both
paths run through the product (a slice of each, ``make bench`` runs them all)."""

import pkgutil
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

import memory.extraction.rules as rules
from bench.extract_eval import evaluate, evaluate_model_path, matches, score_dialogue
from bench.extract_sets import (
    DEVSET,
    DEVSET2,
    DEVSET3,
    HELDOUT,
    HELDOUT2,
    HELDOUT3,
    load_set,
)


def memory(kind, payload, status="active"):
    return SimpleNamespace(
        kind=kind,
        payload=payload,
        status=status,
        proposal_action="",
        valid_from=datetime(2025, 3, 3, tzinfo=UTC),
    )


def expect(kind, status="active", **fields):
    return {"kind": kind, "status": status, "fields": fields}


def test_a_memory_is_found_by_its_kind_and_the_fields_that_matter():
    held = memory(
        "holding", {"instrument": "AAPL", "quantity": 200.0, "account": "ira"}
    )

    assert matches(expect("holding", instrument="AAPL", quantity=200), held)
    assert not matches(expect("holding", instrument="AAPL", quantity=250), held)
    assert not matches(expect("view", instrument="AAPL"), held)
    likes = memory("preference", {"polarity": "likes", "sectors": ["dividends", "esg"]})
    assert matches(expect("preference", polarity="likes", sectors=["esg"]), likes)
    aged = memory("profile", {"kyc": {"age": 58}})
    assert matches({"kind": "profile", "fields": {"kyc.age": 58}}, aged)
    goal = memory("goal", {"goal": "retirement", "target_date": "2030-03-03"})
    assert matches(expect("goal", goal="retirement", target_year=2030), goal)
    assert matches(expect("goal", goal="retirement", in_years=5), goal)


def test_each_memory_answers_one_expectation_the_right_status_first():
    dialogue = {
        "expect": [
            expect("holding", instrument="AAPL"),
            expect("holding", "proposed", instrument="AAPL"),
        ]
    }
    applied = memory("holding", {"instrument": "AAPL"})
    waiting = memory("holding", {"instrument": "AAPL"}, status="proposed")
    extra = memory("view", {"instrument": "AAPL", "stance": "bullish"})

    result = score_dialogue(dialogue, [waiting, applied, extra])

    assert [m for _, m in result["found"]] == [applied, waiting]
    assert result["extra"] == [extra]


def test_every_topic_of_the_rules_has_its_cases_in_the_development_set():
    topics = {
        name
        for _, name, _ in pkgutil.iter_modules(rules.__path__)
        if name
        # Helpers every topic reads with; affect reads preferences' feelings.
        not in (
            "extractor",
            "sentence",
            "numbers",
            "sectors",
            "wording",
            "answers",
            "affect",
        )  # fmt: skip
    }
    counts = {}
    for path in (DEVSET, DEVSET2, DEVSET3):
        for dialogue in load_set(path)["dialogues"]:
            counts[dialogue["topic"]] = counts.get(dialogue["topic"], 0) + 1

    assert topics == {
        "holdings", "corrections", "profile", "goals", "preferences", "views", "facts",
        "contact",
    }  # fmt: skip
    assert all(counts.get(topic, 0) >= 20 for topic in topics), counts
    assert len(load_set(DEVSET)["dialogues"]) >= 300
    assert len(load_set(DEVSET3)["dialogues"]) >= 300


@pytest.mark.parametrize(
    ("dev_path", "held_path"),
    [(DEVSET, HELDOUT), (DEVSET3, HELDOUT3), (DEVSET2, HELDOUT3)],
    ids=["dev-heldout", "dev3-heldout3", "dev2-heldout3"],
)
def test_the_held_out_set_is_written_apart(dev_path, held_path):
    dev, held = load_set(dev_path), load_set(held_path)

    assert dev["seed"] != held["seed"]
    names = lambda data: {d["subject"]["name"] for d in data["dialogues"]}  # noqa: E731
    assert not names(dev) & names(held)
    instruments = lambda data: {  # noqa: E731
        e["fields"].get("instrument")
        for d in data["dialogues"]
        for e in d["expect"]
        if e["fields"].get("instrument")
    }
    assert not instruments(dev) & instruments(held)
    texts = lambda data: {t["text"] for d in data["dialogues"] for t in d["turns"]}  # noqa: E731
    assert not texts(dev) & texts(held)


@pytest.mark.django_db
def test_both_sets_run_through_the_product_with_one_measure():
    dev, held = load_set(DEVSET), load_set(HELDOUT)
    dev["dialogues"] = dev["dialogues"][::20]
    held["dialogues"] = held["dialogues"][::20]

    on_dev, on_held = evaluate(dev, label="rules"), evaluate(held, label="rules")

    # The rules were tuned on the development set: a slice of it stays found.
    assert on_dev["recall"] >= 0.9 and on_dev["precision"] >= 0.9
    assert on_dev["dialogues"] == len(dev["dialogues"])
    for figures in (on_dev, on_held):
        assert set(figures["per_kind"]) == {
            "profile", "goal", "preference", "holding", "view", "fact"
        }  # fmt: skip
        assert 0 <= figures["recall"] <= figures["recall_incl_proposed"] <= 1


def test_held_out_3_is_big_enough_and_asks_what_devset3_asks():
    held = load_set(HELDOUT3)
    topics = {d["topic"] for d in held["dialogues"]}

    assert len(held["dialogues"]) >= 150
    assert {"holdings", "preferences", "corrections", "negatives"} <= topics
    assert any(
        e["kind"] == "preference" and "topic" in e["fields"]
        for d in held["dialogues"]
        for e in d["expect"]
    )
    assert load_set(HELDOUT2)["seed"] != held["seed"]


@pytest.mark.django_db
def test_contact_preferences_run_the_model_path_with_their_topic_as_slot():
    dev3 = load_set(DEVSET3)
    dev3["dialogues"] = [
        d for d in dev3["dialogues"] if any("topic" in e["fields"] for e in d["expect"])
    ][:6]

    figures = evaluate_model_path(dev3)

    assert len(dev3["dialogues"]) == 6
    assert figures["recall"] == 1.0 and figures["precision"] == 1.0


@pytest.mark.django_db
def test_the_model_path_runs_the_same_measure_through_the_fake_server():
    dev = load_set(DEVSET)
    dev["dialogues"] = [d for d in dev["dialogues"] if d["expect"]][:6]

    figures = evaluate_model_path(dev)

    assert figures["extractor"] == "model:fake-chat"
    assert figures["model_requests"] >= len(dev["dialogues"])
    # Scripted from the expectations: the path and the measure, not a model.
    assert figures["recall"] == 1.0 and figures["precision"] == 1.0
