from odoo import api, models


class WhatsappInboxErasure(models.Model):
    _inherit = "whatsapp.inbox.erasure"

    @api.model
    def _anonymize_conversations(self, conversations):
        """The customers' comments on their attendances are their words: they go too; the
        ratings stay, for statistics."""
        conversations.attendance_ids.write({"csat_comment": False})
        return super()._anonymize_conversations(conversations)
