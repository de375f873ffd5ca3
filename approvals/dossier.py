"""Dossier documents: upload, remove and download, checked by content and audited."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.audit import audit_append, security_log
from workflow.errors import FileAltered, InvalidInput, NotFound
from workflow.services import Step, perform_transition

from .access import (
    delegation_in_force,
    get_document_for_actor,
    get_nomination_for_actor,
    load_actor,
)
from .models import DocumentKind, DossierDocument, Nomination
from .tallies import open_cell, tally_follow

# Accepted content, recognised from the file's bytes, never from its name.
ALLOWED = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg",
    "image/png": "png",
}


def _sniff(data: bytes) -> str | None:
    kind = filetype.guess(data)
    return kind.mime if kind and kind.mime in ALLOWED else None


def document_upload(
    *, user: User, nomination_id: int, kind: str, name: str, data: bytes,
    within: Callable[[DossierDocument], None] | None = None,
) -> DossierDocument:
    """Add a file to the dossier while the unit may still edit it (`within(document)` runs
    inside the transaction)."""
    limit = settings.DOSSIER_MAX_UPLOAD_BYTES
    if kind not in DocumentKind.values:
        raise InvalidInput(fields={"kind": [_("Chọn loại tài liệu.")]})
    if not data:
        raise InvalidInput(fields={"file": [_("Tệp rỗng.")]})
    if len(data) > limit:
        raise InvalidInput(
            fields={"file": [_("Tệp lớn hơn giới hạn %(mb)d MB.") % {"mb": limit // (1024 * 1024)}]}
        )
    mime = _sniff(data)
    if mime is None:
        raise InvalidInput(
            fields={"file": [_("Chỉ nhận tệp PDF, DOCX, XLSX hoặc ảnh (JPG, PNG); "
                               "nội dung tệp này không thuộc các loại đó.")]}
        )
    safe_name = (name or "tai-lieu").replace("/", "_").replace("\\", "_")[:255]
    stored = default_storage.save(
        f"dossiers/{timezone.now():%Y}/{uuid.uuid4().hex}.{ALLOWED[mime]}", ContentFile(data)
    )
    digest = hashlib.sha256(data).hexdigest()
    created = {}

    def apply(step: Step) -> dict:
        created["doc"] = DossierDocument.objects.create(
            nomination=step.nomination, kind=kind, file=stored, original_name=safe_name,
            content_type=mime, size=len(data), sha256=digest, uploaded_by=user,
        )
        return {"document": created["doc"].pk, "name": safe_name, "kind": kind,
                "sha256": digest, "size": len(data)}

    try:
        perform_transition(user=user, nomination_id=nomination_id, action="upload_document",
                           inputs={}, apply=apply,
                           within=(lambda _n: within(created["doc"])) if within else None)
    except Exception:
        default_storage.delete(stored)
        raise
    return created["doc"]


def document_remove(
    *, user: User, nomination_id: int, document_id: int, comment: str = "",
    within: Callable[[Nomination], None] | None = None,
) -> Nomination:
    """Take a file out of the dossier (it stays on record, marked removed); `within(nomination)`
    runs inside the transaction."""

    def apply(step: Step) -> dict:
        doc = get_document_for_actor(step.actor, step.nomination, document_id)
        doc.removed_at = timezone.now()
        doc.save(update_fields=["removed_at"])
        return {"document": doc.pk, "name": doc.original_name}

    return perform_transition(user=user, nomination_id=nomination_id, action="remove_document",
                              inputs={"comment": comment}, apply=apply, within=within)


@dataclass(frozen=True)
class Download:
    document: DossierDocument
    content: bytes  # the stored bytes, checked against the upload's sha256


def stored_bytes(doc: DossierDocument) -> bytes | None:
    """The file's bytes if they still match the checksum taken at upload, else None."""
    try:
        with doc.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == doc.sha256 else None


def document_for_download(
    *, user: User, nomination_id: int, document_id: int
) -> Download:
    """The document's verified bytes if the user may see the nomination; the download is
    audited. A file changed or gone on disk is refused (FileAltered) and the attempt logged."""
    actor = load_actor(user)
    try:
        nomination = get_nomination_for_actor(actor, nomination_id)
        doc = get_document_for_actor(actor, nomination, document_id)
        content = stored_bytes(doc)  # read outside any transaction (file I/O)
        if content is None:
            raise FileAltered()
        with transaction.atomic(durable=True):
            # actor_role holds one role (40 chars); a holder of many keeps them all in data.
            roles = sorted(actor.roles_at(nomination.unit_id))
            own = sorted(actor.granted_at(nomination.unit_id))
            # Seen only through a delegation: the download is recorded as for its lender.
            lent = None if own else actor.delegation(roles[0], nomination.unit_id)
            record = audit_append(
                nomination=nomination, actor=user, action="document_download",
                role=(own or roles)[0], from_state=nomination.state, to_state=nomination.state,
                data={"document": doc.pk, "name": doc.original_name, "roles": roles},
                on_behalf_of=delegation_in_force(lent).delegator if lent else None,
            )
            # A download is an action on it too: the nomination is in the person's "done".
            tally_follow(nomination=nomination, before=open_cell(nomination), record=record)
    except (NotFound, FileAltered) as exc:
        detail = str(exc.message)
        if isinstance(exc, FileAltered):
            detail = f"document #{document_id} ({doc.file.name}): {detail}"
        security_log(actor=user, action="document_download", nomination_id=nomination_id,
                     outcome=exc.code, detail=detail)
        raise
    return Download(doc, content)


def verify_files() -> tuple[int, list[str]]:
    """Check every stored dossier file (removed ones too) against its upload's checksum:
    (files checked, one line per file that changed or is gone)."""
    problems, checked = [], 0
    for doc in DossierDocument.objects.order_by("id").iterator(chunk_size=500):
        checked += 1
        if stored_bytes(doc) is None:
            problems.append(
                f"#{doc.pk} {doc.file.name} (đề nghị #{doc.nomination_id}): "
                "đã thay đổi hoặc không còn / changed or missing"
            )
    return checked, problems
