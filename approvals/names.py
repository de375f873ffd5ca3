"""People's names as Vietnamese write them: family name first ("Nguyễn Thị Thanh Hương").

Django's `get_full_name()` puts first_name before last_name, the Western order.
Here first_name holds the given name (tên, "Hương") and last_name the family and
middle names (họ và tên đệm, "Nguyễn Thị Thanh"), so the full name is last_name
then first_name, in every language of the interface.
"""

from django.utils.translation import gettext as _


def full_name(user) -> str:
    """The user's name, family name first; their username when no name is recorded."""
    if user is None:
        return ""
    parts = (getattr(user, "last_name", "") or "", getattr(user, "first_name", "") or "")
    name = " ".join(part.strip() for part in parts if part.strip())
    return name or getattr(user, "username", "") or ""


def acted_by(record) -> str:
    """Who took a history record's action: "Nguyễn Văn A", or, under a delegation (ủy
    quyền), "Nguyễn Văn A thay Trần Thị B". Usernames stand in for accounts that are gone."""
    actor = full_name(record.actor) if record.actor else record.actor_username
    if not record.on_behalf_of_username:
        return actor
    principal = (
        full_name(record.on_behalf_of) if record.on_behalf_of else record.on_behalf_of_username
    )
    return _("%(actor)s thay %(principal)s") % {"actor": actor, "principal": principal}
