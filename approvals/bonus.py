"""Tiền thưởng: a bonus is the award's multiple of the base salary in force on the decision
date, rounded up to the next 10,000 VND (152/2025 Art. 49–50). The multiples are the
catalogue's data (approvals/catalogue.py BONUS_MULTIPLES), the base salaries a table with
effective dates (BaseSalary): both edited by an administrator, never constants of a rule."""

import datetime
from decimal import ROUND_CEILING, Decimal

ROUND_TO = 10_000

# Mức lương cơ sở from 1 Jul 2024 (Decree 73/2024/NĐ-CP); a raise is a new row.
BASE_SALARIES = [
    (datetime.date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP"),
]


def bonus_amount(multiple: Decimal, base_salary: int) -> int:
    """multiple × base salary, rounded UP to the next 10,000 VND (an exact one stays)."""
    tens = (Decimal(multiple) * base_salary / ROUND_TO).to_integral_value(rounding=ROUND_CEILING)
    return int(tens) * ROUND_TO


def vnd(amount: int) -> str:
    """1234567 -> "1.234.567" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def load_base_salaries(model: type) -> None:
    """Create the known base salaries if missing (the data migration and test set-up)."""
    for day, amount, basis in BASE_SALARIES:
        model.objects.get_or_create(  # type: ignore[attr-defined]
            effective_from=day, defaults={"amount": amount, "basis": basis}
        )
