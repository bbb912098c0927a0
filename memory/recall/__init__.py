"""Recall: finding what the memory holds.

- ``protocol``: what an embedder is;
- ``embedders``: the offline and OpenAI-compatible embedders, and the chooser;
- ``minilm``: the local all-MiniLM-L6-v2 adapter (sentence_transformers);
- ``indexing``: making, queueing and remaking embeddings;
- ``search``: hybrid search (pgvector cosine fused with full text), per subject
  by exact scan, firm-wide through the HNSW index.
"""
