"""The public pages of exemplars (điển hình tiên tiến): no sign-in, published exemplars only,
and of them only what approvals.exemplar_selectors.PUBLIC_FIELDS holds. The pages stand alone
(templates/approvals/public/): no navigation of the staff site, no link to a nomination."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from approvals.exemplar_selectors import public_choices, public_exemplar, public_exemplars
from approvals.filters import ExemplarFilters, parse_filters
from workflow.errors import InvalidInput


@require_safe
def exemplar_public_list(request):
    try:
        filters, errors = parse_filters(ExemplarFilters, request.GET), {}
    except InvalidInput as exc:
        filters, errors = {}, exc.fields
    rows = public_exemplars(q=filters.get("q", ""), year=filters.get("year"),
                            unit=filters.get("unit", ""))
    return render(request, "approvals/public/exemplar_list.html", {
        "exemplars": rows, "choices": public_choices(), "filters": filters, "errors": errors,
    })


@require_safe
def exemplar_public_detail(request, pk):
    exemplar = public_exemplar(pk)
    if exemplar is None:
        raise Http404
    return render(request, "approvals/public/exemplar_detail.html", {"exemplar": exemplar})
