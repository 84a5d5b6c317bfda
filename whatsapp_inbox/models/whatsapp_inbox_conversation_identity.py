from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import phone


class WhatsappInboxConversation(models.Model):
    """Customers who hide their number behind a username: they are known by their
    business-scoped user id (BSUID) until they share their number on request."""

    _inherit = "whatsapp.inbox.conversation"

    parent_bsuid = fields.Char(
        "Parent Business-Scoped User ID", index="btree_not_null", readonly=True,
        help="The customer's id across the business portfolios of a parent BSUID account "
             "(\"BR.ENT.…\"), when Meta enabled parent BSUIDs for yours.")
    username_only = fields.Boolean(
        compute="_compute_username_only",
        help="The customer's number is unknown: replies go to their business-scoped user id.")

    @api.depends("wa_id", "channel", "phone")
    def _compute_username_only(self):
        for conversation in self:
            conversation.username_only = conversation.channel == "whatsapp" and bool(
                conversation.wa_id) and not conversation.wa_id.isdigit() \
                and not conversation.phone

    def _customer_lang(self):
        """The language the customer is written to in (the survey; templates in it come
        first): their contact's, else the one of their number's country among those
        installed (``pt_BR`` for +55), else the company's."""
        self.ensure_one()
        company_lang = self.company_id.partner_id.lang
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        return (self.partner_id.lang
                or phone.lang_of_region(phone.region_of(self.phone or self.wa_id), installed,
                                        preferred=company_lang)
                or company_lang or self.env.lang)

    def _recipient(self):
        """Whom the Graph API sends to: the number (``to``) when known, the one the customer
        shared included, else the BSUID (``recipient``); see
        ``WhatsAppCloudApi.send_message``."""
        self.ensure_one()
        if self.wa_id and self.wa_id.isdigit():
            return self.wa_id
        shared = "".join(c for c in self.phone or "" if c.isdigit())
        return shared or self.bsuid or self.wa_id

    def _send_template(self, template, values, **kwargs):
        if template.category == "AUTHENTICATION" and self.username_only:
            raise UserError(self.env._(
                "%s hides their number behind a username: WhatsApp refuses authentication "
                "templates to them. Ask for their phone number first.", self.display_name))
        return super()._send_template(template, values, **kwargs)

    def action_ask_phone_number(self):
        """Send the request-contact-info message: the customer shares their number with one
        tap (it arrives as a contacts message, see :meth:`_link_shared_numbers`)."""
        self.ensure_one()
        self._check_window()
        body = self.env._("Could you share your phone number with us? Tap the button below.")
        self._queue_outbound(
            {"message_type": "interactive", "body": body, "request_contact_info": True},
            Markup("<p><em>%s</em></p>") % self.env._("Asked for the phone number")
            + Markup("<p>%s</p>") % body)
        return True

    @api.model
    def _link_shared_numbers(self, items):
        """Customers shared their number on our request: record it, link the contact with
        that number, and merge it with the contact already linked (Odoo's contact merge).

        :param list items: ``[(connection, webhook.Message)]``, contacts messages whose
            ``shared_wa_id`` is the number shared
        :return: the conversations
        """
        if not items:
            return self.browse()
        messages = self.env["whatsapp.inbox.message"].search(
            [("wamid", "in", [record.wamid for _connection, record in items])])
        by_wamid = {message.wamid: message for message in messages}
        conversations = self.browse()
        for _connection, record in items:
            conversation = by_wamid[record.wamid].conversation_id
            conversations |= conversation
            e164 = phone.wa_id_to_e164(record.shared_wa_id)
            conversation.write({"phone": e164})
            Partner = self.env["res.partner"]
            matched = Partner._whatsapp_inbox_match(
                [phone.match_key(record.shared_wa_id)], conversation.company_id)
            partner = next(iter(matched.values()), Partner)
            current = conversation.partner_id
            if current and partner and partner != current:
                conversation._merge_contacts(current | partner, partner)
            elif current and not (current.phone or current.mobile):
                current.mobile = e164
            elif partner:
                conversation.partner_id = partner
            conversation.message_post(
                body=self.env._("The customer shared their number: %s", e164),
                subtype_xmlid="mail.mt_note")
        return conversations

    def _merge_contacts(self, partners, destination):
        """Merge duplicate contacts with Odoo's own merge (the wizard's ``_merge``): every
        reference, the conversations' included, moves to ``destination``."""
        self.ensure_one()
        wizard = self.env["base.partner.merge.automatic.wizard"]
        # sudo: base.partner.merge.automatic.wizard - the merge itself is Odoo's; the
        # customer proved both are them by sharing their number
        wizard.sudo().with_context(active_test=False)._merge(
            partners.ids, destination.sudo(), extra_checks=False)
        self.message_post(body=self.env._("Contacts merged into %s.", destination.display_name),
                          subtype_xmlid="mail.mt_note")


class WhatsappInboxMessage(models.Model):
    _inherit = "whatsapp.inbox.message"

    request_contact_info = fields.Boolean(
        readonly=True, copy=False,
        help="An interactive message asking the customer to share their phone number.")

    def _prepare_api_content(self, cloud):
        if self.message_type == "interactive" and self.request_contact_info:
            return "interactive", {"type": "request_contact_info", "body": {"text": self.body},
                                   "action": {"name": "request_contact_info"}}
        return super()._prepare_api_content(cloud)
