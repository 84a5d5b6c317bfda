import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from ..tools import phone
from ..tools.erasure import MODES

NUMBER = re.compile(r"^\+?[\d\s().-]+$")


class WhatsappInboxErase(models.TransientModel):
    """An administrator erases or anonymises one customer's data (LGPD/GDPR request)
    on one of our numbers or on all of them."""

    _name = "whatsapp.inbox.erase"
    _description = "Erase a WhatsApp Customer"

    customer = fields.Char(
        "Number or WhatsApp ID",
        help="The customer's phone number in any spelling, their WhatsApp id, "
             "business-scoped user id or email address.")
    partner_id = fields.Many2one(
        "res.partner", "Contact",
        help="Its conversations and those of its phone numbers. The contact itself is "
             "kept: archive or delete it with Odoo's own tools.")
    connection_id = fields.Many2one("whatsapp.inbox.connection",
                                    help="Empty: on every connection.")
    mode = fields.Selection(
        MODES, required=True, default="erase",
        help="Erase deletes the conversations. Anonymise keeps them for the statistics "
             "(states, times, agents), without identity nor content.")
    reason = fields.Text(
        required=True,
        help="The request you honour (date, channel, reference), kept in the erasure "
             "log. No personal data here.")
    conversation_ids = fields.Many2many("whatsapp.inbox.conversation",
                                        compute="_compute_conversation_ids")

    @api.depends("customer", "partner_id", "connection_id")
    def _compute_conversation_ids(self):
        for wizard in self:
            wizard.conversation_ids = wizard._find_conversations()

    def _customer_ids(self):
        """Every spelling of the customer's WhatsApp ids: those of the number typed
        and of the contact's numbers, or what was typed as it is (a business-scoped
        user id). An email address is no WhatsApp id."""
        typed = (self.customer or "").strip()
        numbers = [self.partner_id.phone, self.partner_id.mobile]
        ids = set()
        if NUMBER.match(typed):
            numbers.append(typed)
        elif typed and "@" not in typed:
            ids.add(typed)
        region = (self.partner_id.country_id or self.env.company.country_id).code
        for number in filter(None, numbers):
            international = number.startswith("+") or number.isdigit()
            key = phone.match_key(number, region=None if international else region)
            if key:
                ids.update(phone.wa_id_variants(key))
            elif number.isdigit():
                ids.add(number)  # a WhatsApp id that is no valid number
        return ids

    def _find_conversations(self):
        ids = self._customer_ids()
        if not ids and not self.partner_id:
            return self.env["whatsapp.inbox.conversation"]
        clauses = [[("wa_id", "in", list(ids))], [("bsuid", "in", list(ids))],
                   [("phone", "in", [f"+{i}" for i in ids if i.isdigit()])]]
        if "@" in (self.customer or ""):
            clauses.append([("email", "=ilike", self.customer.strip())])
        if self.partner_id:
            clauses.append([("partner_id", "=", self.partner_id.id)])
        domain = expression.OR(clauses)
        if self.connection_id:
            domain = expression.AND([domain, [("connection_id", "=", self.connection_id.id)]])
        # every company of the administrator, whichever ones are active now
        return self.env["whatsapp.inbox.conversation"].with_context(
            allowed_company_ids=self.env.user.company_ids.ids).search(domain)

    def _masked_customer(self, ids):
        """Who, for the log, without their data: “M**** S****”, “+55*********21”."""
        if self.partner_id:
            return _mask(self.partner_id.name)
        number = next(filter(None, (phone.wa_id_to_e164(i) for i in sorted(ids))), None)
        return _mask(number or self.customer.strip())

    @api.model
    def _action_open_for_partner(self, partners):
        """The wizard for a contact's customer data (its form's Action menu)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Erase customer data"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": partners[:1].id},
        }

    def action_erase(self):
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators erase customer data."))
        ids = self._customer_ids()
        if not ids and not self.partner_id:
            raise UserError(self.env._("Give the customer's number or contact."))
        conversations = self._find_conversations()
        # sudo: whatsapp.inbox.erasure - every trace of the customer goes, whatever
        # its company or author; the user is an administrator (checked above)
        log = self.env["whatsapp.inbox.erasure"].sudo()._erase(
            conversations, self.mode,
            {self.connection_id.phone_number_id or None: ids},
            name=self._masked_customer(ids), origin="request", connection_id=self.connection_id.id,
            reason=self.reason)
        self.unlink()  # the wizard holds the customer's number too
        return {
            "type": "ir.actions.act_window",
            "res_model": log._name,
            "res_id": log.id,
            "view_mode": "form",
            # the erased conversation's form is gone: start the breadcrumbs afresh
            "target": "main",
        }


def _mask(text):
    """“Maria Silva” -> “M**** S****”, “+5511987654321” -> “+55*********21”."""
    if len(text) <= 5:
        return "*" * len(text)
    if any(char.isdigit() for char in text):
        return text[:3] + "*" * (len(text) - 5) + text[-2:]
    return " ".join(word[0] + "*" * (len(word) - 1) for word in text.split())
