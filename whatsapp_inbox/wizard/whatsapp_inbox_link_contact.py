from odoo import api, fields, models


class WhatsappInboxLinkContact(models.TransientModel):
    """Link a conversation to an existing contact (see ``_link_partner``: the number is
    saved on the contact, formatted, only when the contact has none)."""

    _name = "whatsapp.inbox.link.contact"
    _description = "Link WhatsApp Conversation to a Contact"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True)
    phone = fields.Char(related="conversation_id.phone")
    partner_id = fields.Many2one("res.partner", "Contact", required=True)
    partner_number = fields.Char(
        "Contact's number", compute="_compute_partner_number",
        help="The contact's mobile, else its phone: it stays as it is.")
    store_number = fields.Boolean(
        "Save the number on the contact", default=True,
        help="Next time this number writes, it is recognised at once.")

    @api.depends("partner_id")
    def _compute_partner_number(self):
        for wizard in self:
            wizard.partner_number = wizard.partner_id.mobile or wizard.partner_id.phone

    def action_link(self):
        self.ensure_one()
        self.conversation_id._link_partner(self.partner_id, store_number=self.store_number)
        return {"type": "ir.actions.act_window_close"}
