"""A fake OpenAI-compatible HTTP server on 127.0.0.1 for tests.

It speaks enough of ``POST /v1/chat/completions`` and ``POST /v1/embeddings`` for the
real ``openai`` client, so tests exercise the SDK's own request building, retries and
parsing without touching the network. Chat replies are scripted (a queue, or a
handler); embeddings default to deterministic vectors of the requested dimensions.
Every request body is recorded, and failures can be injected.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_EMBEDDING_DIMENSIONS = 1536
DEFAULT_CHAT_REPLY = "This is a reply from the fake model."

ChatHandler = Callable[[dict], "dict | str | ChatReply"]
EmbeddingHandler = Callable[[list[str], int], list[list[float]]]


@dataclass
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def json(self) -> Any:
        """Return the parsed body (an alias that reads well in assertions)."""
        return self.body


@dataclass
class ChatReply:
    """A scripted chat completion.

    ``content`` may be a dict or list (sent as its JSON text) or a string (sent as
    is, so a test can send text that is not JSON).
    """

    content: Any = None
    tool_calls: list[dict] = field(default_factory=list)
    refusal: str | None = None
    finish_reason: str | None = None
    model: str | None = None


@dataclass
class Failure:
    """A scripted failure for the next matching request."""

    status: int = 500
    body: Any = None
    retry_after: float | None = None
    retry_after_ms: int | None = None
    delay: float = 0.0
    path: str | None = None


@dataclass
class _Delay:
    seconds: float
    path: str | None


class FakeOpenAIServer:
    """Serve scripted OpenAI responses from a thread on a free local port."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.chat_handler: ChatHandler | None = None
        self.embedding_handler: EmbeddingHandler | None = None
        # Force every embedding to this length, to test a dimension mismatch.
        self.embedding_dimensions_override: int | None = None
        self._chat_queue: deque[ChatReply] = deque()
        self._failures: deque[Failure] = deque()
        self._delays: deque[_Delay] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        """Start serving in a daemon thread and return self."""
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """Return the port the server listens on."""
        if self._httpd is None:
            raise RuntimeError("The fake OpenAI server is not running")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """Return the base URL to give the ``openai`` client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def settings_overrides(self, **extra: Any) -> dict[str, Any]:
        """Return Django settings that point the model adapter at this server."""
        overrides = {
            "OPENAI_BASE_URL": self.base_url,
            "OPENAI_API_KEY": "test-key",
            "OPENAI_CHAT_MODEL": "fake-chat",
            "OPENAI_EMBEDDING_MODEL": "fake-embedding",
            "OPENAI_TIMEOUT": 5,
            "OPENAI_MAX_RETRIES": 0,
        }
        overrides.update(extra)
        return overrides

    # -- scripting ---------------------------------------------------------------

    def queue_chat(
        self,
        content: Any = None,
        *,
        tool_calls: list[dict] | None = None,
        refusal: str | None = None,
        finish_reason: str | None = None,
        model: str | None = None,
    ) -> None:
        """Queue the reply to the next chat completion.

        ``tool_calls`` items are ``{"name": ..., "arguments": dict | str}`` with an
        optional ``"id"``.
        """
        with self._lock:
            self._chat_queue.append(
                ChatReply(
                    content=content,
                    tool_calls=list(tool_calls or []),
                    refusal=refusal,
                    finish_reason=finish_reason,
                    model=model,
                )
            )

    def fail_next(
        self,
        status: int = 500,
        *,
        times: int = 1,
        body: Any = None,
        retry_after: float | None = None,
        retry_after_ms: int | None = None,
        delay: float = 0.0,
        path: str | None = None,
    ) -> None:
        """Make the next ``times`` requests (to ``path``, if given) fail.

        ``body`` replaces the default OpenAI error body; a string is sent as is, so
        ``fail_next(200, body="not json")`` sends a broken response.
        """
        with self._lock:
            for _ in range(times):
                self._failures.append(
                    Failure(status, body, retry_after, retry_after_ms, delay, path)
                )

    def delay_next(
        self, seconds: float, *, times: int = 1, path: str | None = None
    ) -> None:
        """Make the next ``times`` requests answer only after ``seconds``."""
        with self._lock:
            for _ in range(times):
                self._delays.append(_Delay(seconds, path))

    def reset(self) -> None:
        """Forget recorded requests, queued replies, failures and handlers."""
        with self._lock:
            self.requests.clear()
            self._chat_queue.clear()
            self._failures.clear()
            self._delays.clear()
            self.chat_handler = None
            self.embedding_handler = None
            self.embedding_dimensions_override = None

    # -- inspection --------------------------------------------------------------

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Return the chat completion requests received so far."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        """Return the embeddings requests received so far."""
        return [r for r in self.requests if r.path.endswith("/embeddings")]

    # -- request handling (called from the server's threads) -----------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_failure(self, path: str) -> Failure | None:
        return self._take(self._failures, path)

    def _take_delay(self, path: str) -> float:
        delay = self._take(self._delays, path)
        return delay.seconds if delay else 0.0

    def _take(self, queue: deque, path: str) -> Any:
        with self._lock:
            for item in queue:
                if item.path is None or path.endswith(item.path):
                    queue.remove(item)
                    return item
        return None

    def _chat_response(self, body: dict) -> dict:
        with self._lock:
            reply = self._chat_queue.popleft() if self._chat_queue else None
        if reply is None and self.chat_handler is not None:
            reply = self.chat_handler(body)
        if reply is None:
            reply = ChatReply(content=_default_chat_content(body))
        elif isinstance(reply, dict):
            reply = ChatReply(content=reply)
        elif isinstance(reply, str):
            reply = ChatReply(content=reply)
        content = reply.content
        if content is not None and not isinstance(content, str):
            content = json.dumps(content)
        tool_calls = [
            {
                "id": call.get("id") or f"call_{next(self._ids)}",
                "type": "function",
                "function": {
                    "name": call["name"],
                    "arguments": call["arguments"]
                    if isinstance(call["arguments"], str)
                    else json.dumps(call["arguments"]),
                },
            }
            for call in reply.tool_calls
        ]
        message: dict[str, Any] = {
            "role": "assistant",
            "content": content,
            "refusal": reply.refusal,
        }
        if tool_calls:
            message["tool_calls"] = tool_calls
        finish_reason = reply.finish_reason or ("tool_calls" if tool_calls else "stop")
        return {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or body.get("model") or "fake-chat",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _embeddings_response(self, body: dict) -> dict:
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        inputs = [str(text) for text in inputs or []]
        dimensions = int(body.get("dimensions") or DEFAULT_EMBEDDING_DIMENSIONS)
        handler = self.embedding_handler or deterministic_embeddings
        vectors = handler(inputs, dimensions)
        if self.embedding_dimensions_override is not None:
            size = self.embedding_dimensions_override
            vectors = [(list(v) + [0.0] * size)[:size] for v in vectors]
        as_base64 = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": index,
                "embedding": _pack_base64(vector) if as_base64 else list(vector),
            }
            for index, vector in enumerate(vectors)
        ]
        return {
            "object": "list",
            "data": data,
            "model": body.get("model") or "fake-embedding",
            "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)},
        }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        self._record(None)
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": []})
        else:
            self._send(404, _error_body(404, f"No route for GET {self.path}"))

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._record(raw.decode("utf-8", "replace"))
            self._send(400, _error_body(400, "Request body is not JSON"))
            return
        self._record(body)
        path = self.path.split("?", 1)[0]

        delay = self.fake._take_delay(path)
        failure = self.fake._take_failure(path)
        if failure is not None:
            delay = max(delay, failure.delay)
        if delay:
            time.sleep(delay)
        if failure is not None:
            self._send_failure(failure)
            return

        try:
            if path.endswith("/chat/completions"):
                payload = self.fake._chat_response(body)
            elif path.endswith("/embeddings"):
                payload = self.fake._embeddings_response(body)
            else:
                self._send(404, _error_body(404, f"No route for POST {path}"))
                return
        except Exception as exc:  # noqa: BLE001 - a test's handler raised
            self._send(500, _error_body(500, f"Fake handler raised: {exc!r}"))
            return
        self._send(200, payload)

    def _record(self, body: Any) -> None:
        self.fake._record(
            RecordedRequest(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
        )

    def _send_failure(self, failure: Failure) -> None:
        headers = {}
        if failure.retry_after is not None:
            headers["Retry-After"] = f"{failure.retry_after:g}"
        if failure.retry_after_ms is not None:
            headers["retry-after-ms"] = str(failure.retry_after_ms)
        body = failure.body
        if body is None:
            body = _error_body(failure.status, f"Injected failure {failure.status}")
        self._send(failure.status, body, headers)

    def _send(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test); nothing is listening any more.
            self.close_connection = True


def deterministic_embeddings(texts: list[str], dimensions: int) -> list[list[float]]:
    """Return a unit vector per text that depends only on the text and dimensions.

    Use the offline embedder when the app is importable, so that vectors of related
    texts are close; fall back to hashed noise otherwise.
    """
    try:
        from memory.recall.embedders import OfflineEmbedder
    except ImportError:
        return [_hashed_unit_vector(text, dimensions) for text in texts]
    return OfflineEmbedder(dimensions=dimensions).embed_documents(texts)


def _hashed_unit_vector(text: str, dimensions: int) -> list[float]:
    values: list[float] = []
    counter = 0
    while len(values) < dimensions:
        digest = hashlib.blake2b(f"{counter}:{text}".encode(), digest_size=64).digest()
        values.extend((byte - 127.5) / 127.5 for byte in digest)
        counter += 1
    values = values[:dimensions]
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return [v / norm for v in values]


def _pack_base64(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _error_body(status: int, message: str) -> dict:
    kinds = {
        400: "invalid_request_error",
        401: "authentication_error",
        404: "not_found_error",
        429: "rate_limit_error",
    }
    return {
        "error": {
            "message": message,
            "type": kinds.get(status, "server_error"),
            "param": None,
            "code": None,
        }
    }


def _default_chat_content(body: dict) -> str:
    """Answer an unscripted request: a minimal valid object for a JSON schema."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        return json.dumps(minimal_instance(schema))
    if response_format.get("type") == "json_object":
        return "{}"
    return DEFAULT_CHAT_REPLY


def minimal_instance(schema: dict) -> Any:
    """Return the smallest value that satisfies a (strict-mode style) JSON schema."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for combinator in ("anyOf", "oneOf"):
        if schema.get(combinator):
            return minimal_instance(schema[combinator][0])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        if "null" in kind:
            return None
        kind = kind[0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: minimal_instance(properties.get(name, {}))
            for name in schema.get("required", [])
        }
    return {
        "array": [],
        "string": "",
        "integer": 0,
        "number": 0,
        "boolean": False,
        "null": None,
    }.get(kind)
