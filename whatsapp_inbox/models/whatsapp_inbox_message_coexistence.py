
from odoo import api, fields, models

# What a history or echo message's ``history_context.status`` becomes on its row
_PAST_STATUS = {"sent": "sent", "delivered": "delivered", "read": "read", "played": "read",
                "failed": "failed", "error": "failed"}


class WhatsappInboxMessage(models.Model):
    """Messages that happened elsewhere and are recorded, never sent and never acted upon:
    what staff typed in the WhatsApp Business app (``smb_message_echoes``), the chat history
    imported at onboarding (``history``), and the conversations Meta's agent answers
    (``standby``)."""

    _inherit = "whatsapp.inbox.message"

    origin = fields.Selection(
        [("messages", "Cloud API"), ("echo", "WhatsApp Business app"),
         ("history", "History import"), ("standby", "Meta's agent")],
        default="messages", readonly=True,
        help="Where the message was written: here (Cloud API), on the phone with the "
             "WhatsApp Business app, imported from the app's history, or by Meta's agent.")
    raw_json = fields.Text(
        "Raw data", readonly=True, groups="base.group_system",
        help="The message as Meta sent it, for types this inbox does not display.")

    @api.model
    def _record_elsewhere(self, items, profiles=None):
        """Record messages written elsewhere (see the class), in bulk, idempotently.

        Nothing is sent, no state moves, no automation runs and nobody is notified: outbound
        ones never reopen the 24-hour window; inbound ones of Meta's agent's conversations
        open it (the customer did write) and mark the conversation as handled by Meta's
        agent; history is only the past.

        :param list items: ``[(connection, webhook.Message)]``
        :return: the new ``whatsapp.inbox.message`` records, in time order
        """
        messages, by_conversation = self._create_from_records(
            items, profiles, self._prepare_elsewhere_chatter_vals,
            lambda conversation, record, body, mail_message: {
                **self._prepare_inbound_vals(conversation, record, body, mail_message),
                "direction": record.direction,
                "status": "received" if record.direction == "in"
                else _PAST_STATUS.get(record.status, "sent"),
                "origin": record.origin,
                # history carries no usable media ids (Meta sends recent media separately)
                **({"media_state": False} if record.origin == "history" else {}),
            })
        for conversation, batch in by_conversation.items():
            conversation._record_past_messages(batch)
        return messages

    @api.model
    def _prepare_elsewhere_chatter_vals(self, conversation, record, body):
        vals = self._prepare_chatter_vals(conversation, record.kind, body, record.timestamp)
        if record.direction == "out":
            # written by the business: the company speaks, not the customer
            partner = conversation.company_id.partner_id
            vals.update(author_id=partner.id, email_from=partner.email_formatted or partner.name)
        return vals

    @api.model
    def _prepare_inbound_vals(self, conversation, record, body, mail_message):
        vals = super()._prepare_inbound_vals(conversation, record, body, mail_message)
        if record.raw:  # a type this inbox does not display: kept for administrators
            vals["raw_json"] = record.raw
        return vals
