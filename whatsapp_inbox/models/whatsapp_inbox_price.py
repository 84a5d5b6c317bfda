from collections import defaultdict

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
        return self._price_lookup([category])(wa_id, category)

    @api.model
    def _price_lookup(self, categories):
        """Read the prices of ``categories`` once (one query, whatever the number of
        messages to cost); return a function ``(wa_id, category) -> price row``, as
        :meth:`_price_of` finds it."""
        # sudo: whatsapp.inbox.price - prices are read to cost every message, by the webhook
        rows = self.sudo().search_fetch(
            [("category", "in", [c for c in set(categories) if c])],
            ["country_id", "category", "price", "currency_id"])
        # longest calling code first: the first that prefixes a number is its country's
        by_category = defaultdict(list)
        for row in rows.sorted(lambda r: -len(str(r.country_id.phone_code or ""))):
            if row.country_id.phone_code:
                by_category[row.category].append((str(row.country_id.phone_code), row))

        def price_of(wa_id, category):
            if not (wa_id and wa_id.isdigit() and category):
                return self.browse()
            return next((row for code, row in by_category[category] if wa_id.startswith(code)),
                        self.browse())

        return price_of
