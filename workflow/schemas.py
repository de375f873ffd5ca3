"""Input schemas of the actions, derived from the policy table (workflow/policy.py)."""

import datetime


def inputs_to_json(action: str, inputs: dict) -> dict:
    """Parsed inputs -> JSON-safe values (a bulk job stores them in its row)."""
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in inputs.items()}


def inputs_from_json(action: str, data: dict) -> dict:
    """Stored values -> the typed inputs the service takes."""
    out = dict(data)
    if isinstance(out.get("decision_date"), str):
        out["decision_date"] = datetime.date.fromisoformat(out["decision_date"])
    return out
