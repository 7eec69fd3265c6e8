"""Decode fetched HTML bytes by evidence: BOM, strict UTF-8, declared charset, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Legacy Chinese codecs are decoded with their supersets: pages labelled GB2312 routinely
# contain GBK/GB18030 characters, and Big5 pages contain HKSCS characters.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5hkscs": "big5hkscs",
}
# Labels that servers and templates put on pages without meaning it; bytes that do not
# fit them are re-detected instead of trusted.
_WEAK_LABELS = {"iso8859-1", "cp1252", "ascii"}

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Latin-1 supplement letters in runs are the mark of multibyte text read as a 1-byte codec.
_MOJIBAKE_RUN = re.compile(r"[\u0080-\u024f\u02c6\u02dc\u2013-\u2030\u2039\u203a\u20ac\u2122]{2,}")
_DETECT_SAMPLE = 262_144


def normalize_codec(label: str | None) -> str | None:
    """Python codec name for a charset label, widened to its superset; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label.startswith("x-"):
        label = label[2:]
    if label.startswith(("gb2312", "gb_2312", "csgb2312")):
        label = "gb2312"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name.replace("_", "").replace("-", ""), _SUPERSETS.get(name, name))


def declared_charsets(body: bytes, content_type: str | None = None) -> list[str]:
    """Codecs the HTTP header and then the page's own <meta> tags declare, in that order."""
    found: list[str] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            found.append(match.group(1))
    for meta in _META_CHARSET.finditer(body[:8192]):
        found.append(meta.group(1).decode("ascii", "replace"))
    codecs_: list[str] = []
    for label in found:
        codec = normalize_codec(label)
        if codec and codec not in codecs_:
            codecs_.append(codec)
    return codecs_


def looks_like_mojibake(text: str) -> bool:
    """True when a share of the non-ASCII text is runs of Latin-1 symbols (misread multibyte)."""
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if non_ascii < 8:
        return False
    in_runs = sum(len(m) for m in _MOJIBAKE_RUN.findall(text))
    return in_runs > 0.3 * non_ascii


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> str | None:
    sample = body[:_DETECT_SAMPLE]
    best = from_bytes(sample).best()
    if best is None:
        return None
    return normalize_codec(best.encoding)


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (text, codec actually used). Never raises on bad bytes."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace").lstrip("\ufeff"), codec
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    declared = [c for c in declared_charsets(body, content_type) if c != "utf-8"]
    for codec in declared:
        text = _strict(body, codec)
        if text is None:
            continue
        if codec in _WEAK_LABELS and looks_like_mojibake(text):
            continue
        return text, codec
    detected = _detect(body)
    if detected and detected != "utf-8":
        text = _strict(body, detected)
        if text is not None and not looks_like_mojibake(text):
            return text, detected
    # Chinese pages are the common case here: try the superset codecs before giving up,
    # tolerating a few broken bytes (truncated downloads end mid-character).
    for codec in ("gb18030", "big5hkscs"):
        text = body.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(2, len(body) // 2000):
            return text, codec
    codec = detected or (declared[0] if declared else "utf-8")
    return body.decode(codec, errors="replace"), codec
