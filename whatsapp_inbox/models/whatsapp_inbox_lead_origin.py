from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError


class WhatsappInboxLeadOrigin(models.Model):
    """Where a lead came from (WhatsApp, Google Ads, ...), one per name whatever its case,
    each tied to the UTM source CRM and marketing reports use."""

    _name = "whatsapp.inbox.lead.origin"
    _description = "Lead Origin"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    source_id = fields.Many2one("utm.source", "UTM Source", required=True, ondelete="restrict",
                                readonly=True)
    conversation_count = fields.Integer(compute="_compute_conversation_count")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Contacts")

    def init(self):
        tools.create_unique_index(self._cr, "whatsapp_inbox_lead_origin_name_ci_uniq",
                                  self._table, ["lower(name)"])

    def _check_name_free(self, name):
        """Refuse a name another origin has, whatever its case (the database index
        guards concurrent creations; this gives the clear message)."""
        clash = self.with_context(active_test=False).search_count([
            ("id", "not in", self.ids), ("name", "=ilike", name)])
        if clash:
            raise ValidationError(self.env._("The origin “%s” already exists.", name))

    def _compute_conversation_count(self):
        counts = dict(self.env["whatsapp.inbox.conversation"].with_context(
            active_test=False)._read_group([("origin_id", "in", self.ids)],
                                           ["origin_id"], ["__count"]))
        for origin in self:
            origin.conversation_count = counts.get(origin, 0)

    def _compute_partner_count(self):
        counts = dict(self.env["res.partner"].with_context(active_test=False)._read_group(
            [("whatsapp_inbox_origin_id", "in", self.ids)],
            ["whatsapp_inbox_origin_id"], ["__count"]))
        for origin in self:
            origin.partner_count = counts.get(origin, 0)

    @api.model_create_multi
    def create(self, vals_list):
        Source = self.env["utm.source"]
        for vals in vals_list:
            vals["name"] = " ".join((vals.get("name") or "").split())
            self.browse()._check_name_free(vals["name"])
            if not vals.get("source_id"):
                source = Source.search([("name", "=ilike", vals["name"])], limit=1)
                vals["source_id"] = (source or Source.create({"name": vals["name"]})).id
        return super().create(vals_list)

    def write(self, vals):
        if "name" in vals:
            vals["name"] = " ".join((vals["name"] or "").split())
            self._check_name_free(vals["name"])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        for origin in self:
            if origin.conversation_count or origin.partner_count:
                raise UserError(self.env._(
                    "“%(origin)s” is the origin of %(conversations)s conversation(s) and "
                    "%(partners)s contact(s): archive it instead.", origin=origin.name,
                    conversations=origin.conversation_count, partners=origin.partner_count))

    @api.model
    def _search_display_name(self, operator, value):
        # imports and APIs may send " facebook ": match the stored name, trimmed,
        # whatever its case
        if isinstance(value, str):
            value = " ".join(value.split())
            operator = "=ilike" if operator == "=" else operator
        return super()._search_display_name(operator, value)
