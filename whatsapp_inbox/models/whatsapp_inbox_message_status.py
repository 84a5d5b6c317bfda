import logging
from datetime import timedelta

from odoo import api, fields, models

from ..tools import webhook

_logger = logging.getLogger(__name__)

HELD_DAYS = 7


class WhatsappInboxMessageStatus(models.Model):
    """A status Meta reported for a wamid we have not recorded (yet).

    Meta may report a message as sent before the transaction that sent it stored its
    wamid. Such statuses wait here, and each run of the processing cron applies those whose
    wamid is now known. The others (messages sent by another system through the same
    number) are deleted after ``HELD_DAYS``.
    """

    _name = "whatsapp.inbox.message.status"
    _description = "WhatsApp Status Waiting for its Message"
    _order = "timestamp, id"
    _rec_name = "wamid"

    wamid = fields.Char("WhatsApp Message ID", required=True, index=True, readonly=True)
    connection_id = fields.Many2one("whatsapp.inbox.connection", required=True, readonly=True,
                                    ondelete="cascade")
    status = fields.Char(required=True, readonly=True)
    timestamp = fields.Datetime(required=True, readonly=True)
    error_code = fields.Char(readonly=True)
    error_reason = fields.Text(readonly=True)

    @api.model
    def _hold(self, items):
        """Keep statuses ``[(connection, webhook.Status)]`` until their wamid is known."""
        _logger.info("WhatsApp: %s status(es) held for wamids not recorded yet", len(items))
        return self.create([{
            "wamid": status.wamid, "connection_id": connection.id, "status": status.status,
            "timestamp": status.timestamp, "error_code": status.error_code or False,
            "error_reason": status.error_reason or False,
        } for connection, status in items])

    @api.model
    def _adopt(self):
        """Apply the held statuses whose wamid is now recorded; return the messages whose
        status changed."""
        self.flush_model()
        self.env["whatsapp.inbox.message"].flush_model(["wamid", "conversation_id"])
        self.env["whatsapp.inbox.conversation"].flush_model(["connection_id"])
        self.env.cr.execute("""
            SELECT held.id FROM whatsapp_inbox_message_status held
            JOIN whatsapp_inbox_message message ON message.wamid = held.wamid
            JOIN whatsapp_inbox_conversation conversation
              ON conversation.id = message.conversation_id
             AND conversation.connection_id = held.connection_id
        """)
        held = self.browse([row[0] for row in self.env.cr.fetchall()])
        changed = self.env["whatsapp.inbox.message"]
        if held:
            changed = changed._apply_statuses([
                (status.connection_id, webhook.Status(
                    phone_number_id=status.connection_id.phone_number_id, wamid=status.wamid,
                    status=status.status, timestamp=status.timestamp, recipient="",
                    error_code=status.error_code or "", error_reason=status.error_reason or "",
                    where="held"))
                for status in held])
            held.unlink()
            changed.conversation_id._notify_refresh(changed)
        return changed

    @api.autovacuum
    def _gc_held_statuses(self):
        """Statuses of messages we never recorded (sent by another system)."""
        self.search([("create_date", "<", fields.Datetime.now() - timedelta(days=HELD_DAYS))
                     ]).unlink()
