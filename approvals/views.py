from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from workflow.errors import NotFound

from .access import get_nomination_for_actor, load_actor


@login_required
def home(request):
    return render(request, "approvals/home.html", {"actor": load_actor(request.user)})


@login_required
def nomination_detail(request, pk):
    try:
        nomination = get_nomination_for_actor(load_actor(request.user), pk)
    except NotFound:
        raise Http404 from None
    return render(request, "approvals/nomination_detail.html", {"nomination": nomination})
