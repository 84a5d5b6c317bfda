from random import randint

from odoo import fields, models


class WhatsappInboxTag(models.Model):
    _name = "whatsapp.inbox.tag"
    _description = "WhatsApp Inbox Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A tag with this name already exists."),
    ]
