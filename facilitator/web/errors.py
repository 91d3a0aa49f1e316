"""The web edge's errors: what a request is answered with when it is not carried out.

    EdgeError                  an English msgid (+ ``{name}`` params), translated at the edge
    ├── NotAllowed       403   who is asking may not: no or a wrong token, the wrong role
    ├── NotFound         404   no such workshop, page, export or reflection link
    ├── Conflict         409   the workshop's state refuses the command now
    ├── Gone             410   a link that has closed for good
    ├── TooLarge         413   a body over its limit
    ├── Malformed        422   a body that is no command we understand (too deeply nested
    │                          included), or content that will not do
    └── TooManyRequests  429   too many requests; wait and try again

A route raises one and the app answers it (JSON or the error page, see ``app.py``), or a
route that answers in its own shape (a command's answer, a home reflection) catches it and
reads ``status``, ``code`` and ``render()``. A core refusal is data, not one of these:
``refused()`` gives the error the edge answers it with, chosen by the refusal's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, assert_never

from facilitator.core.errors import Refusal, RefusalKind
from facilitator.i18n import N_


class EdgeError(Exception):
    status: ClassVar[int] = 400
    default: ClassVar[str] = N_("The request was malformed.")
    code: str | None = None
    headers: dict[str, str] = {}  # noqa: RUF012 (read only; TooManyRequests sets its own)

    def __init__(
        self,
        msgid: str | None = None,
        params: dict[str, Any] | None = None,
        *,
        code: str | None = None,
    ) -> None:
        self.msgid = msgid or self.default
        self.params = params or {}
        if code is not None:
            self.code = code
        super().__init__(self.msgid)

    def render(self, translate: Callable[[str], str]) -> str:
        """The message in the caller's language (``translate`` is a gettext-like callable)."""
        return translate(self.msgid).format(**self.params)


class NotAllowed(EdgeError):
    status = 403
    default = N_("You are not allowed to do that.")


class NotFound(EdgeError):
    status = 404
    default = N_("Page not found.")


class Conflict(EdgeError):
    status = 409


class Gone(EdgeError):
    status = 410


class TooLarge(EdgeError):
    status = 413
    default = N_("The message is too large.")
    code = "invalid"


class Malformed(EdgeError):
    status = 422
    code = "invalid"


class TooManyRequests(EdgeError):
    status = 429
    default = N_("Too many requests; wait a moment and try again.")
    code = "rate_limited"

    def __init__(self, msgid: str | None = None, *, retry_after: int = 1) -> None:
        super().__init__(msgid)
        self.headers = {"retry-after": str(retry_after)}


def for_kind(kind: RefusalKind) -> type[EdgeError]:
    """The error class of a refusal's kind: who asks (403), the state (409), the content (422)."""
    match kind:
        case RefusalKind.NOT_ALLOWED:
            return NotAllowed
        case RefusalKind.CONFLICT:
            return Conflict
        case RefusalKind.INVALID:
            return Malformed
    assert_never(kind)


def refused(refusal: Refusal) -> EdgeError:
    """The error a core refusal is answered with: its kind's class, its message and code."""
    return for_kind(refusal.kind)(refusal.message, refusal.params, code=refusal.code)
