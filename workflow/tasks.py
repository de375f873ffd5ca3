"""Celery tasks of the workflow app: thin, each calls the audit kernel."""

from celery import shared_task

from .checkpoints import checkpoint_write


@shared_task(name="workflow.audit_checkpoint")
def audit_checkpoint() -> int | None:
    """Beat's checkpoint of the history (workflow/checkpoints.py); it raises, and so is
    logged as failed, rather than vouch for a chain that does not verify."""
    checkpoint = checkpoint_write()
    return checkpoint.records if checkpoint else None
