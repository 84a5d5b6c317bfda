"""From 18.0.1.3.0 a conversation keeps when the customer's first unanswered message came
(``unanswered_since``): conversations where the customer wrote last get it
(``whatsapp.inbox.conversation._fill_unanswered_since``)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    total = env["whatsapp.inbox.conversation"]._fill_unanswered_since()
    _logger.info("whatsapp_inbox: %s conversation(s) where the customer wrote last got "
                 "unanswered_since", total)
