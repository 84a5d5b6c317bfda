from markupsafe import Markup

from odoo import api, fields, models

from ..tools import phone as phone_tools


class WhatsappInboxLinkContact(models.TransientModel):
    """Link a conversation to an existing contact. The conversation keeps its customer's
    name (the contact shows as its linked contact); the number is saved on the contact,
    formatted, only when the contact has none: a number it has is never replaced."""

    _name = "whatsapp.inbox.link.contact"
    _description = "Link WhatsApp Conversation to a Contact"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True)
    phone = fields.Char(related="conversation_id.phone")
    partner_id = fields.Many2one("res.partner", "Contact", required=True)
    partner_number = fields.Char(
        "Contact's number", compute="_compute_partner_number",
        help="The contact's mobile, else its phone: it stays as it is.")
    store_number = fields.Boolean(
        "Save the number on the contact", default=True,
        help="Next time this number writes, it is recognised at once.")

    @api.depends("partner_id")
    def _compute_partner_number(self):
        for wizard in self:
            wizard.partner_number = wizard.partner_id.mobile or wizard.partner_id.phone

    def action_link(self):
        self.ensure_one()
        conversation, partner = self.conversation_id, self.partner_id
        number = conversation.phone
        saved = self.store_number and number and not (partner.mobile or partner.phone)
        if saved:
            country = partner.country_id or conversation.company_id.country_id
            partner.mobile = partner._phone_format(
                number=number, country=country, force_format="INTERNATIONAL") or number
        conversation._link_partner(partner)
        known = (partner.whatsapp_inbox_mobile_key, partner.whatsapp_inbox_phone_key)
        if number and not saved and self.partner_number \
                and phone_tools.match_key(number) not in known:
            conversation._message_log(body=Markup("<p>%s</p>") % self.env._(
                "The number %(number)s was not saved on %(contact)s, who already has "
                "%(theirs)s.", number=number, contact=partner.display_name,
                theirs=self.partner_number))
        return {"type": "ir.actions.act_window_close"}
