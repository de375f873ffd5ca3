from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from approvals.views.common import login_required_back_to

from . import selectors
from .services import notifications_mark_read

PAGE_SIZE = 50


def _list_page(request, *args, **kwargs) -> str:
    return reverse("notifications:list")


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required_back_to(_list_page)
@require_POST
def notification_read(request, pk):
    notifications_mark_read(user=request.user, notification_ids=[pk])
    return _back(request)


@login_required_back_to(_list_page)
@require_POST
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return _back(request)


@login_required
@require_GET
def notification_counts(request):
    """The same "counts" event the websocket pushes, for pages that poll or start up."""
    return JsonResponse(selectors.counts_for(request.user))


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications:list"
    return redirect(target)
