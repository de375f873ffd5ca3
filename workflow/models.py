"""The append-only, tamper-evident history of every nomination."""

import hashlib
import hmac
import json
from json.encoder import encode_basestring as _encode_str
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a history record."""


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit records are append-only")

    def delete(self):
        raise AppendOnlyError("audit records are append-only")


class AuditRecord(models.Model):
    """One transition, claim, release, reassignment or dossier access.

    An action taken under a delegation names both people: `actor` who acted and
    `on_behalf_of` the person they stood in for.

    Each record carries a hash of its own content and of the record before
    it, so that editing, removing or inserting a record breaks the chain that
    `manage.py verify_audit` recomputes. With AUDIT_CHAIN_KEYS set (production)
    the hash is an HMAC-SHA256 under a key kept outside the database, and
    `key_id` names that key: someone who can write to the database but does not
    hold the key cannot recompute a valid chain. Without a key (the demo) it is
    plain SHA-256. On PostgreSQL a trigger also refuses UPDATE and DELETE.
    """

    nomination = models.ForeignKey(
        "approvals.Nomination",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="history",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("người thực hiện"), max_length=150)
    # Set when the actor acted under a delegation (ủy quyền): the person they acted for.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    on_behalf_of_username = models.CharField(
        _("thực hiện thay cho"), max_length=150, blank=True, default="", db_default=""
    )
    actor_role = models.CharField(_("vai trò"), max_length=40, blank=True)
    action = models.CharField(_("thao tác"), max_length=40)
    from_state = models.CharField(_("từ trạng thái"), max_length=40, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=40, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"))
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Fingerprint of the AUDIT_CHAIN_KEYS key whose HMAC `hash` is; "" for plain SHA-256.
    key_id = models.CharField(max_length=16, blank=True, default="", db_default="")

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["nomination", "id"]),
            models.Index(fields=["actor", "id"]),
            models.Index(fields=["created_at"]),
        ]
        verbose_name = _("bản ghi lịch sử")
        verbose_name_plural = _("lịch sử chuyển trạng thái")

    def __str__(self):
        return f"#{self.pk} {self.action} {self.from_state}→{self.to_state} ({self.actor_username})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit records are append-only")

    def canonical_payload(self) -> bytes:
        return chain_payload(
            nomination_id=self.nomination_id, actor_id=self.actor_id,
            actor_username=self.actor_username, actor_role=self.actor_role,
            action=self.action, from_state=self.from_state, to_state=self.to_state,
            comment=self.comment, data=self.data, created_at=self.created_at.isoformat(),
            request_id=self.request_id, prev_hash=self.prev_hash, key_id=self.key_id,
            on_behalf_of_id=self.on_behalf_of_id,
            on_behalf_of_username=self.on_behalf_of_username,
        )

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC-SHA256 under `key` for a signed record (key_id set), else SHA-256."""
        return chain_hash(self.canonical_payload(), self.key_id, key)


def _json(value: Any) -> str:
    """`value` as json.dumps(sort_keys=True, ensure_ascii=False, default=str) writes it
    inside an object (the C encoder writes a nested value as it writes it alone)."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is dict and not value:  # most records' data
        return "{}"
    return _encode_other(value)


# json.dumps with these arguments builds a new encoder on every call; this is that encoder.
_encode_other = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode


def chain_payload(
    *, nomination_id, actor_id, actor_username, actor_role, action, from_state, to_state,
    comment, data, created_at: str, request_id, prev_hash, key_id, on_behalf_of_id,
    on_behalf_of_username,
) -> bytes:
    """The bytes a record's hash covers (a model instance, or a row read by verify_audit):
    exactly `json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)` of

        {"nomination": nomination_id, "actor": actor_id, "actor_username": ...,
         "actor_role", "action", "from_state", "to_state", "comment", "data", "created_at",
         "request_id", "prev_hash"; "key_id" when set; "on_behalf_of" and
         "on_behalf_of_username" when the latter is set}

    written here key by key in that sorted order, without building the dict and sorting it
    (verify_audit does this for every record: about a third of its time went to the generic
    encoder). tests/workflow/test_chain_payload.py holds it to json.dumps for every kind of
    value."""
    j = _json
    parts = [
        '{"action": ', j(action), ', "actor": ', j(actor_id),
        ', "actor_role": ', j(actor_role), ', "actor_username": ', j(actor_username),
        ', "comment": ', j(comment), ', "created_at": ', j(created_at),
        ', "data": ', j(data),
        ', "from_state": ', j(from_state),
    ]
    if key_id:
        parts += ', "key_id": ', j(key_id)
    parts += ', "nomination": ', j(nomination_id)
    # Hashed only when set, so that the records written before delegations still verify.
    if on_behalf_of_username:
        parts += (', "on_behalf_of": ', j(on_behalf_of_id), ', "on_behalf_of_username": ',
                  j(on_behalf_of_username))
    parts += (', "prev_hash": ', j(prev_hash), ', "request_id": ', j(request_id),
              ', "to_state": ', j(to_state), "}")
    return "".join(parts).encode()


def chain_hash(payload: bytes, key_id: str, key: bytes | None) -> str:
    """HMAC-SHA256 under `key` for a signed record (key_id set), else SHA-256."""
    if key_id:
        if key is None:
            raise ValueError("a signed record needs its key")
        return hmac.digest(key, payload, "sha256").hex()  # hmac.new(...).hexdigest(), one call
    return hashlib.sha256(payload).hexdigest()


class AuditChainHead(models.Model):
    """A single row holding the newest hash; locking it serialises appends to the chain."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_record_id = models.BigIntegerField(null=True)

    def __str__(self):
        return self.last_hash


class SecurityEvent(models.Model):
    """A refused attempt (permission denied or object not visible), kept apart from the chain."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    nomination_id_attempted = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=40)
    detail = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.outcome}: {self.action} #{self.nomination_id_attempted}"
