from odoo import api, fields, models


class WhatsappInboxRegisterContact(models.TransientModel):
    """Register the customer of a conversation as a new contact: nothing is created
    until the agent confirms."""

    _name = "whatsapp.inbox.register.contact"
    _description = "Register a WhatsApp Customer as a Contact"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True)
    name = fields.Char(required=True, compute="_compute_name", store=True, readonly=False,
                       precompute=True)
    mobile = fields.Char(compute="_compute_mobile", store=True, readonly=False, precompute=True)
    email = fields.Char(compute="_compute_email", store=True, readonly=False, precompute=True)
    vat = fields.Char("Tax ID")

    @api.depends("conversation_id")
    def _compute_name(self):
        for wizard in self:
            conversation = wizard.conversation_id
            wizard.name = conversation.contact_name or conversation.phone or conversation.wa_id

    @api.depends("conversation_id")
    def _compute_mobile(self):
        for wizard in self:
            wizard.mobile = wizard.conversation_id.phone

    @api.depends("conversation_id")
    def _compute_email(self):
        for wizard in self:
            wizard.email = wizard.conversation_id.email

    def action_register(self):
        self.ensure_one()
        partner = self.env["res.partner"].create({
            "name": self.name,
            "mobile": self.mobile or False,
            "email": self.email or False,
            "vat": self.vat or False,
            "company_id": False,
        })
        self.conversation_id._link_partner(partner)
        return {"type": "ir.actions.act_window_close"}
