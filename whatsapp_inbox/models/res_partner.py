from odoo import api, fields, models

from ..tools import phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Indexed match keys (see tools.phone.match_key) so an inbound WhatsApp id finds
    # its partner by equality instead of scanning every partner's phone columns.
    whatsapp_inbox_phone_key = fields.Char(
        compute="_compute_whatsapp_inbox_phone_key", store=True, index="btree_not_null"
    )
    whatsapp_inbox_mobile_key = fields.Char(
        compute="_compute_whatsapp_inbox_mobile_key", store=True, index="btree_not_null"
    )
    whatsapp_inbox_lead_status_id = fields.Many2one(
        "whatsapp.inbox.lead.status", "Lead Status", index="btree_not_null", tracking=True,
        ondelete="restrict")
    whatsapp_inbox_lead_status_color = fields.Char(related="whatsapp_inbox_lead_status_id.color")
    whatsapp_inbox_origin_id = fields.Many2one(
        "whatsapp.inbox.lead.origin", "Lead Origin", index="btree_not_null", ondelete="restrict")

    @api.depends("phone", "country_id")
    def _compute_whatsapp_inbox_phone_key(self):
        for partner in self:
            partner.whatsapp_inbox_phone_key = partner._whatsapp_inbox_key("phone")

    @api.depends("mobile", "country_id")
    def _compute_whatsapp_inbox_mobile_key(self):
        for partner in self:
            partner.whatsapp_inbox_mobile_key = partner._whatsapp_inbox_key("mobile")

    def _whatsapp_inbox_key(self, fname):
        """The match key of the number in ``fname``, read in the partner's country."""
        self.ensure_one()
        e164 = self[fname] and self._phone_format(fname=fname)
        return phone.match_key(e164) if e164 else False

    @api.model
    def _whatsapp_inbox_match(self, keys, company):
        """Map each match key to the partner it designates, in one query.

        Partners of other companies are ignored; the oldest partner wins when
        several share a number.
        """
        keys = [key for key in keys if key]
        if not keys:
            return {}
        partners = self.search(
            [
                "|", ("whatsapp_inbox_phone_key", "in", keys),
                ("whatsapp_inbox_mobile_key", "in", keys),
                ("company_id", "in", [False, company.id]),
            ],
            order="id desc",
        )
        # later (older) partners overwrite newer ones: the oldest wins
        result = {}
        for partner in partners:
            for key in (partner.whatsapp_inbox_mobile_key, partner.whatsapp_inbox_phone_key):
                if key in keys:
                    result[key] = partner
        return result
