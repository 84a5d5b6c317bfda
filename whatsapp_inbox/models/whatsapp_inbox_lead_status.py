import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class WhatsappInboxLeadStatus(models.Model):
    """Where a lead stands (New, In progress, ...), with the colour its cards show."""

    _name = "whatsapp.inbox.lead.status"
    _description = "Lead Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    color = fields.Char(default="#3B82F6", required=True, help="Hexadecimal, e.g. #22C55E.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    conversation_count = fields.Integer(compute="_compute_conversation_count")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Contacts")

    @api.constrains("color")
    def _check_color(self):
        for status in self:
            if not HEX_COLOR.match(status.color or ""):
                raise ValidationError(self.env._(
                    "“%s” is not a colour: use the hexadecimal form #RRGGBB.", status.color))

    def _compute_conversation_count(self):
        counts = dict(self.env["whatsapp.inbox.conversation"].with_context(
            active_test=False)._read_group([("lead_status_id", "in", self.ids)],
                                           ["lead_status_id"], ["__count"]))
        for status in self:
            status.conversation_count = counts.get(status, 0)

    def _compute_partner_count(self):
        counts = dict(self.env["res.partner"].with_context(active_test=False)._read_group(
            [("whatsapp_inbox_lead_status_id", "in", self.ids)],
            ["whatsapp_inbox_lead_status_id"], ["__count"]))
        for status in self:
            status.partner_count = counts.get(status, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("color"):
                vals["color"] = vals["color"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("color"):
            vals["color"] = vals["color"].strip().upper()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        """A status in use is not deleted, so no card loses its status: say so, and
        offer archiving, which hides it from new choices and keeps it on its records."""
        for status in self:
            if status.conversation_count or status.partner_count:
                raise UserError(self.env._(
                    "“%(status)s” is the status of %(conversations)s conversation(s) and "
                    "%(partners)s contact(s): archive it instead.", status=status.name,
                    conversations=status.conversation_count, partners=status.partner_count))
