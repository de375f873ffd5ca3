"""Nomination pages: create, edit, detail with dossier and history, actions, documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import dossier
from approvals.forms import DocumentForm, NominationForm, action_params
from approvals.models import DocumentKind, RoleGrant
from approvals.roles import UNIT_ROLES
from approvals.selectors import nomination_history
from approvals.services import nomination_create, nomination_update
from workflow.errors import InvalidInput, NotFound, WorkflowError
from workflow.policy import POLICY, TASK_ROLES, allowed
from workflow.services import ACTION_SERVICES, available_actions, open_task

from .common import (
    actor_of,
    login_required_back_to,
    mark_deadlines,
    nomination_or_404,
    render_error,
    safe_next,
)


def _detail_page(request, pk, **_ignored) -> str:
    return reverse("nomination-detail", args=[pk])


def _this_page(request, *args, **kwargs) -> str:
    return request.path


def _detail_context(request, nomination) -> dict:
    actor = actor_of(request)
    task = open_task(nomination)
    documents = [d for d in nomination.documents.all() if d.removed_at is None]
    have = {d.kind for d in documents}
    checklist = [
        {"kind": k, "label": DocumentKind(k).label, "present": k in have}
        for k in nomination.award.required_documents if k in DocumentKind.values
    ]
    task_id, owner_id = (task.pk, task.owner_id) if task else (None, None)
    actions = [
        a for a in available_actions(actor, nomination, task_id=task_id, owner_id=owner_id)
        if a in ACTION_SERVICES
    ]
    can_edit = allowed("edit", actor.roles_at(nomination.unit_id), nomination.state)
    assignees = []
    if "reassign" in actions:
        assignees = list(
            RoleGrant.objects.filter(role__in=TASK_ROLES[task.flow_task.name])
            .select_related("user").order_by("user__username").distinct()
        )
    mark_deadlines([nomination])
    return {
        "nomination": nomination,
        "task": task,
        "documents": documents,
        "checklist": checklist,
        "missing": [c for c in checklist if not c["present"]],
        "history": nomination_history(nomination),
        "actions": [{"name": a, "rule": POLICY[a], "posted": {}} for a in actions],
        "can_edit": can_edit,
        "document_form": DocumentForm() if can_edit else None,
        "assignees": assignees,
    }


@login_required
def nomination_detail(request, pk):
    nomination = nomination_or_404(request, pk)
    return render(request, "approvals/nomination_detail.html", _detail_context(request, nomination))


@login_required_back_to(_detail_page)
@require_POST
def nomination_action(request, pk, action):
    if action not in ACTION_SERVICES:
        raise Http404
    nomination = nomination_or_404(request, pk)
    service = ACTION_SERVICES[action]
    try:
        service(user=request.user, nomination_id=nomination.pk,
                comment=request.POST.get("comment", ""), **action_params(action, request.POST))
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        nomination = nomination_or_404(request, pk)  # re-read: protected state cannot refresh
        context = _detail_context(request, nomination)
        for offered in context["actions"]:
            if offered["name"] == action:
                offered["posted"] = request.POST
        return render_error(request, "approvals/nomination_detail.html", context, exc)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": POLICY[action].label})
    return redirect(safe_next(request, reverse("nomination-detail", args=[nomination.pk])))


def _unit_ids(request):
    return sorted(actor_of(request).units_for(*UNIT_ROLES))


@login_required_back_to(_this_page)
def nomination_create_page(request):
    form = NominationForm(request.POST or None, unit_ids=_unit_ids(request))
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "approvals/nomination_form.html", {"form": form}, status=400)
        try:
            nomination = nomination_create(
                user=request.user, unit_id=form.cleaned_data["unit"].pk, **form.service_fields()
            )
        except WorkflowError as exc:
            form.add_service_errors(exc)
            return render_error(request, "approvals/nomination_form.html", {"form": form}, exc)
        messages.success(request, _("Đã lập dự thảo đề nghị."))
        return redirect("nomination-detail", pk=nomination.pk)
    return render(request, "approvals/nomination_form.html", {"form": form})


@login_required_back_to(_this_page)
def nomination_edit_page(request, pk):
    nomination = nomination_or_404(request, pk)
    initial = {"campaign": nomination.campaign_id, "award": nomination.award_id,
               "nominee_name": nomination.nominee_name,
               "nominee_title": nomination.nominee_title,
               "achievements": nomination.achievements}
    form = NominationForm(request.POST or None, initial=initial, editing=True)
    context = {"form": form, "nomination": nomination}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "approvals/nomination_form.html", context, status=400)
        try:
            nomination_update(user=request.user, nomination_id=nomination.pk,
                              **form.service_fields())
        except NotFound:
            raise Http404 from None
        except WorkflowError as exc:
            form.add_service_errors(exc)
            return render_error(request, "approvals/nomination_form.html", context, exc)
        messages.success(request, _("Đã lưu đề nghị."))
        return redirect("nomination-detail", pk=nomination.pk)
    return render(request, "approvals/nomination_form.html", context)


@login_required_back_to(_detail_page)
@require_POST
def document_upload(request, pk):
    nomination = nomination_or_404(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise_invalid(form)
        upload = form.cleaned_data["file"]
        dossier.document_upload(user=request.user, nomination_id=nomination.pk,
                                kind=form.cleaned_data["kind"], name=upload.name,
                                data=upload.read())
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        context = _detail_context(request, nomination)
        context["document_form"] = form
        return render_error(request, "approvals/nomination_detail.html", context, exc)
    messages.success(request, _("Đã tải lên tài liệu."))
    return redirect("nomination-detail", pk=nomination.pk)


def raise_invalid(form):
    raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})


@login_required_back_to(_detail_page)
@require_POST
def document_remove(request, pk, doc_pk):
    nomination = nomination_or_404(request, pk)
    try:
        dossier.document_remove(user=request.user, nomination_id=nomination.pk,
                                document_id=doc_pk, comment=request.POST.get("comment", ""))
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        context = _detail_context(request, nomination)
        return render_error(request, "approvals/nomination_detail.html", context, exc)
    messages.success(request, _("Đã gỡ tài liệu khỏi hồ sơ."))
    return redirect("nomination-detail", pk=nomination.pk)


@login_required
def document_download(request, pk, doc_pk):
    try:
        doc = dossier.document_for_download(user=request.user, nomination_id=pk,
                                            document_id=doc_pk)
    except NotFound:
        raise Http404 from None
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name,
                        content_type=doc.content_type)
