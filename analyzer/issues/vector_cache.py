"""Text vectors kept in the state file, so a later run embeds only the texts it has not seen.

A vector is stored under a key made of the embedding model's name and a hash
of the analysis text (never the text itself), as float16 (768 bytes for e5's
384 dimensions). The table holds at most ``MAX_VECTORS`` rows; when a run
would pass that, the vectors least recently used are dropped. A vector made
by another model never matches, because the model's name is part of the key.

Example:
    >>> v = np.array([0.5, -0.25, 1.0], dtype=np.float32)
    >>> unpack_vector(pack_vector(v)).tolist(), unpack_vector(None)
    ([0.5, -0.25, 1.0], None)
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping

import numpy as np

MAX_VECTORS = 200_000
_CHUNK = 900  # keys per SELECT (SQLite's default limit on bound variables is 999)


def text_key(model: str, text: str) -> str:
    """The cache key of one analysis text under one embedding model.

    Example:
        >>> text_key("e5", "courier late")[:12]
        '94c4de4a4156'
    """
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()[:32]


def pack_vector(vector: np.ndarray | None) -> bytes | None:
    """A vector as float16 bytes (None stays None)."""
    return None if vector is None else np.asarray(vector, dtype=np.float16).tobytes()


def unpack_vector(blob: bytes | None) -> np.ndarray | None:
    """float16 bytes back to a float32 vector (None stays None)."""
    return None if blob is None else np.frombuffer(blob, dtype=np.float16).astype(np.float32)


def cached_vectors(connection: sqlite3.Connection, keys: Iterable[str]) -> dict[str, np.ndarray]:
    """The vectors the state file holds for ``keys``."""
    keys = list(keys)
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, blob in connection.execute(f"SELECT key, vector FROM text_vectors WHERE key IN ({marks})", chunk):
            found[key] = unpack_vector(blob)
    return found


def remember_vectors(db: sqlite3.Connection, vectors: Mapping[str, np.ndarray], run_id: int, limit: int = MAX_VECTORS) -> None:
    """Store (or mark as used by ``run_id``) every vector of a run, then drop the least recently used beyond ``limit``.

    Runs inside the caller's transaction.
    """
    db.executemany("INSERT INTO text_vectors (key, vector, used_at) VALUES (?, ?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET used_at = excluded.used_at",
                   ((key, pack_vector(vector), run_id) for key, vector in vectors.items()))
    (count,) = db.execute("SELECT COUNT(*) FROM text_vectors").fetchone()
    if count > limit:
        db.execute("DELETE FROM text_vectors WHERE key IN (SELECT key FROM text_vectors ORDER BY used_at, key LIMIT ?)", (count - limit,))
