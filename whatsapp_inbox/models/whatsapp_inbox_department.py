from odoo import fields, models


class WhatsappInboxDepartment(models.Model):
    _name = "whatsapp.inbox.department"
    _description = "WhatsApp Inbox Department"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    member_ids = fields.Many2many(
        "res.users", string="Members", domain=[("share", "=", False)],
        help="Agents who answer this department's conversations.",
    )
    color = fields.Integer()
