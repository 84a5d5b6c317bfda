"""18.0.1.1.0 no longer mirrors conversations into Discuss channels (the conversation's own
thread is the one store): delete the mirror channels 18.0.1.0.0 created, with their copies
of the customers' messages, which nothing else reads or erases any more."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or not column_exists(cr, "discuss_channel", "whatsapp_inbox_conversation_id"):
        return
    cr.execute("SELECT id FROM discuss_channel WHERE whatsapp_inbox_conversation_id IS NOT NULL")
    ids = [row[0] for row in cr.fetchall()]
    # unlink, not DELETE: the channels' messages, members and attachments go with them
    api.Environment(cr, SUPERUSER_ID, {})["discuss.channel"].browse(ids).unlink()
    cr.execute("ALTER TABLE discuss_channel DROP COLUMN whatsapp_inbox_conversation_id")
    _logger.info("whatsapp_inbox: %s Discuss mirror channel(s) deleted", len(ids))
