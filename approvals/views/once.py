"""Web forms done once: a one-time token in each POST form ({% form_token %}).

A form posted again with the same token (a reload after a 503, a double click, the
back button and "resend") is not done a second time: the person is sent where the
first post led, told that it was already done. The first post's redirect is stored
with its change, in the same transaction (`form_within`), so a change that committed
while its answer was lost is found too (approvals.idempotency). A refused post (the
page re-rendered with its errors) or a failed one keeps no outcome: nothing was done.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from approvals.idempotency import (
    FORM_TOKEN_FIELD,
    Claim,
    InProgress,
    KeyReused,
    Outcome,
    idempotency_claim,
    idempotency_finish,
    idempotency_release,
    request_hash,
    with_header,
)

T = TypeVar("T")


def _redirect_outcome(location: str) -> Outcome:
    return Outcome(302, json.dumps({"location": location}))


def once_per_form(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = with_header(request.POST.get(FORM_TOKEN_FIELD)) if (
            request.method == "POST" and request.user.is_authenticated) else ""
        if not token:  # a form without one (a script, a page from before): as before
            return view(request, *args, **kwargs)
        try:
            got = idempotency_claim(user=request.user, key=f"form:{token}",
                                    fingerprint=request_hash("POST", request.path))
        except (InProgress, KeyReused) as exc:
            messages.warning(request, exc.message)
            back = request.META.get("HTTP_REFERER", "")
            safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
            return redirect(back if safe else "home")
        if isinstance(got, Outcome):
            messages.info(request, _("Thao tác này đã được thực hiện (biểu mẫu được gửi lại)."))
            return redirect(json.loads(got.body)["location"])
        request.form_claim = got
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            idempotency_release(claim=got)
            raise
        if isinstance(response, HttpResponseRedirectBase):
            idempotency_finish(claim=got, outcome=_redirect_outcome(response["Location"]))
        else:
            idempotency_release(claim=got)
        return response

    return wrapped


def form_within(request, location: Callable[[T], str] | str) -> Callable[[T], None] | None:
    """A service's `within` hook that stores where the post leads, with its change."""
    claim: Claim | None = getattr(request, "form_claim", None)
    if claim is None:
        return None

    def outcome(result: Any) -> Outcome:
        return _redirect_outcome(location if isinstance(location, str) else location(result))

    return claim.within(outcome)
