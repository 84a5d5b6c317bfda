"""From 18.0.1.2.0 every cycle of a conversation is an attendance with a protocol number:
conversations being attended when the upgrade runs get their current attendance
(``whatsapp.inbox.attendance._open_for_attended_conversations``)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    total = env["whatsapp.inbox.attendance"]._open_for_attended_conversations()
    _logger.info("whatsapp_inbox: %s conversation(s) being attended got their attendance",
                 total)
