"""E-mail addresses typed by a person, checked with Odoo's own tools."""

from odoo.tools.mail import email_normalize, single_email_re


def normalize_typed_email(text):
    """The address typed, normalised, or False unless it is exactly one address.

    ``email_normalize`` alone is lenient: it finds ``@example`` in ``juan@@example`` and
    ``b@x.com`` in ``a b@x.com``; ``single_email_re`` refuses both."""
    text = (text or "").strip()
    if not single_email_re.match(text):
        return False
    return email_normalize(text)
