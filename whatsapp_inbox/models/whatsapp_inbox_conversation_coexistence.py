from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import phone
from ..tools.graph_api import GraphApiError


class WhatsappInboxConversation(models.Model):
    """One number on the WhatsApp Business app and the Cloud API (coexistence), and Meta's
    agent answering some conversations (``standby``, ``messaging_handovers``)."""

    _inherit = "whatsapp.inbox.conversation"

    handled_by = fields.Selection(
        [("inbox", "This inbox"), ("meta_agent", "Meta's agent")],
        default="inbox", required=True, copy=False, index=True,
        help="Who answers the customer: Meta's agent (its conversations arrive on "
             "standby) until someone takes the conversation over.")
    handover_at = fields.Datetime("Handed over on", readonly=True, copy=False)

    def _record_past_messages(self, messages):
        """What messages written elsewhere (in time order) change: the last message, and
        for Meta's agent's conversations, who handles it and the 24-hour window. Never the
        state, never unread, never the window for what the business wrote."""
        self.ensure_one()
        last_at = messages[-1].timestamp
        vals = {}
        if last_at >= (self.last_message_at or last_at):
            vals.update(last_message_at=last_at, last_message_preview=messages[-1]._preview())
        outbound = messages.filtered(lambda m: m.direction == "out")[-1:]
        if outbound and outbound.timestamp > (self.last_outbound_at or outbound.timestamp.min):
            vals.update(last_outbound_at=outbound.timestamp,
                        **self._prepare_answered_vals(outbound.timestamp))
        if vals:
            self.write(vals)
        standby = messages.filtered(lambda m: m.origin == "standby")
        inbound = standby.filtered(lambda m: m.direction == "in")
        if inbound:
            # after our reply is recorded: what it answered is not unanswered
            vals = self._prepare_unanswered_vals(
                inbound.filtered(lambda m: m.message_type != "reaction").mapped("timestamp"))
            if inbound[-1].timestamp > (self.last_inbound_at or inbound[-1].timestamp.min):
                vals["last_inbound_at"] = inbound[-1].timestamp
            if vals:
                self.write(vals)
        if standby:
            self._set_handler("meta_agent")

    def _receive_messages(self, messages):
        # a customer message on the ``messages`` field: this app holds the conversation
        self._set_handler("inbox")
        return super()._receive_messages(messages)

    def _queue_outbound(self, vals, chatter_body, automated=False):
        # a reply from this app makes it the conversation's handler (Meta's standby rule)
        self._set_handler("inbox")
        return super()._queue_outbound(vals, chatter_body, automated=automated)

    def _set_handler(self, handled_by, at=None):
        """Record who answers the customers now, and move the conversations whose handler
        changes: to Automated while Meta's agent answers (``meta_agent`` arrow), back to
        Waiting from there when this inbox holds them again (``release_bot``).

        :return: the conversations whose handler changed
        """
        changed = self.filtered(lambda c: c.handled_by != handled_by)
        if not changed:
            return changed
        changed.write({"handled_by": handled_by, "handover_at": at or fields.Datetime.now()})
        if handled_by == "meta_agent":
            changed.filtered(lambda c: c._can_transition("meta_agent"))._transition("meta_agent")
        else:
            changed.filtered(lambda c: c._can_transition("release_bot"))._transition("release_bot")
        return changed

    @api.model
    def _apply_handovers(self, items):
        """``messaging_handovers``: record who answers each customer now.

        :param list items: ``[(connection, webhook.Handover)]``
        :return: the conversations changed
        """
        customers = {(connection, handover.customer): {"bsuid": handover.bsuid}
                     for connection, handover in items}
        conversations = self._find_or_create_for_customers(customers)
        changed = self.browse()
        for connection, handover in items:
            conversation = conversations[(connection, handover.customer)]
            changed |= conversation._set_handler(
                "inbox" if handover.to_us else "meta_agent", handover.timestamp)
            conversation.message_post(
                body=Markup("<p>%s</p><pre>%s</pre>") % (
                    self.env._("Meta's agent handed the conversation over to this inbox.")
                    if handover.to_us else
                    self.env._("Meta's agent answers this conversation."), handover.raw),
                subtype_xmlid="mail.mt_note")
        return changed

    def action_take_over(self):
        """Take the conversation from Meta's agent (Graph API thread control)."""
        for conversation in self:
            conversation.check_access("write")
            try:
                conversation.connection_id._api().take_thread_control(
                    conversation._recipient())
            except GraphApiError as error:
                raise UserError(self.env._("Meta refused the take-over: %s", error.message)) \
                    from error
            conversation._set_handler("inbox")
            conversation.message_post(
                body=self.env._("%s took the conversation over from Meta's agent.",
                                self.env.user.name),
                subtype_xmlid="mail.mt_note")
        self._notify_refresh()
        return True

    @api.model
    def _apply_contact_syncs(self, items):
        """``smb_app_state_sync``: the WhatsApp Business app's address book. A contact added
        or edited is matched to the contact with its number in the connection's company, or
        created; the conversations of that number are linked to it. Removals change nothing
        (the Odoo contact may serve elsewhere).

        :param list items: ``[(connection, webhook.ContactSync)]``
        :return: the contacts matched or created
        """
        Partner = self.env["res.partner"]
        partners = Partner.browse()
        for company in {connection.company_id for connection, _sync in items}:
            syncs = [(c, s) for c, s in items if c.company_id == company and s.action != "remove"]
            keys = {sync.phone: phone.match_key(sync.phone) for _c, sync in syncs}
            matched = Partner._whatsapp_inbox_match(set(keys.values()), company)
            for connection, sync in syncs:
                partner = matched.get(keys[sync.phone])
                if not partner:
                    # sudo: res.partner - the webhook runs as public, contacts are created
                    # for the connection's company
                    partner = Partner.sudo().create({
                        "name": sync.full_name or sync.first_name or sync.phone,
                        "phone": phone.wa_id_to_e164(sync.phone),
                        "company_id": company.id,
                    })
                    matched[keys[sync.phone]] = partner
                partners |= partner
                conversations = self.search([
                    ("connection_id", "=", connection.id),
                    ("wa_id", "in", phone.wa_id_variants(sync.phone)),
                    ("partner_id", "=", False)])
                conversations.partner_id = partner
        return partners
