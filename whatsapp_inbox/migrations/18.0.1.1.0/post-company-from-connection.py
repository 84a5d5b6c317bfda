"""Conversations created by the webhook before 18.0.1.1.0 took the public user's
company instead of their connection's: give them, their messages and their consent
entries the connection's company."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE whatsapp_inbox_conversation conversation
           SET company_id = connection.company_id
          FROM whatsapp_inbox_connection connection
         WHERE conversation.connection_id = connection.id
           AND conversation.company_id IS DISTINCT FROM connection.company_id
    """)
    conversations = cr.rowcount
    cr.execute("""
        UPDATE whatsapp_inbox_message message
           SET company_id = conversation.company_id
          FROM whatsapp_inbox_conversation conversation
         WHERE message.conversation_id = conversation.id
           AND message.company_id IS DISTINCT FROM conversation.company_id
    """)
    messages = cr.rowcount
    cr.execute("""
        UPDATE whatsapp_inbox_consent entry
           SET company_id = connection.company_id
          FROM whatsapp_inbox_connection connection
         WHERE entry.connection_id = connection.id
           AND entry.company_id IS DISTINCT FROM connection.company_id
    """)
    _logger.info("whatsapp_inbox: company of %s conversation(s), %s message(s) and %s "
                 "consent entries set to their connection's", conversations, messages,
                 cr.rowcount)
