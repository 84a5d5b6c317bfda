from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, plaintext2html

from ..tools import phone


class WhatsappInboxConversation(models.Model):
    """What attendants do from the inbox (take, transfer, link contacts) and replies from
    the chatter."""

    _inherit = "whatsapp.inbox.conversation"

    # ------------------------------------------------------------
    # Attendants' actions
    # ------------------------------------------------------------

    def action_take(self):
        """Assign the conversations to me; an automation handling them stops. The agent I
        take one from is told (Odoo inbox and a toast): it leaves their Mine."""
        me = self.env.user
        for conversation in self:
            previous = conversation.user_id
            if conversation.state == "bot":
                conversation.action_release_bot()
            conversation.user_id = me
            if not previous or previous == me:
                conversation._message_log(body=self.env._("Taken by %s.", me.name))
                continue
            conversation.message_post(
                body=self.env._("Taken from %(previous)s by %(agent)s.",
                                previous=previous.name, agent=me.name),
                subtype_xmlid="mail.mt_note", partner_ids=previous.partner_id.ids)
            conversation._toast(previous, self.env._(
                "%(agent)s took %(conversation)s from you.", agent=me.name,
                conversation=conversation.display_name))
        self._notify_refresh()
        return True

    def _transfer(self, user=None, department=None, note=None):
        """Hand the conversations to ``user`` and/or ``department``; state unchanged.

        The new agent is notified (Odoo inbox) and finds them under Mine.
        """
        if not user and not department:
            raise UserError(self.env._("Choose an agent or a department."))
        if user and not user.has_group("whatsapp_inbox.group_agent"):
            raise UserError(self.env._("%s is not a WhatsApp agent.", user.name))
        for conversation in self:
            vals = {}
            if department:
                vals["department_id"] = department.id
            if user:
                vals["user_id"] = user.id
            elif department and conversation.user_id not in department.member_ids:
                vals["user_id"] = False
            conversation.write(vals)
            target = ", ".join(filter(None, [user.name if user else None,
                                             department.name if department else None]))
            body = Markup("<p>%s</p>") % self.env._("Transferred to %(target)s by %(agent)s.",
                                                    target=target, agent=self.env.user.name)
            if note:
                body += plaintext2html(note)
            conversation.message_post(body=body, subtype_xmlid="mail.mt_note",
                                      partner_ids=user.partner_id.ids if user else [])
        self._auto_assign()
        self._notify_refresh()
        for conversation in self:
            conversation._notify_agents(self.env._("Conversation transferred to you: %s",
                                                   conversation.display_name))
        return True

    def action_open_transfer(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer"),
            "res_model": "whatsapp.inbox.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_ids": self.ids},
        }

    def action_open_link_contact(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to existing contact"),
            "res_model": "whatsapp.inbox.link.contact",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def action_register_contact(self):
        """Register the customer as a new contact, prefilled from the profile name and
        number; the contact is created only when the agent confirms."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Register new contact"),
            "res_model": "whatsapp.inbox.register.contact",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def _link_partner(self, partner, store_number=False):
        """Link the conversation to ``partner``; with ``store_number``, save the number on
        it, formatted, when it has none (a number it has is never replaced: the chatter
        says the customer's was not saved)."""
        self.ensure_one()
        number = self.phone
        known = (partner.whatsapp_inbox_mobile_key, partner.whatsapp_inbox_phone_key)
        if store_number and number and phone.match_key(number) not in known:
            if not (partner.mobile or partner.phone):
                country = partner.country_id or self.company_id.country_id
                partner.mobile = partner._phone_format(
                    number=number, country=country, force_format="INTERNATIONAL") or number
            else:
                self._message_log(body=Markup("<p>%s</p>") % self.env._(
                    "The number %(number)s was not saved on %(contact)s, who already has "
                    "%(theirs)s.", number=number, contact=partner.display_name,
                    theirs=partner.mobile or partner.phone))
        partner_vals = {}
        if self.lead_status_id and not partner.whatsapp_inbox_lead_status_id:
            partner_vals["whatsapp_inbox_lead_status_id"] = self.lead_status_id.id
        if self.origin_id and not partner.whatsapp_inbox_origin_id:
            partner_vals["whatsapp_inbox_origin_id"] = self.origin_id.id
        partner.write(partner_vals)
        self.partner_id = partner
        self.message_post(body=self.env._("Linked to contact %s.", partner.display_name),
                          subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------

    def _message_get_suggested_recipients(self):
        # never suggest emailing the customer: they are answered on WhatsApp
        return []

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """A person's comment ("Send message" in the chatter) on a WhatsApp conversation goes
        to the customer on WhatsApp; notes and system messages stay internal. Posting never
        makes its author a follower: nothing grows per agent."""
        if self._is_agent_reply(kwargs):
            return self._send_from_html(kwargs.get("body") or "",
                                        kwargs.get("attachment_ids") or [])
        return super(WhatsappInboxConversation, self.with_context(
            mail_create_nosubscribe=True)).message_post(**kwargs)

    def _is_agent_reply(self, post_values):
        subtype_xmlid = post_values.get("subtype_xmlid")
        subtype_id = post_values.get("subtype_id")
        is_comment = subtype_xmlid == "mail.mt_comment" or (
            subtype_id and subtype_id == self.env.ref("mail.mt_comment").id)
        return (len(self) == 1 and is_comment and self.channel == "whatsapp"
                and post_values.get("message_type", "notification") == "comment"
                and self.env.user._is_internal() and not self.env.user._is_superuser())

    def _send_from_html(self, body, attachment_ids):
        """Send an HTML body (the chatter's) and its attachments; return the chatter line."""
        self.ensure_one()
        text = html2plaintext(body).strip() if body else ""
        attachments = self.env["ir.attachment"].browse(attachment_ids)
        message = self.env["whatsapp.inbox.message"]
        for index, attachment in enumerate(attachments):
            message = self._send_attachment(attachment, text if index == 0 else "")
        if text and not attachments:
            message = self._send_text(text)
        if not message:
            raise UserError(self.env._("Write a message first."))
        return message.mail_message_id
