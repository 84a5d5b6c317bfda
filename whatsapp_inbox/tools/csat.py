"""The ids of a satisfaction survey's buttons and rows: the customer's tap comes back with
the attendance and the score in it (``csat:<attendance id>:<score>``)."""

CHOICE_PREFIX = "csat"


def choice_id(attendance, value):
    """The id of the button or row of ``value`` in ``attendance``'s survey: the customer's
    tap comes back with it."""
    return f"{CHOICE_PREFIX}:{attendance.id}:{value}"


def parse_choice_id(text):
    """``(attendance id, value)`` of a survey choice id, or None for any other id."""
    parts = (text or "").split(":")
    if len(parts) != 3 or parts[0] != CHOICE_PREFIX:
        return None
    try:
        return int(parts[1]), int(parts[2])
    except ValueError:
        return None
