from odoo import api, fields, models


class WhatsappInboxComposer(models.TransientModel):
    """The composer says when Meta will bill what is about to be sent."""

    _inherit = "whatsapp.inbox.composer"

    billing_warning = fields.Char(compute="_compute_billing_warning")

    @api.depends("mode", "template_id", "can_send_text")
    def _compute_billing_warning(self):
        Price = self.env["whatsapp.inbox.price"]
        for composer in self:
            template = composer.template_id
            if composer.mode != "template" or not template.category:
                # free-form replies exist only inside the 24-hour window, where they are free
                composer.billing_warning = False
                continue
            category = template.category.lower()
            if category == "utility" and composer.can_send_text:
                composer.billing_warning = self.env._(
                    "Utility template inside the 24-hour window: free under Meta's per-message "
                    "pricing of July 2025 (check the current rate card).")
                continue
            price = Price._price_of(composer.conversation_id.wa_id, category)
            label = dict(template._fields["category"]._description_selection(self.env))[
                template.category]
            amount = f" ({price.price:g} {price.currency_id.name})" if price.price else ""
            composer.billing_warning = self.env._(
                "Meta bills this %(category)s template%(price)s.", category=label.lower(),
                price=amount)
