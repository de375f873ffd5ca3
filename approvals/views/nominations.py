"""Nomination pages: create, edit, detail with dossier and history, actions, documents."""

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import dossier
from approvals.access import assignee_choices, available_actions, open_task, request_actor
from approvals.forms import DocumentForm, NominationForm
from approvals.models import DocumentKind
from approvals.names import full_name
from approvals.roles import UNIT_ROLES
from approvals.selectors import absent_today, nomination_history
from approvals.services import nomination_create, nomination_update
from approvals.verdicts import nomination_verdict, soft_fails_open
from workflow.errors import FileAltered, InvalidInput, NotFound, WorkflowError
from workflow.policy import LIFECYCLE_ACTIONS, POLICY, TASK_ROLES, Kind, allowed
from workflow.schemas import parse_inputs
from workflow.services import nomination_act

from .common import (
    login_required_back_to,
    mark_deadlines,
    nomination_or_404,
    render_error,
    safe_next,
)
from .once import form_within, once_per_form


def _detail_page(request, pk, **_ignored) -> str:
    return reverse("nomination-detail", args=[pk])


def _this_page(request, *args, **kwargs) -> str:
    return request.path


def _offered_form(nomination, name: str, posted, task) -> dict[str, Any]:
    """One offered action with its declared inputs, ready for the page to render."""
    rule = POLICY[name]
    fields = []
    for spec in rule.inputs:
        choices = spec.offered(nomination) if spec.offered else spec.choices
        if spec.kind is Kind.USER and task is not None:
            choices = tuple(
                (str(u.pk), full_name(u))
                for u in assignee_choices(nomination, TASK_ROLES[task.flow_task.name])
            )
        value = posted.get(spec.name, "") if posted else ""
        if not posted and spec.initial == "today":
            value = timezone.localdate().strftime("%d/%m/%Y")
        fields.append({"spec": spec, "choices": choices, "value": value})
    return {"name": name, "rule": rule, "fields": fields, "posted": posted or {}}


def _detail_context(request, nomination, *, posted_action: str = "", posted=None) -> dict:
    actor = request_actor(request)
    task = open_task(nomination)
    documents = [d for d in nomination.documents.all() if d.removed_at is None]
    have = {d.kind for d in documents}
    checklist = [
        {"kind": k, "label": DocumentKind(k).label, "present": k in have}
        for k in nomination.award.required_documents if k in DocumentKind.values
    ]
    task_id, owner_id = (task.pk, task.owner_id) if task else (None, None)
    offered = [
        a for a in available_actions(actor, nomination, task_id=task_id, owner_id=owner_id)
        if a in LIFECYCLE_ACTIONS
    ]
    # The law's verdict, live: each rule, its outcome, why, and its article.
    verdict = nomination_verdict(nomination)
    if not soft_fails_open(nomination, verdict):
        offered = [a for a in offered if a != "override_soft_fail"]
    can_edit = allowed("edit", actor.roles_at(nomination.unit_id), nomination.state)
    mark_deadlines([nomination])
    return {
        "nomination": nomination,
        "verdict": verdict,
        "task": task,
        "documents": documents,
        "checklist": checklist,
        "missing": [c for c in checklist if not c["present"]],
        "history": nomination_history(nomination),
        "actions": [
            _offered_form(nomination, a, posted if a == posted_action else None, task)
            for a in offered
        ],
        "can_edit": can_edit,
        "holder_away": bool(task and task.owner_id and absent_today([task.owner_id])),
        "remove_rule": POLICY["remove_document"],
        "document_form": DocumentForm() if can_edit else None,
    }


@login_required
def nomination_detail(request, pk):
    nomination = nomination_or_404(request, pk)
    return render(request, "approvals/nomination_detail.html", _detail_context(request, nomination))


@login_required_back_to(_detail_page)
@require_POST
@once_per_form
def nomination_action(request, pk, action):
    if action not in LIFECYCLE_ACTIONS:
        raise Http404
    nomination = nomination_or_404(request, pk)
    target = safe_next(request, reverse("nomination-detail", args=[nomination.pk]))
    try:
        nomination_act(user=request.user, nomination_id=nomination.pk, action=action,
                       inputs=parse_inputs(action, request.POST),
                       within=form_within(request, target))
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        nomination = nomination_or_404(request, pk)  # re-read: protected state cannot refresh
        context = _detail_context(request, nomination, posted_action=action, posted=request.POST)
        return render_error(request, "approvals/nomination_detail.html", context, exc)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": POLICY[action].label})
    return redirect(target)


def _unit_ids(request):
    return sorted(request_actor(request).units_for(*UNIT_ROLES))


@login_required_back_to(_this_page)
@once_per_form
def nomination_create_page(request):
    form = NominationForm(request.POST or None, unit_ids=_unit_ids(request))
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "approvals/nomination_form.html", {"form": form}, status=400)
        try:
            nomination = nomination_create(
                user=request.user, unit_id=form.cleaned_data["unit"].pk, **form.service_fields(),
                within=form_within(request, lambda n: reverse("nomination-detail", args=[n.pk])),
            )
        except WorkflowError as exc:
            form.add_service_errors(exc)
            return render_error(request, "approvals/nomination_form.html", {"form": form}, exc)
        messages.success(request, _("Đã lập dự thảo đề nghị."))
        return redirect("nomination-detail", pk=nomination.pk)
    return render(request, "approvals/nomination_form.html", {"form": form})


@login_required_back_to(_this_page)
@once_per_form
def nomination_edit_page(request, pk):
    nomination = nomination_or_404(request, pk)
    initial = {"campaign": nomination.campaign_id, "award": nomination.award_id,
               "nominee_person": nomination.nominee_person_id,
               "nominee_unit": nomination.nominee_unit_id,
               "nominee_title": nomination.nominee_title,
               "achievements": nomination.achievements}
    form = NominationForm(request.POST or None, initial=initial, editing=True,
                          unit_ids=[nomination.unit_id])
    context = {"form": form, "nomination": nomination}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "approvals/nomination_form.html", context, status=400)
        try:
            nomination_update(user=request.user, nomination_id=nomination.pk,
                              within=form_within(request, reverse("nomination-detail",
                                                                  args=[nomination.pk])),
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
@once_per_form
def document_upload(request, pk):
    nomination = nomination_or_404(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise_invalid(form)
        upload = form.cleaned_data["file"]
        dossier.document_upload(user=request.user, nomination_id=nomination.pk,
                                kind=form.cleaned_data["kind"], name=upload.name,
                                # At most one byte past the limit: the service refuses it.
                                data=upload.read(settings.DOSSIER_MAX_UPLOAD_BYTES + 1),
                                within=form_within(request, reverse("nomination-detail",
                                                                    args=[nomination.pk])))
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
@once_per_form
def document_remove(request, pk, doc_pk):
    nomination = nomination_or_404(request, pk)
    try:
        dossier.document_remove(user=request.user, nomination_id=nomination.pk,
                                document_id=doc_pk, comment=request.POST.get("comment", ""),
                                within=form_within(request, reverse("nomination-detail",
                                                                    args=[nomination.pk])))
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
        download = dossier.document_for_download(user=request.user, nomination_id=pk,
                                                 document_id=doc_pk)
    except NotFound:
        raise Http404 from None
    except FileAltered as exc:
        nomination = nomination_or_404(request, pk)
        return render_error(request, "approvals/nomination_detail.html",
                            _detail_context(request, nomination), exc)
    doc = download.document
    return FileResponse(io.BytesIO(download.content), as_attachment=True,
                        filename=doc.original_name, content_type=doc.content_type)
