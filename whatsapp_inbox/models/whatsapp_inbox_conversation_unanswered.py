"""How long a customer has waited for an answer: ``unanswered_since``, their first message
after our last reply. The doors that write ``last_inbound_at`` and ``last_outbound_at`` (a
customer's messages, our replies, messages written elsewhere) write it with them, so the
Inbox's lines read it without a query."""

from odoo import api, fields, models
from odoo.tools import SQL


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    unanswered_since = fields.Datetime(
        copy=False, readonly=True,
        help="The customer's first message after our last reply; empty once we reply.")

    def _prepare_unanswered_vals(self, times):
        """``unanswered_since`` once customer messages sent at ``times`` arrived: the
        earliest at or after our last reply (a late message older than it was answered),
        unless an earlier one still waits. Times are whole seconds (Meta's timestamps
        are): a message in the second of our reply counts as unanswered."""
        self.ensure_one()
        replied = self.last_outbound_at
        pending = [at for at in times if not replied or at >= replied]
        if self.unanswered_since:
            pending.append(self.unanswered_since)
        return {"unanswered_since": min(pending)} if pending else {}

    def _prepare_answered_vals(self, sent_at):
        """``unanswered_since`` once we wrote at ``sent_at``: answered, unless the customer
        wrote in that second or later (whole seconds): they wait since then, at the
        earliest from that second."""
        self.ensure_one()
        if self.last_inbound_at and self.last_inbound_at >= sent_at:
            return {"unanswered_since": max(self.unanswered_since or sent_at, sent_at)}
        return {"unanswered_since": False}

    @api.model
    def _fill_unanswered_since(self):
        """Give the conversations where the customer wrote last and that have no
        ``unanswered_since`` one, in one statement: their first message (not a reaction)
        at or after our last reply, else their last message. For data that did not come
        through the doors: an upgrade, the demo.

        :return: how many conversations got it
        """
        self.env["whatsapp.inbox.message"].flush_model(
            ["conversation_id", "direction", "message_type", "timestamp"])
        self.flush_model(["last_inbound_at", "last_outbound_at", "unanswered_since"])
        self.env.cr.execute(SQL("""
            UPDATE whatsapp_inbox_conversation conversation
               SET unanswered_since = COALESCE((
                       SELECT min(message.timestamp)
                         FROM whatsapp_inbox_message message
                        WHERE message.conversation_id = conversation.id
                          AND message.direction = 'in' AND message.message_type != 'reaction'
                          AND message.timestamp >= COALESCE(conversation.last_outbound_at,
                                                            '-infinity')
                   ), conversation.last_inbound_at)
             WHERE conversation.unanswered_since IS NULL
               AND conversation.last_inbound_at >= COALESCE(conversation.last_outbound_at,
                                                            '-infinity')
        """))
        total = self.env.cr.rowcount
        self.invalidate_model(["unanswered_since"])
        return total
