from odoo import api, fields, models

from ..tools.webhook import PRICING_CATEGORIES


class WhatsappInboxMessage(models.Model):
    """Meta's pricing of our messages (from their status webhooks) and their cost."""

    _inherit = "whatsapp.inbox.message"

    pricing_billable = fields.Boolean("Billable", readonly=True)
    pricing_category = fields.Selection(PRICING_CATEGORIES, readonly=True)
    pricing_model = fields.Char(readonly=True, help="PMP: per-message pricing (July 2025).")
    pricing_type = fields.Selection(
        [("regular", "Regular"), ("free_customer_service", "Free (customer service)"),
         ("free_entry_point", "Free (entry point)")], readonly=True)
    cost = fields.Monetary(readonly=True, currency_field="cost_currency_id",
                           help="From the price table of its category and the customer's "
                                "country, when Meta bills it.")
    cost_currency_id = fields.Many2one("res.currency", readonly=True)
    attendance_id = fields.Many2one(
        "whatsapp.inbox.attendance", readonly=True, index="btree_not_null", ondelete="set null",
        help="The attendance our message was sent in: its cost is added there.")

    @api.model
    def _apply_statuses(self, items):
        """Statuses also bring Meta's ``pricing`` (per-message pricing since July 2025):
        kept on the message with its cost from the price table."""
        changed = super()._apply_statuses(items)
        priced = [(connection, status) for connection, status in items
                  if status.pricing_category or status.billable is not None]
        if priced:
            by_wamid = {m.wamid: m for m in self.search(
                [("wamid", "in", [status.wamid for _c, status in priced])])}
            # the price table read once for the whole batch
            price_of = self.env["whatsapp.inbox.price"]._price_lookup(
                [status.pricing_category for _c, status in priced])
            for connection, status in priced:
                message = by_wamid.get(status.wamid)
                if message and message.connection_id == connection:
                    message._record_pricing(status, price_of)
        return changed

    def _record_pricing(self, status, price_of=None):
        """Keep ``status``'s pricing (a ``webhook.Status``) and the cost it makes.

        :param price_of: ``(wa_id, category) -> price row`` (see
            ``whatsapp.inbox.price._price_lookup``), to read the price table once per batch
        """
        self.ensure_one()
        categories = dict(PRICING_CATEGORIES)
        category = status.pricing_category if status.pricing_category in categories else False
        types = dict(self._fields["pricing_type"].selection)
        pricing_type = status.pricing_type if status.pricing_type in types else False
        # ``billable`` is deprecated since per-message pricing: the type says it
        billable = status.billable if status.billable is not None \
            else pricing_type == "regular"
        price_of = price_of or self.env["whatsapp.inbox.price"]._price_of
        price = price_of(self.conversation_id.wa_id, category)
        cost = price.price if billable and price else 0.0
        vals = {
            "pricing_billable": billable,
            "pricing_category": category,
            "pricing_model": status.pricing_model or False,
            "pricing_type": pricing_type,
            "cost": cost,
            "cost_currency_id": price.currency_id.id or False,
        }
        current = {fname: self[fname] for fname in vals}
        current["cost_currency_id"] = self.cost_currency_id.id or False
        if current == vals:
            return  # every status repeats the pricing: written once
        # the conversation and the attendance add the difference
        self.conversation_id.cost += cost - self.cost
        if self.attendance_id:
            self.attendance_id.cost += cost - self.cost
        self.write(vals)


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    cost = fields.Float(
        readonly=True, copy=False, digits=(16, 4),
        help="What Meta bills for this conversation's messages (price table), added up as "
             "their pricing arrives.")

    def _billing_warning(self, template):
        """What Meta will bill for sending ``template`` to this customer now (a sentence),
        or False: free-form replies exist only inside the 24-hour window, where they are
        free; a utility template is free inside it too; other sends cost their category's
        price in the table."""
        self.ensure_one()
        if not template.category:
            return False
        category = template.category.lower()
        if category == "utility" and self.window_open:
            return self.env._(
                "Utility template inside the 24-hour window: free under Meta's per-message "
                "pricing of July 2025 (check the current rate card).")
        price = self.env["whatsapp.inbox.price"]._price_of(self.wa_id, category)
        label = dict(template._fields["category"]._description_selection(self.env))[
            template.category]
        amount = f" ({price.price:g} {price.currency_id.name})" if price.price else ""
        return self.env._("Meta bills this %(category)s template%(price)s.",
                          category=label.lower(), price=amount)

class WhatsappInboxAttendance(models.Model):
    _inherit = "whatsapp.inbox.attendance"

    cost = fields.Float(
        readonly=True, copy=False, digits=(16, 4), aggregator="sum",
        help="What Meta bills for the messages sent in this attendance (price table), added "
             "up as their pricing arrives.")

    @api.model
    def _claim_sent_messages(self, attendance_ids):
        """Our messages sent since each attendance opened become its own, and their cost
        its ``cost`` (attendances opened in SQL, over what happened before)."""
        if not attendance_ids:
            return
        self.env["whatsapp.inbox.message"].flush_model(["attendance_id", "cost"])
        self.env.cr.execute("""
            WITH claimed AS (
                UPDATE whatsapp_inbox_message message
                   SET attendance_id = attendance.id
                  FROM whatsapp_inbox_attendance attendance
                 WHERE attendance.id IN %s
                   AND message.conversation_id = attendance.conversation_id
                   AND message.direction = 'out' AND message.attendance_id IS NULL
                   AND message.timestamp >= attendance.opened_at
             RETURNING message.attendance_id, message.cost
            )
            UPDATE whatsapp_inbox_attendance attendance
               SET cost = claimed.cost
              FROM (SELECT attendance_id, sum(COALESCE(cost, 0)) AS cost
                      FROM claimed GROUP BY attendance_id) claimed
             WHERE attendance.id = claimed.attendance_id
        """, [tuple(attendance_ids)])
        self.env["whatsapp.inbox.message"].invalidate_model(["attendance_id"])
        self.invalidate_model(["cost"])
