from odoo import fields, models


class WhatsappInboxEvent(models.Model):
    """Deliveries of webhook fields this inbox does not handle: kept, and named."""

    _inherit = "whatsapp.inbox.event"

    unsupported_fields = fields.Char(
        readonly=True, help="Webhook fields of this delivery the inbox does not handle: "
                            "the delivery is kept (see its body), nothing of it is lost.")
