from odoo import api, fields, models

from ..tools import phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Indexed match keys (see tools.phone.match_key) so an inbound WhatsApp id finds
    # its partner by equality instead of scanning every partner's phone columns.
    whatsapp_inbox_phone_key = fields.Char(
        compute="_compute_whatsapp_inbox_keys", store=True, index="btree_not_null"
    )
    whatsapp_inbox_mobile_key = fields.Char(
        compute="_compute_whatsapp_inbox_keys", store=True, index="btree_not_null"
    )
    whatsapp_inbox_lead_status_id = fields.Many2one(
        "whatsapp.inbox.lead.status", "Lead Status", index="btree_not_null", tracking=True,
        ondelete="restrict")
    whatsapp_inbox_lead_status_color = fields.Char(related="whatsapp_inbox_lead_status_id.color")
    whatsapp_inbox_origin_id = fields.Many2one(
        "whatsapp.inbox.lead.origin", "Lead Origin", index="btree_not_null", ondelete="restrict")

    @api.depends("phone", "mobile", "country_id")
    def _compute_whatsapp_inbox_keys(self):
        for partner in self:
            for fname, key_fname in (("phone", "whatsapp_inbox_phone_key"),
                                     ("mobile", "whatsapp_inbox_mobile_key")):
                e164 = partner[fname] and partner._phone_format(fname=fname)
                partner[key_fname] = phone.match_key(e164) if e164 else False

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
