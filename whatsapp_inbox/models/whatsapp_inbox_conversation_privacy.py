from odoo import api, fields, models
from odoo.exceptions import UserError


class WhatsappInboxConversation(models.Model):
    """Consent (the ledger decides ``opted_out``) and anonymisation of a
    conversation (see ``whatsapp.inbox.erasure``)."""

    _inherit = "whatsapp.inbox.conversation"

    consent_ids = fields.One2many("whatsapp.inbox.consent", "conversation_id")
    opted_out = fields.Boolean(
        compute="_compute_opted_out", store=True, copy=False,
        help="The customer asked to stop receiving templates: the last word of the "
             "consent ledger.")
    anonymized_at = fields.Datetime(
        "Anonymised on", readonly=True, copy=False,
        help="The customer's identity and messages were erased; the statistics stay.")

    @api.depends("consent_ids.status", "consent_ids.scope")
    def _compute_opted_out(self):
        for conversation in self:
            latest = max(conversation.consent_ids.filtered(lambda e: e.scope == "all"),
                         key=lambda e: e._origin.id or 0, default=None)
            conversation.opted_out = bool(latest) and latest.status == "opt_out"

    @api.constrains("channel", "connection_id", "wa_id", "phone", "email")
    def _check_channel_fields(self):
        # an anonymised conversation keeps no number or address on any channel
        return super(WhatsappInboxConversation,
                     self.filtered(lambda c: not c.anonymized_at))._check_channel_fields()

    @api.model_create_multi
    def create(self, vals_list):
        conversations = super().create(vals_list)
        conversations.filtered("wa_id")._carry_over_opt_outs()
        return conversations

    def _carry_over_opt_outs(self):
        """A customer who opted out on this number stays opted out in a new
        conversation (the previous one was deleted or erased, or spelled the
        number otherwise) until an opt-in is recorded."""
        Consent = self.env["whatsapp.inbox.consent"]
        hashes = {conversation: Consent._customer_hash(conversation.wa_id)
                  for conversation in self}
        # sudo: whatsapp.inbox.consent - the ledger is read on behalf of the inbox
        entries = Consent.sudo().search([
            ("connection_id", "in", self.connection_id.ids),
            ("customer_hash", "in", [h for h in hashes.values() if h]),
            ("scope", "=", "all"),
        ], order="id desc")
        latest = {}
        for entry in entries:
            latest.setdefault((entry.connection_id, entry.customer_hash), entry)
        for conversation, customer_hash in hashes.items():
            entry = latest.get((conversation.connection_id, customer_hash))
            if entry and entry.status == "opt_out":
                Consent._record(conversation, "opt_out", "earlier", note=self.env._(
                    "opted out on %s", fields.Date.to_string(entry.create_date)))

    # ------------------------------------------------------------
    # Consent
    # ------------------------------------------------------------

    def _refuses_templates(self):
        """Whether the customer's last word on this number, in any conversation and
        under any spelling of their number, was an opt-out."""
        self.ensure_one()
        Consent = self.env["whatsapp.inbox.consent"]
        return self.opted_out or Consent._latest(
            self.connection_id, Consent._customer_hash(self.wa_id)).status == "opt_out"

    def _send_template(self, template, values, **kwargs):
        if self._refuses_templates():
            raise UserError(self.env._(
                "%s asked not to receive templates: record their opt-in first.",
                self.display_name))
        return super()._send_template(template, values, **kwargs)

    def action_record_opt_in(self):
        """The customer explicitly agreed again to receive templates: say how."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record an opt-in"),
            "res_model": "whatsapp.inbox.opt.in",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def api_record_consent(self, status, note):
        """JSON-RPC entry point: record the customers' ``status`` (``opt_out`` or
        ``opt_in``) given elsewhere (a form, a call); ``note`` says how."""
        if status not in ("opt_out", "opt_in"):
            raise UserError(self.env._("The status is opt_out or opt_in."))
        return self.env["whatsapp.inbox.consent"]._record(self, status, "api", note=note).ids
