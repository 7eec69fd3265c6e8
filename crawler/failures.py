"""Why a request failed, as a short stable name; which failures are the page's own."""

from __future__ import annotations

import re

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from crawler.middlewares import RedirectLoopError

# Failures that say nothing about the page itself: the next run must look again, so the
# feed or listing that led here keeps no validators (a 304 would hide the page for good).
PERMANENT = frozenset(
    {
        "robots_forbidden",
        "offsite",
        "extraction_failed",
        "too_large",
        "redirect_loop",
        "http_400",
        "http_401",
        "http_403",
        "http_404",
        "http_410",
        "http_451",
        "not_html",
    }
)


def error_kind(failure: Failure) -> str:
    """A short, stable name for why a request failed: http_404, timeout, too_large, ..."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, RedirectLoopError):
        return "redirect_loop"
    if isinstance(exc, IgnoreRequest):
        message = str(exc).lower()
        if "robots.txt" in message:
            return "robots_forbidden"
        if "max redirections" in message:
            return "redirect_loop"
        if "offsite" in message:
            return "offsite"
        return "ignored"
    if isinstance(exc, DownloadTimeoutError | net.TimeoutError | net.TCPTimedOutError):
        return "timeout"
    if isinstance(exc, DownloadConnectionRefusedError | net.ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, CannotResolveHostError | net.DNSLookupError):
        return "dns"
    if isinstance(exc, DownloadCancelledError | defer.CancelledError):
        return "too_large"  # the only cancellation we cause: DOWNLOAD_MAXSIZE
    if isinstance(exc, ResponseDataLossError | ResponseFailed | net.ConnectionLost):
        return "connection_lost"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
