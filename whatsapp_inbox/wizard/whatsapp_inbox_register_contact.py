from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.phone_validation.tools.phone_validation import phone_get_region_data_for_number

from ..tools import phone
from ..tools.mail import normalize_typed_email


class WhatsappInboxRegisterContact(models.TransientModel):
    """Register the customer of a conversation as a new contact: nothing is created
    until the agent confirms."""

    _name = "whatsapp.inbox.register.contact"
    _description = "Register a WhatsApp Customer as a Contact"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True)
    name = fields.Char(required=True, compute="_compute_name", store=True, readonly=False,
                       precompute=True)
    mobile = fields.Char(compute="_compute_mobile", store=True, readonly=False, precompute=True)
    email = fields.Char(compute="_compute_email", store=True, readonly=False, precompute=True)
    vat = fields.Char("Tax ID")
    country_id = fields.Many2one(
        "res.country", compute="_compute_country_id", store=True, readonly=False,
        precompute=True, help="From the number's country code, until changed.")
    lang = fields.Selection(
        "_get_languages", "Language", compute="_compute_lang", store=True, readonly=False,
        precompute=True, help="The installed language of the country, if there is one.")

    @api.model
    def _get_languages(self):
        return self.env["res.lang"].get_installed()

    @api.depends("conversation_id")
    def _compute_name(self):
        for wizard in self:
            conversation = wizard.conversation_id
            wizard.name = conversation.contact_name or conversation.phone or conversation.wa_id

    @api.depends("conversation_id")
    def _compute_mobile(self):
        for wizard in self:
            wizard.mobile = wizard.conversation_id.phone

    @api.depends("conversation_id")
    def _compute_email(self):
        for wizard in self:
            wizard.email = wizard.conversation_id.email

    @api.depends("mobile")
    def _compute_country_id(self):
        for wizard in self:
            code = wizard.mobile and phone_get_region_data_for_number(wizard.mobile)["code"]
            country = code and self.env["res.country"].search([("code", "=", code)], limit=1)
            wizard.country_id = country or wizard.country_id

    @api.depends("country_id")
    def _compute_lang(self):
        # as the satisfaction survey picks the customer's language (tools.phone)
        installed = [code for code, _name in self._get_languages()]
        company_lang = self.env.company.partner_id.lang
        for wizard in self:
            wizard.lang = phone.lang_of_region(wizard.country_id.code, installed,
                                               preferred=company_lang)

    @api.constrains("email")
    def _check_email(self):
        for wizard in self:
            if wizard.email and not normalize_typed_email(wizard.email):
                raise ValidationError(self.env._("“%s” is not a valid email address.",
                                                 wizard.email))

    def action_register(self):
        self.ensure_one()
        partner_vals = {
            "name": self.name,
            "mobile": self.mobile or False,
            "email": normalize_typed_email(self.email) or False,
            "vat": self.vat or False,
            "country_id": self.country_id.id,
            "company_id": False,
        }
        if self.lang:
            partner_vals["lang"] = self.lang
        partner = self.env["res.partner"].create(partner_vals)
        self.conversation_id._link_partner(partner)
        return {"type": "ir.actions.act_window_close"}
