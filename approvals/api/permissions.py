"""Who may read the global history: decided once, in approvals.access."""

from approvals.access import HISTORY_ROLES, may_read_global_history

__all__ = ["HISTORY_ROLES", "may_read_global_history"]
