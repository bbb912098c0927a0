"""The model adapter against a fake OpenAI-compatible server on 127.0.0.1."""

import time

import pytest
from django.test import override_settings

from memory.llm import EMBEDDING_BATCH_SIZE, ModelAdapter, ModelError
from tests.fakes.openai_server import deterministic_embeddings

pytest_plugins = ["tests.fakes.conftest_plugin"]

HOLDING_SCHEMA = {
    "type": "object",
    "properties": {
        "instrument": {"type": "string"},
        "quantity": {"type": "number"},
        "account": {"type": ["string", "null"]},
    },
    "required": ["instrument", "quantity", "account"],
    "additionalProperties": False,
}


def make_adapter(fake_openai, **overrides) -> ModelAdapter:
    config = {
        "base_url": fake_openai.base_url,
        "api_key": "test-key",
        "chat_model": "fake-chat",
        "embedding_model": "fake-embedding",
        "embedding_dimensions": 16,
        "timeout": 5,
        "max_retries": 0,
    }
    config.update(overrides)
    return ModelAdapter(**config)


def ask_for_holding(adapter: ModelAdapter) -> dict:
    return adapter.chat_json(
        system="Extract the holding.",
        user="I hold 200 AAPL in my IRA.",
        schema=HOLDING_SCHEMA,
        schema_name="holding",
    )


def test_chat_json_sends_the_schema_and_returns_the_object(fake_openai):
    fake_openai.queue_chat({"instrument": "AAPL", "quantity": 200, "account": "IRA"})

    result = ask_for_holding(make_adapter(fake_openai))

    assert result == {"instrument": "AAPL", "quantity": 200, "account": "IRA"}
    (request,) = fake_openai.chat_requests
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["model"] == "fake-chat"
    assert request.body["messages"] == [
        {"role": "system", "content": "Extract the holding."},
        {"role": "user", "content": "I hold 200 AAPL in my IRA."},
    ]
    assert request.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "holding", "schema": HOLDING_SCHEMA, "strict": True},
    }


def test_chat_json_retries_a_server_error_then_succeeds(fake_openai):
    fake_openai.fail_next(500, retry_after_ms=1)
    fake_openai.queue_chat({"instrument": "MSFT", "quantity": 5, "account": None})

    result = ask_for_holding(make_adapter(fake_openai, max_retries=2))

    assert result["instrument"] == "MSFT"
    assert len(fake_openai.chat_requests) == 2


def test_chat_json_raises_model_error_when_retries_run_out(fake_openai):
    fake_openai.fail_next(500, times=3, retry_after_ms=1)

    with pytest.raises(ModelError, match="HTTP 500") as caught:
        ask_for_holding(make_adapter(fake_openai, max_retries=2))

    assert caught.value.status == 500
    assert len(fake_openai.chat_requests) == 3


def test_rate_limit_waits_for_retry_after_then_succeeds(fake_openai):
    fake_openai.fail_next(429, retry_after=1)
    fake_openai.queue_chat({"instrument": "NVDA", "quantity": 1, "account": None})

    started = time.monotonic()
    result = ask_for_holding(make_adapter(fake_openai, max_retries=1))

    assert result["instrument"] == "NVDA"
    assert time.monotonic() - started >= 0.9
    assert len(fake_openai.chat_requests) == 2


def test_rate_limit_without_retries_left_is_a_model_error(fake_openai):
    fake_openai.fail_next(429, retry_after=1)

    with pytest.raises(ModelError, match="HTTP 429") as caught:
        ask_for_holding(make_adapter(fake_openai))

    assert caught.value.status == 429


def test_chat_json_rejects_content_that_is_not_json(fake_openai):
    fake_openai.queue_chat('{"instrument": "AAPL", "quantity": ')

    with pytest.raises(ModelError, match="invalid JSON"):
        ask_for_holding(make_adapter(fake_openai))


def test_chat_json_rejects_json_that_is_not_an_object(fake_openai):
    fake_openai.queue_chat("[1, 2]")

    with pytest.raises(ModelError, match="not an object"):
        ask_for_holding(make_adapter(fake_openai))


def test_chat_json_rejects_an_object_missing_required_keys(fake_openai):
    fake_openai.queue_chat({"instrument": "AAPL"})

    with pytest.raises(ModelError, match="quantity, account"):
        ask_for_holding(make_adapter(fake_openai))


def test_chat_json_reports_a_refusal(fake_openai):
    fake_openai.queue_chat(None, refusal="I can't help with that.")

    with pytest.raises(ModelError, match="refused: I can't help with that."):
        ask_for_holding(make_adapter(fake_openai))


def test_chat_json_reports_a_truncated_answer(fake_openai):
    fake_openai.queue_chat('{"instrument": "AA', finish_reason="length")

    with pytest.raises(ModelError, match="length limit"):
        ask_for_holding(make_adapter(fake_openai))


def test_a_slow_model_times_out_as_a_model_error(fake_openai):
    fake_openai.delay_next(2.0)

    started = time.monotonic()
    with pytest.raises(ModelError, match="timed out"):
        ask_for_holding(make_adapter(fake_openai, timeout=0.3))

    assert time.monotonic() - started < 1.5


def test_a_response_body_that_is_not_json_is_a_model_error(fake_openai):
    fake_openai.fail_next(200, body="<html>gateway says hi</html>")

    with pytest.raises(ModelError):
        ask_for_holding(make_adapter(fake_openai))


def test_an_unreachable_server_is_a_model_error(fake_openai):
    adapter = make_adapter(fake_openai)
    fake_openai.stop()

    with pytest.raises(ModelError, match="could not reach"):
        ask_for_holding(adapter)


def test_chat_without_a_configured_model_is_a_model_error(fake_openai):
    adapter = make_adapter(fake_openai, chat_model=None)

    assert not adapter.has_chat_model
    with pytest.raises(ModelError, match="OPENAI_CHAT_MODEL"):
        adapter.chat(messages=[{"role": "user", "content": "hi"}])
    assert fake_openai.requests == []


def test_chat_returns_content_and_the_model_name(fake_openai):
    fake_openai.queue_chat("Hello Ann.", model="fake-chat-2025-01-01")

    reply = make_adapter(fake_openai).chat(
        messages=[{"role": "user", "content": "Say hello to Ann."}]
    )

    assert reply == {
        "content": "Hello Ann.",
        "tool_calls": [],
        "model": "fake-chat-2025-01-01",
    }
    assert "tools" not in fake_openai.chat_requests[0].body


def test_chat_sends_tools_and_parses_tool_call_arguments(fake_openai):
    tools = [
        {
            "type": "function",
            "function": {
                "name": "memory_search",
                "description": "Search the client's memories.",
                "parameters": {
                    "type": "object",
                    "properties": {"query": {"type": "string"}},
                    "required": ["query"],
                },
            },
        }
    ]
    fake_openai.queue_chat(
        None,
        tool_calls=[
            {"id": "call_1", "name": "memory_search", "arguments": {"query": "IRA"}}
        ],
    )

    reply = make_adapter(fake_openai).chat(
        messages=[{"role": "user", "content": "What is in her IRA?"}], tools=tools
    )

    assert reply["content"] is None
    assert reply["tool_calls"] == [
        {"id": "call_1", "name": "memory_search", "arguments": {"query": "IRA"}}
    ]
    assert fake_openai.chat_requests[0].body["tools"] == tools


def test_chat_rejects_tool_arguments_that_are_not_json(fake_openai):
    fake_openai.queue_chat(
        None, tool_calls=[{"name": "memory_search", "arguments": "{query: IRA"}]
    )

    with pytest.raises(ModelError, match="invalid JSON arguments"):
        make_adapter(fake_openai).chat(messages=[{"role": "user", "content": "x"}])


def test_embed_sends_batches_of_at_most_256_inputs_in_order(fake_openai):
    texts = [f"note number {i} about the client's portfolio" for i in range(600)]

    vectors = make_adapter(fake_openai).embed(texts)

    batches = [request.body for request in fake_openai.embedding_requests]
    assert [len(batch["input"]) for batch in batches] == [256, 256, 88]
    assert EMBEDDING_BATCH_SIZE == 256
    assert all(batch["dimensions"] == 16 for batch in batches)
    assert all(batch["model"] == "fake-embedding" for batch in batches)
    assert [text for batch in batches for text in batch["input"]] == texts
    assert vectors == deterministic_embeddings(texts, 16)


def test_embed_of_nothing_makes_no_request(fake_openai):
    assert make_adapter(fake_openai).embed([]) == []
    assert fake_openai.requests == []


def test_embed_rejects_vectors_of_the_wrong_length(fake_openai):
    fake_openai.embedding_dimensions_override = 12

    with pytest.raises(ModelError, match="returned 12 dimensions, expected 16"):
        make_adapter(fake_openai).embed(["a note"])


def test_embed_rejects_a_response_with_missing_vectors(fake_openai):
    fake_openai.embedding_handler = lambda texts, dims: [[1.0] * dims]

    with pytest.raises(ModelError, match="1 vectors for 2 inputs"):
        make_adapter(fake_openai).embed(["one", "two"])


def test_embed_maps_server_errors_to_model_error(fake_openai):
    fake_openai.fail_next(503, path="/embeddings", retry_after_ms=1, times=2)

    with pytest.raises(ModelError, match="HTTP 503"):
        make_adapter(fake_openai, max_retries=1).embed(["a note"])

    assert len(fake_openai.embedding_requests) == 2


def test_from_settings_reads_the_project_settings(fake_openai):
    with override_settings(
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_API_KEY="settings-key",
        OPENAI_CHAT_MODEL="settings-chat",
        OPENAI_EMBEDDING_MODEL="settings-embedding",
        MEMORY_EMBEDDING_DIMENSIONS=32,
        OPENAI_TIMEOUT=7,
        OPENAI_MAX_RETRIES=1,
    ):
        adapter = ModelAdapter.from_settings()

    assert adapter.base_url == fake_openai.base_url
    assert adapter.chat_model_name == "settings-chat"
    assert adapter.embedding_model_name == "settings-embedding"
    assert adapter.embedding_dimensions == 32
    assert adapter.timeout == 7.0
    assert adapter.max_retries == 1
    fake_openai.queue_chat("hi")
    adapter.chat(messages=[{"role": "user", "content": "hi"}])
    assert fake_openai.requests[0].headers["authorization"] == "Bearer settings-key"


def test_from_settings_uses_defaults_for_missing_settings():
    with override_settings():
        from django.conf import settings

        for name in (
            "MEMORY_EMBEDDING_DIMENSIONS",
            "OPENAI_TIMEOUT",
            "OPENAI_MAX_RETRIES",
        ):
            if hasattr(settings, name):
                delattr(settings, name)
        adapter = ModelAdapter.from_settings()

    assert adapter.embedding_dimensions == 384
    assert adapter.timeout == 30.0
    assert adapter.max_retries == 3
