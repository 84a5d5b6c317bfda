import unicodedata

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from ..tools import phone


def _normalize(text):
    """Upper case, no accents, no surrounding spaces or punctuation: "  Sair! " -> "SAIR"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return text.strip(" \t\n.!¡?¿").upper()


class WhatsappInboxStopKeyword(models.Model):
    """A word that, sent alone by a customer, means "stop sending me templates"."""

    _name = "whatsapp.inbox.stop.keyword"
    _description = "WhatsApp Stop Keyword"
    _order = "lang, name"

    name = fields.Char("Keyword", required=True)
    lang = fields.Selection(
        selection=lambda self: self.env["res.lang"].get_installed(), string="Language")
    active = fields.Boolean(default=True)

    _sql_constraints = [("name_uniq", "unique(name)", "This keyword already exists.")]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["name"] = _normalize(vals.get("name"))
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if "name" in vals:
            vals["name"] = _normalize(vals["name"])
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache()
    def _active_names(self):
        """The active keywords, cached: every inbound message is checked against them."""
        # sudo: whatsapp.inbox.stop.keyword - the webhook checks keywords as public
        return frozenset(self.sudo().search_fetch([("active", "=", True)], ["name"])
                         .mapped("name"))


class WhatsappInboxConsent(models.Model):
    """Ledger of opt-outs and opt-ins: who, when, why.

    It is the only way a conversation's ``opted_out`` changes (that field is
    computed from the ledger). Entries are created only by :meth:`_record`, never
    edited nor deleted by anyone but an erasure, which anonymises them: the keyed
    hash of the number, the number's connection, the date and the status stay as
    proof, and keep an earlier opt-out in force if the customer writes again.
    """

    _name = "whatsapp.inbox.consent"
    _description = "WhatsApp Consent"
    _order = "create_date desc, id desc"

    conversation_id = fields.Many2one(
        "whatsapp.inbox.conversation", index="btree_not_null", ondelete="set null",
        readonly=True)
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", required=True, index=True, ondelete="restrict",
        readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    wa_id = fields.Char("Customer", readonly=True)
    customer_hash = fields.Char(
        index=True, readonly=True,
        help="Keyed hash of the customer's number, whatever its spelling: the proof "
             "kept once the customer's data is erased.")
    partner_id = fields.Many2one(related="conversation_id.partner_id")
    status = fields.Selection([("opt_out", "Opted out"), ("opt_in", "Opted in")],
                              required=True, readonly=True)
    source = fields.Selection(
        [("keyword", "Stop keyword"), ("agent", "Recorded by an agent"), ("api", "API"),
         ("earlier", "Earlier opt-out"), ("legacy", "Before the ledger"),
         ("meta", "WhatsApp setting")],
        required=True, readonly=True)
    scope = fields.Selection(
        [("all", "All templates"), ("marketing", "Marketing templates")],
        default="all", required=True, readonly=True,
        help="Marketing: the customer stopped (or resumed) marketing messages in WhatsApp's "
             "settings (user_preferences); utility and service messages still reach them.")
    message_id = fields.Many2one(
        "whatsapp.inbox.message", "Customer message", ondelete="set null", readonly=True,
        help="The customer's message that asked to stop.")
    note = fields.Char("Why", readonly=True)
    user_id = fields.Many2one("res.users", "Recorded by", readonly=True)
    anonymized_at = fields.Datetime("Anonymised on", readonly=True)

    @api.model
    def _customer_hash(self, wa_id):
        """Keyed hash of a customer id: one per number whatever its spelling (see
        ``tools.phone.match_key``), unreadable without the database secret."""
        key = phone.match_key(wa_id) if wa_id and wa_id.isdigit() else wa_id
        # sudo: ir.config_parameter - the key is the database secret
        return tools.hmac(self.env(su=True), "whatsapp_inbox.customer", key) if key else False

    @api.model
    def _record(self, conversations, status, source, note=False, messages=None, scope="all"):
        """The ledger's only way in: record ``status`` for each of ``conversations``
        (``scope`` ``all`` templates, or ``marketing`` ones only).

        :param str source: ``keyword`` (``messages``, one per conversation, are the
            customer's requests), ``agent`` or ``api`` (the current user, and a
            ``note`` saying how the customer gave their consent), ``earlier``,
            ``legacy`` (a ``note``)
        :return: the new entries
        """
        if source == "keyword" and not messages:
            raise UserError(self.env._("A stop keyword entry needs the customer's message."))
        if source != "keyword" and not (note or "").strip():
            raise UserError(self.env._("Say how the customer gave or withdrew their consent."))
        if source in ("agent", "api"):
            conversations.check_access("write")
        if conversations.filtered(lambda c: c.channel != "whatsapp"):
            raise UserError(self.env._("Consent is recorded for WhatsApp conversations only."))
        message_of = {m.conversation_id: m for m in messages or ()}
        # sudo: whatsapp.inbox.consent - nobody creates entries but this method, after
        # the caller's right to act on the conversations was checked above
        entries = self.sudo().create([{
            "conversation_id": conversation.id,
            "connection_id": conversation.connection_id.id,
            "wa_id": conversation.wa_id,
            "customer_hash": self._customer_hash(conversation.wa_id),
            "status": status,
            "source": source,
            "scope": scope,
            "message_id": message_of.get(conversation, self.env["whatsapp.inbox.message"]).id,
            "note": note or message_of.get(conversation, self.env["whatsapp.inbox.message"]).body,
            "user_id": self.env.user.id if source in ("agent", "api") else False,
        } for conversation in conversations])
        for entry in entries.with_env(self.env):
            entry.conversation_id.message_post(
                body=entry._chatter_body(), subtype_xmlid="mail.mt_note")
        return entries.with_env(self.env)

    def _chatter_body(self):
        self.ensure_one()
        if self.scope == "marketing":
            if self.status == "opt_out":
                return self.env._("Stopped marketing messages (%(origin)s): %(why)s",
                                  origin=self._source_label(), why=self.note)
            return self.env._("Resumed marketing messages (%(origin)s): %(why)s",
                              origin=self._source_label(), why=self.note)
        if self.status == "opt_out":
            return self.env._("Opted out of templates (%(origin)s): %(why)s",
                              origin=self._source_label(), why=self.note)
        return self.env._("Opted in to templates again, recorded by %(user)s: %(why)s",
                          user=self.user_id.name or self._source_label(), why=self.note)

    def _source_label(self):
        return dict(self._fields["source"]._description_selection(self.env))[self.source]

    @api.model
    def _latest(self, connection, customer_hash, scope="all"):
        """The customer's last entry of ``scope`` on ``connection``, whatever conversation
        it was on."""
        if not customer_hash:
            return self.browse()
        # sudo: whatsapp.inbox.consent - checked on behalf of the inbox's own helpers
        return self.sudo().search([("connection_id", "=", connection.id),
                                   ("customer_hash", "=", customer_hash),
                                   ("scope", "=", scope)],
                                  order="id desc", limit=1)

    @api.model
    def _record_stop_keywords(self, messages):
        """Opt out the senders of inbound messages that are a stop keyword alone."""
        candidates = messages.filtered(
            lambda m: m.direction == "in" and m.message_type in ("text", "button")
            and m.body and len(m.body) <= 30)
        if not candidates:
            return self.browse()
        keywords = self.env["whatsapp.inbox.stop.keyword"]._active_names()
        stops = self.env["whatsapp.inbox.message"]
        for message in candidates:
            if _normalize(message.body) in keywords and message.conversation_id not in \
                    stops.conversation_id and not message.conversation_id.opted_out:
                stops |= message
        return self._record(stops.conversation_id, "opt_out", "keyword", messages=stops) \
            if stops else self.browse()
