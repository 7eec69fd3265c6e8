"""Duplicate detection: exact text hashes and MinHash-LSH signatures for syndicated copies.

Shingles are hashed with a vectorised polynomial hash over code points and MinHash is
computed with numpy rather than datasketch, which would pull in scipy (~140 MB) and hash
every shingle in Python.
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
_MASK = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20221001)
_A = _rng.integers(1, (1 << 61) - 1, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, (1 << 61) - 1, size=PERMUTATIONS, dtype=np.uint64)
# Odd 64-bit multipliers, one per position in the shingle.
_POS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)  # fmt: skip
_EMPTY = np.zeros(0, dtype=np.uint64)
_STRIP = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Text reduced to what two copies of one story share: NFKC, lower case, no spacing."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def content_hash(text: str, *, normalized: bool = False) -> str:
    norm = text if normalized else normalize(text)
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def shingles(text: str, *, normalized: bool = False) -> np.ndarray:
    """Sorted unique 64-bit hashes of the 5-character shingles of the normalised text."""
    norm = text if normalized else normalize(text)
    if not norm:
        return _EMPTY
    points = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) <= SHINGLE:
        points = np.concatenate([points, np.zeros(SHINGLE - len(points) + 1, dtype=np.uint64)])
    count = len(points) - SHINGLE + 1
    hashed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            hashed ^= (points[k : k + count] + np.uint64(k + 1)) * _POS[k]
            hashed = (hashed << np.uint64(7)) | (hashed >> np.uint64(57))
    return np.unique(hashed)


def minhash(grams: np.ndarray) -> np.ndarray:
    """64 minimum hash values of the shingle set (uint64)."""
    if grams.size == 0:
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    values = grams & _MASK
    # (a*x + b) with 64-bit wrap-around, masked: a universal-enough family for LSH.
    with np.errstate(over="ignore"):
        table = (np.outer(_A, values) + _B[:, None]) & _MASK
    return table.min(axis=1)


def bands(signature: np.ndarray) -> list[int]:
    """One signed 63-bit key per band, suitable for an indexed BIGINT column."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True) >> 1)
    return keys


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller set found in the other: a repost with a new header still scores high."""
    if a.size == 0 or b.size == 0:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / min(a.size, b.size)


def similar(a: np.ndarray, b: np.ndarray, threshold: float) -> bool:
    """Near-duplicate test on shingle sets, guarding against a short text inside a long one."""
    if a.size == 0 or b.size == 0:
        return False
    ratio = min(a.size, b.size) / max(a.size, b.size)
    return ratio >= 0.5 and overlap(a, b) >= threshold
