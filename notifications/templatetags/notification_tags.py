from django import template

from notifications.selectors import bell_state

register = template.Library()


@register.simple_tag
def notification_state(user) -> dict:
    """{"unread": n, "last_id": id} for the header bell (one query)."""
    return bell_state(user)


@register.filter
def notification_text(notification, language: str = "vi") -> str:
    return notification.text(language or "vi")
