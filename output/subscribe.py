"""Subscription pages for `coopwatch serve`: subscribe, confirm, preferences, unsubscribe."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from coopwatch import subscriptions as subs
from coopwatch.errors import CoopwatchError
from coopwatch.store import Store
from coopwatch.tokens import BadToken, Signer, hit, signing_key
from output.compose import Composer, link
from output.config import SiteOptions
from output.mail import Transport, build_message, check_sender, message_id, sender_domain
from output.render import Renderer, gazetteer_names, shared_environment
from output.web import SECURITY_HEADERS, Environ, Handler, StartResponse

log = logging.getLogger(__name__)
COOKIE = "cw_csrf"
MAX_BODY = 32_768
OPTIONS_TTL = 600.0


@dataclass
class Request:
    environ: Environ
    method: str
    query: dict[str, list[str]]
    form: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, environ: Environ) -> Request:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        form: dict[str, list[str]] = {}
        if method == "POST":
            try:
                length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            except ValueError:
                length = 0
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return cls(environ, method, query, form)

    def arg(self, name: str) -> str:
        values = self.form.get(name) or self.query.get(name) or [""]
        return values[0].strip()

    def all(self, name: str) -> list[str]:
        return [v for v in self.form.get(name, []) if v.strip()]

    @property
    def client(self) -> str:
        return str(self.environ.get("REMOTE_ADDR", "?"))

    @property
    def cookie(self) -> str | None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.environ.get("HTTP_COOKIE", ""))
        except Exception:  # noqa: BLE001 - a malformed Cookie header is no cookie
            return None
        morsel = jar.get(COOKIE)
        return morsel.value if morsel is not None and len(morsel.value) >= 16 else None

    def same_origin(self) -> bool:
        """Browsers send Origin with POSTs; when present it must be this host."""
        origin = self.environ.get("HTTP_ORIGIN")
        if not origin or origin == "null":
            return origin is None
        return urlsplit(origin).netloc == self.environ.get("HTTP_HOST", "")


class SubscriptionApp:
    """The routes, to be added to output.web.SiteApp (see ``routes()``)."""

    def __init__(
        self,
        store: Store,
        settings: Any,
        transport: Callable[[], AbstractContextManager[Transport]],
    ) -> None:
        self.store = store
        self.settings = settings
        self.transport = transport
        self.options = SiteOptions.from_settings(settings)
        self.signer = Signer(
            signing_key(store, settings.site.secret_key),
            confirm_max_age=settings.site.confirm_hours * 3600,
        )
        self.sender = check_sender(settings)
        tz = ZoneInfo(self.options.timezone)
        env, names = shared_environment(), gazetteer_names()
        site = {"title": self.options.title, "languages": list(self.options.variants)}
        self.renderers = {
            code: Renderer(env, code, names=names, site=site, tz=tz)
            for code in self.options.variants
        }
        self.composer = Composer(self.options)
        self._options_cache: tuple[float, dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def routes(self) -> dict[str, Handler]:
        found: dict[str, Handler] = {
            "/subscribe": self.choose_language,
            "/confirm": self.confirm,
            "/unsubscribe": self._bind(self.unsubscribe, None),
        }
        for code in self.renderers:
            found[f"/{code}/subscribe"] = self._bind(self.subscribe, code)
            found[f"/{code}/preferences"] = self._bind(self.preferences, code)
            found[f"/{code}/unsubscribe"] = self._bind(self.unsubscribe, code)
        return found

    def _bind(self, method: Callable[..., Iterable[bytes]], code: str | None) -> Handler:
        return lambda environ, start: method(environ, start, code)

    # -- responses ---------------------------------------------------------------------------

    def _page(
        self,
        start: StartResponse,
        req: Request,
        code: str,
        template: str,
        status: str = "200 OK",
        **ctx: Any,
    ) -> list[bytes]:
        r = self.renderers[code]
        headers: list[tuple[str, str]] = []
        token = req.cookie
        if token is None:
            token = secrets.token_urlsafe(24)
            headers.append(
                ("Set-Cookie", f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=7200")
            )
        ctx.setdefault("error", None)
        body = r.render(template, root="../", csrf=self.signer.csrf_token(token), **ctx)
        return self._send(start, status, body.encode("utf-8"), "text/html", headers)

    def _send(
        self,
        start: StartResponse,
        status: str,
        body: bytes,
        ctype: str = "text/plain",
        extra: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        headers = [
            ("Content-Type", f"{ctype}; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            *(extra or []),
            *[h for h in SECURITY_HEADERS if h[0] != "Referrer-Policy"],
            ("Referrer-Policy", "no-referrer"),  # links carry tokens
        ]
        start(status, headers)
        return [body]

    def _redirect(self, start: StartResponse, location: str) -> list[bytes]:
        return self._send(start, "303 See Other", b"", extra=[("Location", location)])

    def _message(
        self,
        start: StartResponse,
        req: Request,
        code: str,
        title: str,
        paragraphs: list[str],
        status: str = "200 OK",
        **ctx: Any,
    ) -> list[bytes]:
        ctx.setdefault("button", None)
        ctx.setdefault("link", None)
        page = ctx.pop("page", "subscribe")
        return self._page(
            start,
            req,
            code,
            "subscription_message.html.j2",
            status,
            title=title,
            paragraphs=paragraphs,
            page=page,
            **ctx,
        )

    def _csrf_ok(self, req: Request) -> bool:
        cookie = req.cookie
        if cookie is None or not req.same_origin():
            return False
        try:
            self.signer.check_csrf(req.arg("csrf"), cookie)
        except BadToken:
            return False
        return True

    def _choice_options(self) -> dict[str, Any]:
        """Districts and pairings with the most stories, for the checkboxes (cached)."""
        with self._lock:
            cached = self._options_cache
            if cached is not None and time.monotonic() - cached[0] < OPTIONS_TTL:
                return cached[1]
            from collections import Counter

            from output.digest import build_stories
            from output.queries import load_rows

            places: Counter[str] = Counter()
            pairings: Counter[tuple[str, ...]] = Counter()
            for story in build_stories(load_rows(self.store)):
                places.update(story.districts)
                pairings.update(story.pairings)
            found = {
                "places": sorted(places.most_common(40), key=lambda kv: kv[0]),
                "pairings": sorted(pairings.most_common(20), key=lambda kv: kv[0]),
            }
            self._options_cache = (time.monotonic(), found)
            return found

    def _choice(self, req: Request, code: str) -> dict[str, Any]:
        return {
            "email": req.arg("email"),
            "language": req.arg("language") or ("zh" if code.startswith("zh") else "en"),
            "frequency": req.arg("frequency") or "weekly",
            "places": req.all("place"),
            "pairings": [tuple(p.split("-")) for p in req.all("pairing")],
            "extra": req.arg("codes"),
        }

    def _filters(self, choice: dict[str, Any]) -> tuple[list[str], list[tuple[str, ...]]]:
        extra = choice["extra"].replace("—", "-").replace("–", "-").split()
        extra = [c for part in extra for c in part.split(",") if c]
        places = list(choice["places"]) + [c for c in extra if "-" not in c]
        pairings = ["-".join(p) for p in choice["pairings"]] + [c for c in extra if "-" in c]
        return subs.parse_filters(places, pairings)

    # -- handlers ----------------------------------------------------------------------------

    def choose_language(self, environ: Environ, start: StartResponse) -> list[bytes]:
        accept = environ.get("HTTP_ACCEPT_LANGUAGE", "").lower()
        code = "zh" if accept.startswith("zh") and "zh" in self.renderers else "en"
        if code not in self.renderers:
            code = next(iter(self.renderers))
        return self._redirect(start, f"/{code}/subscribe")

    def subscribe(self, environ: Environ, start: StartResponse, code: str) -> list[bytes]:
        req = Request.read(environ)
        r = self.renderers[code]
        ctx = {"title": r.gettext("Subscribe"), "page": "subscribe", "action": "subscribe"}
        choice = self._choice(req, code)
        if req.method not in ("GET", "HEAD", "POST"):
            return self._send(start, "405 Method Not Allowed", b"", extra=[("Allow", "GET, POST")])
        if req.method != "POST":
            return self._page(
                start, req, code, "subscribe.html.j2", choice=choice,
                options=self._choice_options(), **ctx,
            )  # fmt: skip
        if not hit(self.store, "client:" + self.signer.hashed(req.client), self._rate("client")):
            return self._send(
                start,
                "429 Too Many Requests",
                r.gettext("Too many requests: try again in an hour.").encode(),
                extra=[("Retry-After", "3600")],
            )
        error = None
        if not self._csrf_ok(req):
            error = r.gettext("The form has expired: please send it again.")
        else:
            try:
                email, key = subs.normalize_email(choice["email"])
                places, pairings = self._filters(choice)
                subs.check_choice(choice["language"], choice["frequency"])
            except subs.SubscriptionError:
                error = r.gettext(
                    "Please check the form: a valid email address, a language, a frequency "
                    "and six-digit division codes."
                )
        if error is not None:
            return self._page(
                start, req, code, "subscribe.html.j2", "400 Bad Request", choice=choice,
                options=self._choice_options(), error=error, **ctx,
            )  # fmt: skip
        # The same answer whatever happens next: nobody learns whether an address is subscribed.
        if hit(self.store, "address:" + self.signer.hashed(key), self._rate("address")):
            choice_token = self.signer.confirm_token(
                {
                    "e": email,
                    "l": choice["language"],
                    "f": choice["frequency"],
                    "p": places,
                    "q": ["-".join(p) for p in pairings],
                    "u": code,
                }
            )
            self._send_confirmation(email, code, choice_token)
        return self._message(
            start,
            req,
            code,
            r.gettext("Check your inbox"),
            [
                r.gettext(
                    "If the address can receive mail, a confirmation link is on its way. "
                    "Nothing else is sent until you click it."
                )
            ],
        )

    def _rate(self, kind: str) -> int:
        return int(getattr(self.settings.site, f"rate_{kind}"))

    def _send_confirmation(self, email: str, code: str, token: str) -> None:
        url = link(self.options.base_url, "confirm", t=token)
        content = self.composer.confirmation(code, url, self.settings.site.confirm_hours)
        message = build_message(
            sender=self.sender,
            to=email,
            subject=content.subject,
            text=content.text,
            html=content.html,
            message_id=message_id(f"confirm.{secrets.token_hex(8)}", sender_domain(self.sender)),
            language=content.language,
        )
        try:
            with self.transport() as transport:
                transport.send(message)
        except CoopwatchError as exc:
            log.warning("confirmation email not sent: %s", exc)  # the address is not logged

    def confirm(self, environ: Environ, start: StartResponse) -> list[bytes]:
        req = Request.read(environ)
        try:
            data, issued = self.signer.read_confirm(req.arg("t"))
            code = str(data["u"]) if data.get("u") in self.renderers else "en"
            _addr, key = subs.normalize_email(str(data["e"]))
            existing = subs.get(self.store, key=key)
            if existing is not None and existing.confirmed_at is not None:
                changed = existing.confirmed_at.timestamp()
                if existing.status == "confirmed" and changed >= issued:
                    return self._to_preferences(start, code, existing)
                if changed >= issued:
                    raise BadToken("this link is older than your latest change: subscribe again.")
            places, pairings = subs.parse_filters(data.get("p", []), data.get("q", []))
            sub = subs.subscribe(
                self.store,
                str(data["e"]),
                language=str(data["l"]),
                frequency=str(data["f"]),
                places=places,
                pairings=pairings,
                consent="double_opt_in",
            )
        except (BadToken, subs.SubscriptionError, KeyError):
            from output.preferences import invalid_link

            code = "en" if "en" in self.renderers else next(iter(self.renderers))
            return invalid_link(self, req, start, code)
        return self._to_preferences(start, code, sub, welcome=True)

    def _to_preferences(
        self, start: StartResponse, code: str, sub: subs.Subscriber, welcome: bool = False
    ) -> list[bytes]:
        query = {"t": self.signer.manage_token(sub)}
        if welcome:
            query["welcome"] = "1"
        return self._redirect(start, link("/", f"{code}/preferences", **query))

    def _subscriber(self, req: Request) -> subs.Subscriber | None:
        try:
            sid, key = self.signer.read_manage(req.arg("t"))
        except BadToken:
            return None
        sub = subs.get(self.store, sid=sid)
        return sub if sub is not None and secrets.compare_digest(sub.key, key) else None

    def preferences(self, environ: Environ, start: StartResponse, code: str) -> list[bytes]:
        from output.preferences import preferences_page

        return preferences_page(self, Request.read(environ), start, code)

    def unsubscribe(self, environ: Environ, start: StartResponse, code: str | None) -> list[bytes]:
        from output.preferences import unsubscribe_page

        return unsubscribe_page(self, Request.read(environ), start, code)
