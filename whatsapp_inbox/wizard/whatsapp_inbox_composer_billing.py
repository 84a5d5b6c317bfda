from odoo import api, fields, models


class WhatsappInboxComposer(models.TransientModel):
    """The composer says when Meta will bill what is about to be sent."""

    _inherit = "whatsapp.inbox.composer"

    billing_warning = fields.Char(compute="_compute_billing_warning")

    @api.depends("mode", "template_id", "can_send_text")
    def _compute_billing_warning(self):
        for composer in self:
            composer.billing_warning = composer.mode == "template" and bool(
                composer.template_id) and composer.conversation_id._billing_warning(
                composer.template_id)
