"""From 18.0.1.3.0 a conversation is named after its customer (``contact_name``) before its
linked contact: conversations linked to a contact take their customer's name again."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    # the stored ``name`` of _compute_name; one statement whatever the volume
    cr.execute("""
        UPDATE whatsapp_inbox_conversation
           SET name = contact_name
         WHERE partner_id IS NOT NULL
           AND COALESCE(contact_name, '') <> ''
           AND name IS DISTINCT FROM contact_name
    """)
    _logger.info("whatsapp_inbox: %s conversation(s) named after their customer again",
                 cr.rowcount)
