"""Canonical URLs: tracking parameters stripped, query sorted, fragment dropped (w3lib)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that identify a campaign or a visitor, never the page.
TRACKING = re.compile(
    r"^(utm_\w+|spm|from|fromid|share_?\w*|src|source|ref|referer|refer|scene|"
    r"fbclid|gclid|dclid|msclkid|yclid|mc_cid|mc_eid|igshid|_hsenc|_hsmi|"
    r"wt\.mc_id|cmpid|ncid|sr_share|timestamp|isappinstalled|tt_from|chinaso_from)$",
    re.IGNORECASE,
)


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def canonical_url(url: str) -> str:
    """The form under which an article is stored: same page, same string."""
    keep = [
        name
        for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if not TRACKING.match(name)
    ]
    cleaned = url_query_cleaner(url, keep, keep_fragments=False) if keep else url.split("?")[0]
    cleaned = cleaned.split("#")[0]
    canon = canonicalize_url(cleaned, keep_fragments=False)
    parts = urlsplit(canon)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{host}{port}{path}{query}"
