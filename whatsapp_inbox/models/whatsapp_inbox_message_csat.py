from odoo import fields, models


class WhatsappInboxMessage(models.Model):
    _inherit = "whatsapp.inbox.message"

    csat_attendance_id = fields.Many2one(
        "whatsapp.inbox.attendance", "Satisfaction survey of", index="btree_not_null",
        ondelete="set null", readonly=True, copy=False,
        help="The attendance whose survey this message asks, or answers.")
