from odoo import api, fields, models
from odoo.exceptions import UserError


class WhatsappInboxConversation(models.Model):
    """Marketing messages: customers stop and resume them in WhatsApp's settings
    (``user_preferences``), which the consent ledger records per number."""

    _inherit = "whatsapp.inbox.conversation"

    marketing_opted_out = fields.Boolean(
        compute="_compute_marketing_opted_out", store=True, copy=False,
        help="The customer stopped marketing messages from this number (WhatsApp's "
             "settings): marketing templates are refused, utility and service messages "
             "still reach them.")

    @api.depends("consent_ids.status", "consent_ids.scope")
    def _compute_marketing_opted_out(self):
        for conversation in self:
            latest = max(conversation.consent_ids.filtered(lambda e: e.scope == "marketing"),
                         key=lambda e: e._origin.id or 0, default=None)
            conversation.marketing_opted_out = bool(latest) and latest.status == "opt_out"

    def _refuses_marketing(self):
        """Whether the customer's last word on marketing messages on this number (any
        conversation, any spelling of the number) was to stop them."""
        self.ensure_one()
        Consent = self.env["whatsapp.inbox.consent"]
        return self.marketing_opted_out or Consent._latest(
            self.connection_id, Consent._customer_hash(self.wa_id),
            scope="marketing").status == "opt_out"

    def _send_template(self, template, values, **kwargs):
        if template.category == "MARKETING" and self._refuses_marketing():
            raise UserError(self.env._(
                "%s stopped marketing messages from this number in WhatsApp: send a utility "
                "template, or wait until they resume them.", self.display_name))
        return super()._send_template(template, values, **kwargs)

    @api.model
    def _apply_preferences(self, items):
        """``user_preferences``: record in the consent ledger that customers stopped
        (``stop``) or resumed (``resume``) marketing messages on a number.

        :param list items: ``[(connection, webhook.Preference)]``
        :return: the ledger entries
        """
        customers = {(connection, item.customer): {"bsuid": item.bsuid}
                     for connection, item in items}
        conversations = self._find_or_create_for_customers(customers)
        Consent = self.env["whatsapp.inbox.consent"]
        entries = Consent.browse()
        for connection, item in sorted(items, key=lambda pair: pair[1].timestamp):
            status = {"stop": "opt_out", "resume": "opt_in"}.get(item.value)
            if item.category != "marketing_messages" or not status:
                continue
            conversation = conversations[(connection, item.customer)]
            if conversation.marketing_opted_out == (status == "opt_out"):
                continue  # a redelivery, or nothing new
            entries |= Consent._record(
                conversation, status, "meta", scope="marketing",
                note=item.detail or self.env._("WhatsApp's marketing messages setting"))
        return entries


class WhatsappInboxMessage(models.Model):
    _inherit = "whatsapp.inbox.message"

    failure_type = fields.Selection(
        selection_add=[("template_paused", "Template paused"),
                       ("marketing_limited", "Marketing limit")])

    def _fail(self, code, reason):
        result = super()._fail(code, reason)
        if str(code) == "131050":
            # Meta says the customer stopped marketing messages: the ledger records it
            Consent = self.env["whatsapp.inbox.consent"]
            for conversation in self.conversation_id.filtered(
                    lambda c: not c.marketing_opted_out):
                Consent._record(conversation, "opt_out", "meta", scope="marketing",
                                note=reason or self.env._("Meta refused a marketing message "
                                                          "(131050)"))
        return result

    def _send_one(self):
        if self.message_type == "template" and self.template_id.category == "MARKETING" \
                and self.conversation_id._refuses_marketing():
            # the customer stopped marketing messages after it was queued
            self._fail("131050", self.env._("The customer stopped marketing messages."))
            return None
        return super()._send_one()
