"""What the Inbox workspace's buttons and composer call: each is a thin entry point that
checks what the browser sent and calls the inbox's own door (the send door, ``_transfer``,
``_link_partner``), as the user."""

import re

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import escape_psql, plaintext2html

from ..tools import interactive, phone


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    @api.model
    def workspace_search_partners(self, query, limit=8):
        """Contacts matching ``query`` by name, phone, e-mail or VAT (CPF/CNPJ)."""
        query = (query or "").strip()
        if len(query) < 2:
            return []
        domain = ["|", "|", "|", "|", ("name", "ilike", query), ("email", "ilike", query),
                  ("vat", "ilike", query), ("phone", "ilike", query), ("mobile", "ilike", query)]
        # a number typed in any spelling (+55 11 98765-4321, 11987654321...) finds the
        # contact by its indexed match keys; local numbers are read in the company's country
        keys = {phone.match_key(query), phone.match_key(query, self.env.company.country_id.code)}
        keys.discard(False)
        if len(re.sub(r"\D", "", query)) >= 8 and keys:
            domain = ["|", "|", ("whatsapp_inbox_mobile_key", "in", list(keys)),
                      ("whatsapp_inbox_phone_key", "in", list(keys))] + domain
        partners = self.env["res.partner"].search_fetch(
            domain, ["name", "email", "phone", "mobile", "vat"], limit=limit)
        return [{"id": partner.id, "name": partner.name or "", "email": partner.email or "",
                 "phone": partner.mobile or partner.phone or "", "vat": partner.vat or ""}
                for partner in partners]

    @api.model
    def workspace_quick_replies(self, conversation_id, term, limit=8):
        """Canned responses after "/" in the composer: the shortcut equal to ``term``
        first, then those starting with it, then those containing it (the last used first
        within each), each text filled in for this conversation as it will be sent.

        :return: ``[{"id", "source", "substitution"}]``
        """
        conversation = self.browse(conversation_id)
        Canned = self.env["mail.canned.response"]
        found = Canned
        term = escape_psql(term or "")
        for pattern in (term, f"{term}%", f"%{term}%"):
            if len(found) >= limit:
                break
            found |= Canned.search([("source", "=ilike", pattern), ("id", "not in", found.ids)],
                                   order="last_used desc nulls last, source",
                                   limit=limit - len(found))
        return [{"id": reply.id, "source": reply.source,
                 "substitution": conversation._fill_placeholders(reply.substitution or "")}
                for reply in found]

    @api.model
    def workspace_send(self, conversation_id, body="", attachment_ids=(), reply_to_id=None):
        """The composer's Enter: text, or files (the text as the first one's caption),
        optionally quoting WhatsApp message ``reply_to_id``."""
        conversation = self.browse(conversation_id)
        attachments = conversation._workspace_attachments(attachment_ids)
        body = (body or "").strip()
        if not body and not attachments:
            raise UserError(self.env._("Write a message first."))
        for index, attachment in enumerate(attachments):
            conversation._send_attachment(attachment, body if index == 0 else "")
        if body and not attachments:
            reply_to = self.env["whatsapp.inbox.message"].browse(reply_to_id or [])
            if reply_to and reply_to.conversation_id != conversation:
                reply_to = reply_to.browse()
            conversation._send_text(body, reply_to=reply_to.wamid or None)
        return True

    @api.model
    def workspace_post_note(self, conversation_id, body, attachment_ids=()):
        """An internal note: seen by colleagues, never sent to the customer."""
        conversation = self.browse(conversation_id)
        attachments = conversation._workspace_attachments(attachment_ids)
        if not (body or "").strip() and not attachments:
            raise UserError(self.env._("Write a note first."))
        conversation.message_post(body=plaintext2html((body or "").strip()),
                                  message_type="comment", subtype_xmlid="mail.mt_note",
                                  attachment_ids=attachments.ids)
        return True

    def _workspace_attachments(self, attachment_ids):
        """Files the user uploaded to this conversation (and no other record)."""
        self.ensure_one()
        attachments = self.env["ir.attachment"].browse(attachment_ids).exists()
        attachments.check_access("read")
        if attachments.filtered(lambda a: (a.res_model, a.res_id) != (self._name, self.id)):
            raise UserError(self.env._("These files were not attached to this conversation."))
        return attachments

    @api.model
    def workspace_react(self, conversation_id, message_id, emoji):
        """React to WhatsApp message ``message_id`` (an empty ``emoji`` removes it)."""
        conversation = self.browse(conversation_id)
        message = self.env["whatsapp.inbox.message"].browse(message_id)
        if message.conversation_id != conversation or not message.wamid:
            raise UserError(self.env._("This message cannot get a reaction."))
        conversation._send_reaction(message, emoji or "")
        return True

    @api.model
    def workspace_templates(self, conversation_id):
        """Approved templates of the conversation's number, those in the customer's
        language first (a Brazilian gets ``pt_BR`` ones before ``es``), with their
        variables (header, body, buttons) prefilled from the contact."""
        conversation = self.browse(conversation_id)
        templates = self.env["whatsapp.inbox.template"].search([
            ("connection_id", "=", conversation.connection_id.id), ("status", "=", "APPROVED"),
        ])._sorted_for_lang(conversation._customer_lang())
        return [{
            "id": template.id,
            "name": template.display_name,
            "header_format": template.header_format or "",
            "header": template.header or "",
            "header_file": template.header_attachment_id.name or "",
            "body": template.body or "",
            "footer": template.footer or "",
            "buttons": [{"type": button.button_type, "text": button.text or "",
                         "key": button._key() if button._needs_value() else "",
                         "url": button.url or ""} for button in template.button_ids],
            "variables": [{"key": str(key), "label": label}
                          for key, label in template._variables()],
            "values": {str(key): value for key, value in
                       template._default_values(conversation).items()},
            "billing_warning": conversation._billing_warning(template) or "",
        } for template in templates]

    @api.model
    def workspace_send_template(self, conversation_id, template_id, values, attachment_id=False):
        """Send approved template ``template_id`` with ``values`` (``{"1": "Ana",
        "button_0": "42"}``) and, for a media header, the uploaded ``attachment_id``."""
        conversation = self.browse(conversation_id)
        template = self.env["whatsapp.inbox.template"].browse(template_id)
        attachment = conversation._workspace_attachments([attachment_id] if attachment_id else [])
        conversation._send_template(template, {
            int(key) if key.isdigit() else key: (text or "").strip()
            for key, text in (values or {}).items()}, attachment=attachment)
        return True

    @api.model
    def workspace_send_interactive(self, conversation_id, kind, body, options,
                                   reply_to_id=None):
        """Send ``body`` as an interactive message of ``kind`` (``button``, ``list`` or
        ``cta_url``) with the composer's ``options``; see ``interactive.build``."""
        conversation = self.browse(conversation_id)
        reply_to = self.env["whatsapp.inbox.message"].browse(reply_to_id or [])
        if reply_to and reply_to.conversation_id != conversation:
            reply_to = reply_to.browse()
        try:
            payload = interactive.build(kind, body, options)
        except interactive.InteractiveError as error:
            raise UserError(str(error)) from None
        conversation._send_interactive(payload, reply_to=reply_to.wamid or None)
        return True

    @api.model
    def workspace_typing(self, conversation_id):
        """The agent is typing: show it to the customer (rate-limited in ``_send_typing``)."""
        return self.browse(conversation_id)._send_typing()

    @api.model
    def workspace_transfer_agents(self):
        """Who a conversation can be transferred to: the other agents, each with their
        load (Open and Waiting conversations they hold) and presence (Odoo's
        ``im_status``: online, away, offline), available and least busy first.

        :return: ``[{"id", "name", "load", "im_status"}]``
        """
        agents = self._workspace_agents([("id", "!=", self.env.uid)])
        # one grouped query for all of them (index user_id, state)
        load = dict(self._read_group(
            [("user_id", "in", agents.ids), ("state", "in", ("open", "waiting"))],
            ["user_id"], ["__count"]))
        presence = {"online": 0, "away": 1}
        rows = [{"id": agent.id, "name": agent.name or "", "load": load.get(agent, 0),
                 "im_status": agent.im_status or "offline"} for agent in agents]
        return sorted(rows, key=lambda row: (presence.get(row["im_status"], 2), row["load"],
                                             row["name"].lower()))

    @api.model
    def workspace_transfer(self, conversation_id, user_id=False, department_id=False, note=""):
        """Transfer to an agent and/or a department, with a note the receiver reads."""
        self.browse(conversation_id)._transfer(
            self.env["res.users"].browse(user_id or []),
            self.env["whatsapp.inbox.department"].browse(department_id or []),
            (note or "").strip() or None)
        return True

    @api.model
    def workspace_link_partner(self, conversation_id, partner_id):
        """Link the conversation to contact ``partner_id`` (keeping the number on it)."""
        partner = self.env["res.partner"].browse(partner_id)
        partner.check_access("read")
        self.browse(conversation_id)._link_partner(partner, store_number=True)
        return True
