from odoo import fields, models


class WhatsappInboxLinkContact(models.TransientModel):
    """Link a conversation to an existing contact."""

    _name = "whatsapp.inbox.link.contact"
    _description = "Link WhatsApp Conversation to a Contact"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True)
    phone = fields.Char(related="conversation_id.phone")
    partner_id = fields.Many2one("res.partner", "Contact", required=True)
    store_number = fields.Boolean(
        "Save the number on the contact", default=True,
        help="Next time this number writes, it is recognised at once.")

    def action_link(self):
        self.ensure_one()
        self.conversation_id._link_partner(self.partner_id, self.store_number)
        return {"type": "ir.actions.act_window_close"}
