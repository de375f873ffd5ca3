"""Who hears about a transition. Filled in by the notifications issue; called inside the
transition's transaction so that a rolled-back transition notifies no one."""


def notify_transition(*, nomination, record) -> None:
    return None
