"""Access rules of a public API: origins, API keys, rate limits, body size, headers.

:class:`Guard` is a plain ASGI middleware in front of every route:

- a browser request (it carries ``Origin``) from a site that is neither the API's own
  nor in ``settings.cors_origins`` is refused with 403 on the ``/v1`` endpoints (CORS
  headers for the allowed ones come from Starlette's ``CORSMiddleware``);
- each client address, and each API key, has a token bucket: past the rate, 429
  with ``Retry-After``;
- a body larger than ``settings.max_body_bytes`` is refused with 413, whether it
  says its length or streams it;
- every answer carries security headers, and pages a Content-Security-Policy that
  allows only the API's own scripts, styles and fonts, framed by
  ``settings.frame_ancestors``.

:func:`require_api_key` guards the write and admin endpoints: no key, 401; a key
that is not one of ``settings.api_keys`` (stored as SHA-256 digests), 403.
Every refusal has the API's error shape: ``error`` and a French ``message``.
"""

from __future__ import annotations

import hmac
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from api.errors import JSONResponse
from recommender.api_keys import hash_key, key_names
from recommender.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KEY_HEADER = "x-api-key"
DEVELOPER_PAGES = ("/docs", "/redoc")  # FastAPI's own pages load their own scripts
# Static files cost nothing to serve and a page loads a dozen of them: not counted.
UNLIMITED = ("/static/",)
IMPORTS = "/v1/admin/imports/"  # feeds of thousands of sessions: their own size cap
MAX_BUCKETS = 100_000  # addresses and keys remembered; the oldest are forgotten first
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors {ancestors}"
)
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class AccessDenied(Exception):
    """A request refused by an access rule (answered 401 or 403 by :func:`install_security`)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Put :class:`Guard` and CORS in front of ``app`` and answer :class:`AccessDenied`."""
    app.state.api_key_names = key_names(settings.api_keys)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type", "x-orientation-partner", "x-orientation-campus", KEY_HEADER],
        max_age=600,
    )
    app.add_middleware(Guard, settings=settings)  # added last: runs first

    @app.exception_handler(AccessDenied)
    async def access_denied(_request: Request, error: AccessDenied) -> JSONResponse:
        headers = {"WWW-Authenticate": "ApiKey"} if error.status == 401 else None
        return JSONResponse(
            status_code=error.status,
            content={"error": "AccessDenied", "message": str(error)},
            headers=headers,
        )


def require_api_key(request: Request) -> str:
    """FastAPI dependency of the write and admin endpoints: the calling key's name."""
    names: dict[str, str] = request.app.state.api_key_names
    given = request.headers.get(KEY_HEADER) or _bearer(request.headers.get("authorization"))
    if not given:
        raise AccessDenied(
            401, f"clé d'API requise pour cette opération (en-tête {KEY_HEADER.title()})"
        )
    digest = hash_key(given)
    for known, name in names.items():
        if hmac.compare_digest(known, digest):
            return name
    raise AccessDenied(403, "clé d'API inconnue ou révoquée")


def _bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip() or None
    return None


class RateLimiter:
    """Token buckets: ``per_minute`` requests a minute for each id, in bursts up to it.

    Kept in memory per worker process (each uvicorn worker counts its own); the
    least recently seen ids are forgotten past :data:`MAX_BUCKETS`.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, identity: str) -> float:
        """0 when ``identity`` may go on (a token is taken), else the seconds to wait."""
        now = self.clock()
        rate = self.per_minute / 60.0
        tokens, last = self._buckets.pop(identity, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - last) * rate)
        if tokens >= 1.0:
            self._buckets[identity] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[identity] = (tokens, now)
            wait = (1.0 - tokens) / rate
        while len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return wait


class BodyTooLarge(Exception):
    pass


class Guard:
    """The ASGI middleware that applies the access rules (module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.origins = {_origin(o) for o in settings.cors_origins}
        self.by_ip = RateLimiter(settings.rate_limit_per_ip)
        self.by_key = RateLimiter(settings.rate_limit_per_key)
        ancestors = " ".join(settings.frame_ancestors) or "'none'"
        self.page_csp = PAGE_CSP.format(ancestors=ancestors).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        path: str = scope["path"]
        origin = headers.get("origin")
        if path.startswith("/v1") and origin and not self._allowed(origin, headers.get("host")):
            await _refuse(
                send, 403, "OriginNotAllowed", f"origine « {origin[:100]} » non autorisée"
            )
            return
        key = headers.get(KEY_HEADER) or _bearer(headers.get("authorization"))
        if path.startswith(UNLIMITED):
            wait = 0.0
        elif key:
            wait = self.by_key.wait("key:" + hash_key(key))
        else:
            client = scope.get("client")
            wait = self.by_ip.wait("ip:" + (client[0] if client else "?"))
        if wait > 0:
            retry = str(math.ceil(wait))
            await _refuse(
                send,
                429,
                "RateLimited",
                f"trop de requêtes : réessayez dans {retry} s",
                extra=((b"retry-after", retry.encode()),),
            )
            return
        limit = (
            self.settings.max_import_bytes
            if path.startswith(IMPORTS)
            else self.settings.max_body_bytes
        )
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _refuse(send, 413, "BodyTooLarge", _too_large(limit))
            return
        started = refused = False
        received = 0

        async def counted() -> Message:
            # A streamed body past the limit: answer 413 now, then stop the route (the
            # framework's own answer to the interruption is dropped by ``secured``).
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not refused:
                    if not started:
                        refused = True
                        await _refuse(send, 413, "BodyTooLarge", _too_large(limit))
                    raise BodyTooLarge
            return message

        async def secured(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = self._headers(
                    list(message.get("headers", [])), csp=not path.startswith(DEVELOPER_PAGES)
                )
            await send(message)

        try:
            await self.app(scope, counted, secured)
        except BodyTooLarge:
            if not refused:
                raise

    def _allowed(self, origin: str, host: str | None) -> bool:
        return _origin(origin) in self.origins or (
            host is not None and urlsplit(origin).netloc.lower() == host.lower()
        )

    def _headers(
        self, headers: list[tuple[bytes, bytes]], *, csp: bool
    ) -> list[tuple[bytes, bytes]]:
        kind = dict(headers).get(b"content-type", b"")
        policy = self.page_csp if kind.startswith(b"text/html") else DATA_CSP.encode()
        present = {name.lower() for name, _ in headers}
        added = [(name, value) for name, value in COMMON_HEADERS if name not in present]
        if csp and b"content-security-policy" not in present:
            added.append((b"content-security-policy", policy))
        return headers + added


def _origin(url: str) -> str:
    parts = urlsplit(url.strip().rstrip("/"))
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _too_large(limit: int) -> str:
    return f"requête trop volumineuse : {limit // 1000} ko au plus"


async def _refuse(
    send: Send,
    status: int,
    error: str,
    message: str,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    body = JSONResponse({"error": error, "message": message}).body
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *COMMON_HEADERS,
        (b"content-security-policy", DATA_CSP.encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
