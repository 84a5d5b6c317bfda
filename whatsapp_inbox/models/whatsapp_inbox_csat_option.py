from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import interactive as interactive_tools


class WhatsappInboxCsatOption(models.Model):
    """One answer of a connection's custom satisfaction scale: what the customer taps, and
    the score it stores on the attendance."""

    _name = "whatsapp.inbox.csat.option"
    _description = "WhatsApp Satisfaction Answer"
    _order = "connection_id, sequence, id"

    connection_id = fields.Many2one("whatsapp.inbox.connection", required=True, index=True,
                                    ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char("Answer", required=True, translate=True,
                       help="What the customer taps (20 characters: a WhatsApp button).")
    value = fields.Integer("Score", required=True,
                           help="Stored on the attendance; reports average it.")

    @api.constrains("name")
    def _check_name(self):
        limit = interactive_tools.LIMITS["button_title"]
        for option in self:
            if len(option.name or "") > limit:
                raise ValidationError(self.env._(
                    "The answer “%(name)s” is too long: WhatsApp shows %(limit)s characters.",
                    name=option.name, limit=limit))
