"""The model adapter: the one place that talks to an OpenAI-compatible API.

Everything that needs a language model or an embeddings endpoint (the LLM extractor,
the OpenAI embedder, the advisor's assistant) goes through :class:`ModelAdapter`, so
retries, timeouts and error translation live in one place and every failure reaches
callers as a :class:`ModelError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openai
from django.conf import settings

EMBEDDING_BATCH_SIZE = 256

# The API rejects other names with a 400 that reads like a server fault.
_SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

# Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) need no key, but the SDK
# refuses to start without one.
_PLACEHOLDER_API_KEY = "no-key-configured"


class ModelError(Exception):
    """A model call failed: unreachable, timed out, refused, or answered nonsense."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ModelAdapter:
    """Call chat and embedding models through the ``openai`` SDK.

    Built from plain values so it can be used without Django; ``from_settings`` reads
    the project's settings.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str = "",
        chat_model: str | None = None,
        embedding_model: str | None = None,
        embedding_dimensions: int = 384,
        timeout: float = 30.0,
        max_retries: int = 3,
    ) -> None:
        self.base_url = base_url or None
        self.api_key = api_key or ""
        self.chat_model = chat_model or None
        self.embedding_model = embedding_model or None
        self.embedding_dimensions = int(embedding_dimensions)
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self._client: openai.OpenAI | None = None

    @classmethod
    def from_settings(cls) -> ModelAdapter:
        """Return an adapter configured from Django settings."""
        return cls(
            base_url=getattr(settings, "OPENAI_BASE_URL", None),
            api_key=getattr(settings, "OPENAI_API_KEY", "") or "",
            chat_model=getattr(settings, "OPENAI_CHAT_MODEL", None),
            embedding_model=getattr(settings, "OPENAI_EMBEDDING_MODEL", None),
            embedding_dimensions=getattr(settings, "MEMORY_EMBEDDING_DIMENSIONS", 384),
            timeout=getattr(settings, "OPENAI_TIMEOUT", 30),
            max_retries=getattr(settings, "OPENAI_MAX_RETRIES", 3),
        )

    def __repr__(self) -> str:
        return (
            f"ModelAdapter(base_url={self.base_url!r}, chat_model={self.chat_model!r}, "
            f"embedding_model={self.embedding_model!r})"
        )

    @property
    def has_chat_model(self) -> bool:
        """Tell whether a chat model is configured."""
        return self.chat_model is not None

    @property
    def has_embedding_model(self) -> bool:
        """Tell whether an embedding model is configured."""
        return self.embedding_model is not None

    @property
    def chat_model_name(self) -> str:
        """Return the chat model's name, to record as the author of what it wrote."""
        return self._require_chat_model()

    @property
    def embedding_model_name(self) -> str:
        """Return the embedding model's name, to record beside each embedding."""
        return self._require_embedding_model()

    @property
    def client(self) -> openai.OpenAI:
        """Return the SDK client, created on first use."""
        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.base_url,
                api_key=self.api_key or _PLACEHOLDER_API_KEY,
                timeout=self.timeout,
                max_retries=self.max_retries,
            )
        return self._client

    def chat_json(
        self, *, system: str, user: str, schema: dict, schema_name: str
    ) -> dict:
        """Ask the chat model for a JSON object that follows ``schema`` and return it.

        Uses strict JSON-schema structured output. A refusal, a truncated answer or an
        answer that is not a JSON object with the schema's required keys raises
        :class:`ModelError`.
        """
        model = self._require_chat_model()
        if not _SCHEMA_NAME.match(schema_name):
            raise ValueError(
                f"schema_name {schema_name!r} must be 1-64 letters, digits, _ or -"
            )
        with _model_errors("chat completion", model):
            response = self.client.chat.completions.create(
                model=model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": schema_name,
                        "schema": schema,
                        "strict": True,
                    },
                },
            )
        message, finish_reason = _first_choice(response, model)
        refusal = getattr(message, "refusal", None)
        if refusal:
            raise ModelError(f"Model {model} refused: {refusal}")
        if finish_reason == "length":
            raise ModelError(
                f"Model {model} stopped at its length limit before finishing the JSON"
            )
        content = message.content
        if not content:
            raise ModelError(f"Model {model} returned no content")
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ModelError(
                f"Model {model} returned invalid JSON ({exc.msg} at char {exc.pos}): "
                f"{_preview(content)}"
            ) from exc
        if not isinstance(data, dict):
            raise ModelError(
                f"Model {model} returned JSON {type(data).__name__}, not an object"
            )
        missing = [key for key in schema.get("required", []) if key not in data]
        if missing:
            raise ModelError(
                f"Model {model} returned JSON missing required keys: "
                f"{', '.join(missing)}"
            )
        return data

    def chat(
        self,
        *,
        messages: list[dict],
        tools: list[dict] | None = None,
        tool_choice: str | None = None,
    ) -> dict:
        """Run one chat completion and return its reply and tool calls.

        Return ``{"content": str | None, "tool_calls": [{"id", "name",
        "arguments"}], "model": str}`` with each tool call's arguments parsed into a
        dict. ``tool_choice`` ("auto", "none", "required") says whether the model
        may, must not or must call one of ``tools``.
        """
        model = self._require_chat_model()
        kwargs: dict[str, Any] = {"model": model, "messages": messages}
        if tools:
            kwargs["tools"] = tools
            if tool_choice:
                kwargs["tool_choice"] = tool_choice
        with _model_errors("chat completion", model):
            response = self.client.chat.completions.create(**kwargs)
        message, _ = _first_choice(response, model)
        tool_calls = []
        for call in message.tool_calls or []:
            function = getattr(call, "function", None)
            if function is None:
                raise ModelError(f"Model {model} made an unsupported tool call")
            tool_calls.append(
                {
                    "id": call.id,
                    "name": function.name,
                    "arguments": _tool_arguments(function, model),
                }
            )
        content = message.content
        if content is None and not tool_calls:
            # A refusal is still an answer the assistant can show.
            content = getattr(message, "refusal", None)
        return {
            "content": content,
            "tool_calls": tool_calls,
            "model": response.model or model,
        }

    @staticmethod
    def tool_calls_message(reply: dict) -> dict:
        """Return the assistant message that carries a reply's tool calls.

        The conversation sent back to the model must hold it before the tools'
        results (``{"role": "tool", "tool_call_id": ..., "content": ...}``).
        """
        return {
            "role": "assistant",
            "content": reply.get("content"),
            "tool_calls": [
                {
                    "id": call["id"],
                    "type": "function",
                    "function": {
                        "name": call["name"],
                        "arguments": json.dumps(call["arguments"]),
                    },
                }
                for call in reply.get("tool_calls") or []
            ],
        }

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Return one embedding per text, in order.

        Send at most ``EMBEDDING_BATCH_SIZE`` texts per request and check that every
        vector has ``embedding_dimensions`` values.
        """
        model = self._require_embedding_model()
        vectors: list[list[float]] = []
        for start in range(0, len(texts), EMBEDDING_BATCH_SIZE):
            batch = list(texts[start : start + EMBEDDING_BATCH_SIZE])
            kwargs: dict[str, Any] = {
                "model": model,
                "input": batch,
                "encoding_format": "float",
            }
            if self.embedding_dimensions:
                kwargs["dimensions"] = self.embedding_dimensions
            with _model_errors("embeddings", model):
                response = self.client.embeddings.create(**kwargs)
            vectors.extend(self._checked_vectors(response, batch, model))
        return vectors

    def _checked_vectors(
        self, response: Any, batch: list[str], model: str
    ) -> list[list[float]]:
        rows = sorted(response.data, key=lambda row: row.index)
        if len(rows) != len(batch):
            raise ModelError(
                f"Embedding model {model} returned {len(rows)} vectors "
                f"for {len(batch)} inputs"
            )
        vectors = []
        for row in rows:
            vector = [float(value) for value in row.embedding]
            if self.embedding_dimensions and len(vector) != self.embedding_dimensions:
                raise ModelError(
                    f"Embedding model {model} returned {len(vector)} dimensions, "
                    f"expected {self.embedding_dimensions}"
                )
            vectors.append(vector)
        return vectors

    def _require_chat_model(self) -> str:
        if not self.chat_model:
            raise ModelError("No chat model is configured (OPENAI_CHAT_MODEL)")
        return self.chat_model

    def _require_embedding_model(self) -> str:
        if not self.embedding_model:
            raise ModelError(
                "No embedding model is configured (OPENAI_EMBEDDING_MODEL)"
            )
        return self.embedding_model


@contextmanager
def _model_errors(operation: str, model: str) -> Iterator[None]:
    """Turn the SDK's exceptions into :class:`ModelError` with a readable message."""
    try:
        yield
    except openai.APITimeoutError as exc:
        raise ModelError(f"{operation} with {model} timed out") from exc
    except openai.APIConnectionError as exc:
        raise ModelError(
            f"{operation} with {model} could not reach the model server: {exc}"
        ) from exc
    except openai.APIStatusError as exc:
        raise ModelError(
            f"{operation} with {model} failed with HTTP {exc.status_code}: "
            f"{_status_detail(exc)}",
            status=exc.status_code,
        ) from exc
    except (openai.OpenAIError, ValueError) as exc:
        # ValueError covers a response body that is not the JSON the SDK expects.
        raise ModelError(f"{operation} with {model} failed: {exc}") from exc


def _status_detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return _preview(exc.message or "")


def _first_choice(response: Any, model: str) -> tuple[Any, str | None]:
    choices = getattr(response, "choices", None)
    if not choices:
        raise ModelError(f"Model {model} returned no choices")
    choice = choices[0]
    return choice.message, choice.finish_reason


def _tool_arguments(function: Any, model: str) -> dict:
    raw = function.arguments or "{}"
    try:
        arguments = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"Model {model} called tool {function.name} with invalid JSON arguments: "
            f"{_preview(raw)}"
        ) from exc
    if not isinstance(arguments, dict):
        raise ModelError(
            f"Model {model} called tool {function.name} with non-object arguments"
        )
    return arguments


def _preview(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
