"""Which law judges a campaign, and (with the register) a nominee's verdict."""

from .models import Campaign, RuleSet


def rule_set_for(campaign: Campaign) -> RuleSet | None:
    """The rule set in force on the campaign's submission deadline (one query)."""
    return (
        RuleSet.objects.in_force_on(campaign.submission_deadline)
        .order_by("-effective_from")
        .first()
    )
