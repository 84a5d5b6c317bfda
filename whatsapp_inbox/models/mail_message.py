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

    def _message_reaction(self, content, action, partner, guest, store: Store = None):
        """A person reacting in the chatter to a customer's WhatsApp message reacts on
        WhatsApp too (while the window is open); removing it removes it there. WhatsApp keeps
        one reaction per message: the latest remaining one is sent. Odoo's route calls this
        with sudo, after checking the user may react: WhatsApp is reached as the user."""
        super()._message_reaction(content, action, partner, guest, store=store)
        if self.model != "whatsapp.inbox.conversation" or guest \
                or partner != self.env.user.partner_id:
            return
        # sudo: whatsapp.inbox.message - the WhatsApp message behind a line the user reads
        wa_message = self.env["whatsapp.inbox.message"].sudo().search([
            ("mail_message_id", "=", self.id), ("direction", "=", "in"),
            ("wamid", "!=", False)], limit=1)
        conversation = self.env(su=False)["whatsapp.inbox.conversation"].browse(self.res_id)
        if not wa_message or not conversation.window_open:
            return  # nothing to react to on WhatsApp: the reaction stays in Odoo
        if action == "remove":
            remaining = self.env["mail.message.reaction"].search([
                ("message_id", "=", self.id), ("partner_id", "=", partner.id)],
                order="id desc", limit=1)
            content = remaining.content or ""
        conversation._send_reaction(wa_message.with_env(conversation.env), content)
