"""The preferences page and one-click unsubscribe (RFC 8058), reached by signed links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopwatch import subscriptions as subs
from coopwatch.tokens import BadToken
from output.compose import link
from output.web import StartResponse

if TYPE_CHECKING:
    from output.subscribe import Request, SubscriptionApp


def invalid_link(
    app: SubscriptionApp, req: Request, start: StartResponse, code: str
) -> list[bytes]:
    """The page for a confirmation or preferences link that is expired or damaged."""
    r = app.renderers[code]
    return app._message(
        start,
        req,
        code,
        r.gettext("This link is not valid"),
        [r.gettext("The link has expired or is damaged. Please subscribe again.")],
        "400 Bad Request",
        link={"href": "subscribe", "label": r.gettext("Subscribe")},
    )


def preferences_page(
    app: SubscriptionApp, req: Request, start: StartResponse, code: str
) -> list[bytes]:
    r = app.renderers[code]
    sub = app._subscriber(req)
    if sub is None:
        return invalid_link(app, req, start, code)
    token = req.arg("t")
    ctx: dict[str, Any] = {
        "title": r.gettext("Your subscription"),
        "page": link("", "preferences", t=token),
        "action": link("", "preferences", t=token),
        "unsubscribe_action": link("", "unsubscribe", t=token),
        "options": app._choice_options(),
        "paused": sub.status == "paused",
        "notice": None,
    }
    if req.method == "POST":
        choice = app._choice(req, code)
        choice["email"] = sub.email
        error = None
        if not app._csrf_ok(req):
            error = r.gettext("The form has expired: please send it again.")
        else:
            try:
                places, pairings = app._filters(choice)
                subs.update_preferences(
                    app.store,
                    sub.id,
                    language=choice["language"],
                    frequency=choice["frequency"],
                    places=places,
                    pairings=pairings,
                )
            except subs.SubscriptionError:
                error = r.gettext(
                    "Please check the form: a valid email address, a language, a frequency "
                    "and six-digit division codes."
                )
        if error is not None:
            return app._page(
                start, req, code, "preferences.html.j2", "400 Bad Request",
                choice=choice, error=error, **ctx,
            )  # fmt: skip
        if sub.status != "confirmed":
            # The link came by email to this address: that is consent to resume.
            subs.set_status(app.store, sub.id, "confirmed")
            from coopwatch.sendlog import reset_failures

            reset_failures(app.store, sub.id)
        return app._redirect(start, link("", "preferences", t=token, saved="1"))
    if req.arg("welcome"):
        ctx["notice"] = r.gettext("Your subscription is confirmed.")
    elif req.arg("saved"):
        ctx["notice"] = r.gettext("Your preferences are saved.")
    elif sub.status == "unsubscribed":
        ctx["notice"] = r.gettext(
            "You are unsubscribed. Saving your preferences subscribes you again."
        )
    choice = {
        "email": sub.email,
        "language": sub.language,
        "frequency": sub.frequency,
        "places": sub.places,
        "pairings": sub.pairings,
        "extra": "",
    }
    listed = {c for c, _n in ctx["options"]["places"]}
    listed_pairs = {k for k, _n in ctx["options"]["pairings"]}
    extra = [c for c in sub.places if c not in listed]
    extra += ["-".join(p) for p in sub.pairings if p not in listed_pairs]
    choice["extra"] = " ".join(extra)
    return app._page(start, req, code, "preferences.html.j2", choice=choice, **ctx)


def unsubscribe_page(
    app: SubscriptionApp, req: Request, start: StartResponse, code: str | None
) -> list[bytes]:
    """GET shows a button (link checkers fetch links); POST unsubscribes, no cookie or CSRF
    token needed: the signed link is the authority (RFC 8058 one-click)."""
    token = req.arg("t")
    try:
        app.signer.read_manage(token)
    except BadToken:
        if code is None and req.method == "POST":
            return app._send(start, "400 Bad Request", b"This unsubscribe link is not valid.\n")
        return invalid_link(app, req, start, code or "en")
    sub = app._subscriber(req)
    page_code = code or ("zh" if sub is not None and sub.language == "zh" else "en")
    if page_code not in app.renderers:
        page_code = next(iter(app.renderers))
    r = app.renderers[page_code]
    if req.method not in ("GET", "HEAD", "POST"):
        return app._send(start, "405 Method Not Allowed", b"", extra=[("Allow", "GET, POST")])
    if req.method == "POST":
        if sub is not None and sub.status != "unsubscribed":
            subs.set_status(app.store, sub.id, "unsubscribed")
        if "csrf" not in req.form:  # a mail client's one-click POST, not our page
            return app._send(start, "200 OK", b"Unsubscribed.\n")
        return app._message(
            start,
            req,
            page_code,
            r.gettext("You are unsubscribed"),
            [r.gettext("No more digests will be sent to this address.")],
            page=link("", "preferences", t=token),
            link={
                "href": link(app.options.base_url, f"{page_code}/preferences", t=token),
                "label": r.gettext("Changed your mind? Subscribe again"),
            },
        )
    prefix = "" if code is not None else f"{page_code}/"
    return app._message(
        start,
        req,
        page_code,
        r.gettext("Unsubscribe"),
        [r.gettext("Stop sending the digests to this address?")],
        page=link("", "unsubscribe", t=token),
        button={
            "action": link("", f"{prefix}unsubscribe", t=token),
            "label": r.gettext("Unsubscribe"),
        },
    )
