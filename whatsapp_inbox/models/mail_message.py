from odoo import models

from odoo.addons.mail.tools.discuss import Store


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _extras_to_store(self, store: Store, format_reply):
        """The chatter draws WhatsApp's ticks: each line of a conversation that is a
        WhatsApp message carries its status (``whatsappStatus``)."""
        super()._extras_to_store(store, format_reply=format_reply)
        lines = self.filtered(lambda m: m.model == "whatsapp.inbox.conversation")
        if not lines:
            return
        # sudo: whatsapp.inbox.message - only the status of lines the user already reads
        messages = self.env["whatsapp.inbox.message"].sudo().search_fetch(
            [("mail_message_id", "in", lines.ids)], ["mail_message_id", "status"])
        for message in messages:
            store.add(message.mail_message_id, {"whatsappStatus": message.status})
