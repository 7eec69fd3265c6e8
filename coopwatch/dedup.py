"""Duplicate detection: exact text hashes and MinHash-LSH signatures for syndicated copies.

MinHash is computed with numpy rather than datasketch, which would pull in scipy (~140 MB)
for the same forty lines of arithmetic.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

SHINGLE = 5  # characters, whitespace and punctuation removed: works for Chinese and English
PERMUTATIONS = 64
BANDS = 16  # 16 bands x 4 rows: pairs with Jaccard >= 0.6 become candidates ~90% of the time
ROWS = PERMUTATIONS // BANDS
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20221001)
_A = _rng.integers(1, (1 << 61) - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, size=PERMUTATIONS, dtype=np.uint64)
_STRIP = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Text reduced to what two copies of one story share: NFKC, lower case, no spacing."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def content_hash(text: str) -> str:
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[str]:
    norm = normalize(text)
    if len(norm) <= SHINGLE:
        return {norm} if norm else set()
    return {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}


def _hashes(items: set[str]) -> np.ndarray:
    values = [
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
        for s in items
    ]
    return np.array(values, dtype=np.uint64) & _PRIME


def minhash(items: set[str]) -> np.ndarray:
    """64 minimum hash values of the shingle set (uint64)."""
    if not items:
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    hashed = _hashes(items)
    # (a*x + b) mod p computed in uint64 with wrap-around: a universal-enough family for LSH.
    with np.errstate(over="ignore"):
        table = (np.outer(_A, hashed) + _B[:, None]) % _PRIME
    return table.min(axis=1)


def bands(signature: np.ndarray) -> list[int]:
    """One signed 63-bit key per band, suitable for an indexed BIGINT column."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True) >> 1)
    return keys


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the other: a repost with a new header still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similar(a: set[str], b: set[str], threshold: float) -> bool:
    """Near-duplicate test on shingle sets, guarding against a short text inside a long one."""
    if not a or not b:
        return False
    ratio = min(len(a), len(b)) / max(len(a), len(b))
    return ratio >= 0.5 and overlap(a, b) >= threshold
