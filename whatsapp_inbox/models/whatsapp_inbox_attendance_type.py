from odoo import fields, models


class WhatsappInboxAttendanceType(models.Model):
    """Kind of attendance (Support, Post-sale, Commercial), chosen when starting one."""

    _name = "whatsapp.inbox.attendance.type"
    _description = "Attendance Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
