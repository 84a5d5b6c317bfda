import unicodedata

from odoo import api, fields, models, tools


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
    """Ledger of opt-outs and opt-ins: who, when, how. Entries are never edited."""

    _name = "whatsapp.inbox.consent"
    _description = "WhatsApp Consent"
    _order = "create_date desc, id desc"

    conversation_id = fields.Many2one(
        "whatsapp.inbox.conversation", required=True, index=True, ondelete="cascade")
    connection_id = fields.Many2one(related="conversation_id.connection_id", store=True)
    company_id = fields.Many2one(related="conversation_id.company_id", store=True)
    wa_id = fields.Char(related="conversation_id.wa_id", store=True)
    partner_id = fields.Many2one(related="conversation_id.partner_id")
    status = fields.Selection([("opt_out", "Opted out"), ("opt_in", "Opted in")], required=True)
    source = fields.Selection(
        [("keyword", "Stop keyword"), ("agent", "Recorded by an agent"), ("api", "API")],
        required=True)
    message_id = fields.Many2one("whatsapp.inbox.message", ondelete="set null")
    note = fields.Char()
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        for entry in entries:
            # sudo: whatsapp.inbox.conversation - the ledger is the only writer of opted_out
            entry.conversation_id.sudo().opted_out = entry.status == "opt_out"
            entry.conversation_id.message_post(
                body=self.env._("Opted out of templates (%s).", entry.note or entry.source)
                if entry.status == "opt_out"
                else self.env._("Opted in to templates again (recorded by %s).",
                                entry.user_id.name),
                subtype_xmlid="mail.mt_note")
        return entries

    @api.model
    def _record_stop_keywords(self, messages):
        """Opt out the senders of inbound messages that are a stop keyword alone."""
        candidates = messages.filtered(
            lambda m: m.direction == "in" and m.message_type in ("text", "button")
            and m.body and len(m.body) <= 30)
        if not candidates:
            return self.browse()
        keywords = self.env["whatsapp.inbox.stop.keyword"]._active_names()
        return self.create([
            {"conversation_id": message.conversation_id.id, "status": "opt_out",
             "source": "keyword", "message_id": message.id, "note": message.body}
            for message in candidates
            if _normalize(message.body) in keywords and not message.conversation_id.opted_out
        ])
