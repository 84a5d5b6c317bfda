from odoo import api, fields, models

from ..tools.webhook import PRICING_CATEGORIES


class WhatsappInboxPrice(models.Model):
    """What Meta charges for one delivered message of a pricing category to a country:
    the price table administrators keep from Meta's rate card."""

    _name = "whatsapp.inbox.price"
    _description = "WhatsApp Message Price"
    _order = "country_id, category"

    country_id = fields.Many2one("res.country", required=True, index=True)
    category = fields.Selection(PRICING_CATEGORIES, required=True)
    price = fields.Float(digits=(16, 4), help="Per delivered billable message.")
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.ref("base.USD"))
    note = fields.Char()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("country_category_uniq", "unique(country_id, category)",
         "A category has one price per country."),
    ]

    @api.model
    def _price_of(self, wa_id, category):
        """The price row of ``category`` for the customer ``wa_id`` (digits with the
        country's calling code; the longest calling code wins)."""
        if not (wa_id and wa_id.isdigit() and category):
            return self.browse()
        # sudo: whatsapp.inbox.price - prices are read to cost every message, by the webhook
        rows = self.sudo().search([("category", "=", category)])
        matching = rows.filtered(lambda r: r.country_id.phone_code and wa_id.startswith(
            str(r.country_id.phone_code)))
        return max(matching, key=lambda r: len(str(r.country_id.phone_code)),
                   default=self.browse())
