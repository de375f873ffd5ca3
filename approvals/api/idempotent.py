"""The Idempotency-Key header on the API's changes (approvals.idempotency).

A POST, PATCH or DELETE that carries `Idempotency-Key: <1–255 printable ASCII characters>`
is done at most once per user and key: its first outcome (status and body) is kept for
IDEMPOTENCY_KEY_HOURS and a retry with the same key gets it again, marked
`Idempotent-Replayed: true`. The key may not be reused for another request (422
`idempotency_key_reused`); a retry while the first request still runs gets 409
`in_progress` with Retry-After. Where the service has a `within` hook, the response
is rendered and stored inside the change's transaction.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseBase, QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from approvals.idempotency import (
    Claim,
    Outcome,
    idempotency_claim,
    idempotency_finish,
    request_hash,
    with_header,
)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH", "DELETE"})

T = TypeVar("T")


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def fingerprint(request: Request) -> str:
    """The request a key was first used for: method, path and body (a multipart body by its
    fields and its files' names, sizes and contents: its boundary differs between sends)."""
    if request.content_type.startswith("multipart/"):
        parts: list[str | bytes] = []
        data = request.data  # a QueryDict for a multipart body
        assert isinstance(data, QueryDict)
        for name in sorted(data):
            for value in data.getlist(name):
                if isinstance(value, UploadedFile):
                    digest = hashlib.sha256()
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                    parts += [name, value.name or "", str(value.size), digest.hexdigest()]
                else:
                    parts += [name, str(value)]
        return request_hash(request.method or "", request.path, *parts)
    return request_hash(request.method or "", request.path, request.body)


def outcome_of(response: HttpResponseBase) -> Outcome:
    if isinstance(response, Response):
        body = "" if response.data is None else json.dumps(response.data, cls=JSONEncoder)
    else:
        body = getattr(response, "content", b"").decode()
    return Outcome(response.status_code, body)


def replayed(outcome: Outcome) -> Response:
    response = Response(json.loads(outcome.body) if outcome.body else None,
                        status=outcome.status)
    response[REPLAYED] = "true"
    return response


class IdempotentPost(APIView):
    """A view whose POST, PATCH and DELETE honour Idempotency-Key (use `respond` to run the
    service)."""

    claim: Claim | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.claim = None
        if request.method not in METHODS or HEADER not in request.headers:
            return
        key = with_header(request.headers[HEADER])
        if not key:
            raise exceptions.ValidationError(
                {HEADER: [_("Khóa phải gồm 1 đến 255 ký tự ASCII in được.")]}
            )
        assert isinstance(request.user, User)  # every change here requires a signed-in user
        got = idempotency_claim(user=request.user, key=f"api:{key}",
                                fingerprint=fingerprint(request))
        if isinstance(got, Outcome):
            raise _Replay(self.replay(got))
        self.claim = got

    def replay(self, outcome: Outcome) -> Response:
        """The answer to a retry: the first outcome as it was."""
        return replayed(outcome)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.claim is not None:
            claim, self.claim = self.claim, None
            idempotency_finish(claim=claim, outcome=outcome_of(response))
        return response

    def respond(
        self, work: Callable[[Callable[[T], None] | None], T], render: Callable[[T], Response]
    ) -> Response:
        """Run `work(within)`; with a key, its result is rendered inside its transaction
        and that response, stored with the change, is the answer."""
        if self.claim is None:
            return render(work(None))
        inside: dict[str, Response] = {}

        def outcome(result: T) -> Outcome:
            inside["response"] = render(result)
            return outcome_of(inside["response"])

        result = work(self.claim.within(outcome))
        return inside.get("response") or render(result)
