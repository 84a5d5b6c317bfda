from odoo import api, models

from ..tools import phone


class WhatsappInboxConversation(models.Model):
    """Customers writing in: finding (or creating) their conversation, recognising their
    contact, and what their messages do to the conversation."""

    _inherit = "whatsapp.inbox.conversation"

    @api.model
    def _find_or_create_for_customers(self, customers):
        """The conversation of each customer, created when missing.

        :param dict customers: ``{(connection, customer): {"bsuid", "parent_bsuid",
            "contact_name", "username"}}``, ``customer`` being the WhatsApp id (digits) or,
            for customers who hide their number behind a username, their business-scoped
            user id
        :return: ``{(connection, customer): conversation}``

        Both spellings of a Brazilian mobile (with and without the ninth digit) find one
        conversation, even when both arrive in one batch. A conversation whose customer had
        no contact is linked to the contact registered since with that number.
        """
        if not customers:
            return {}
        variants = {key: phone.wa_id_variants(key[1]) for key in customers}
        existing = self.search([
            ("connection_id", "in", list({connection.id for connection, _c in customers})),
            "|", ("wa_id", "in", list({v for vs in variants.values() for v in vs})),
            ("bsuid", "in", [p["bsuid"] for p in customers.values() if p.get("bsuid")]),
        ])
        by_wa_id = {(c.connection_id.id, c.wa_id): c for c in existing}
        by_bsuid = {(c.connection_id.id, c.bsuid): c for c in existing if c.bsuid}
        result, missing = {}, {}
        for key, profile in customers.items():
            connection, customer = key
            conversation = next((by_wa_id[(connection.id, v)] for v in variants[key]
                                 if (connection.id, v) in by_wa_id), None)
            conversation = conversation or by_bsuid.get((connection.id, profile.get("bsuid")))
            if conversation:
                result[key] = conversation
            else:
                # the customer's other spelling may be new in this batch too
                identity = phone.match_key(customer) if customer.isdigit() else None
                missing.setdefault((connection, identity or customer), []).append(key)
        created = self._create_for_customers(
            [(keys[0], customers[keys[0]]) for keys in missing.values()])
        for keys, conversation in zip(missing.values(), created, strict=True):
            result.update(dict.fromkeys(keys, conversation))
        existing.filtered(lambda c: not c.partner_id)._link_registered_contacts()
        for key, conversation in result.items():
            profile = customers[key]
            updates = {fname: profile[fname] for fname in ("contact_name", "username", "bsuid",
                                                           "parent_bsuid")
                       if profile.get(fname) and profile[fname] != conversation[fname]}
            if updates:
                conversation.write(updates)
        return result

    @api.model
    def _create_for_customers(self, customers):
        """Conversations of new customers, linked to their contact when one has their number.

        :param list customers: ``[((connection, customer), profile)]``
        """
        if not customers:
            return self.browse()
        matched = self._match_contacts([key for key, _profile in customers])
        # tracking_disable: nothing to track on creation, and no follower to subscribe
        return self.with_context(mail_create_nolog=True, tracking_disable=True).create([
            {
                "connection_id": connection.id,
                # given, so that it is not computed again with an UPDATE
                "company_id": connection.company_id.id,
                "wa_id": customer,
                "bsuid": profile.get("bsuid") or False,
                "parent_bsuid": profile.get("parent_bsuid") or False,
                "contact_name": profile.get("contact_name") or False,
                "username": profile.get("username") or False,
                "partner_id": matched.get((connection, customer), False),
                "origin_id": connection.default_origin_id.id,
            }
            for (connection, customer), profile in customers
        ]).with_env(self.env)

    def _link_registered_contacts(self):
        """Link conversations without contact to the contact registered since with their
        number (one query per company)."""
        matched = self._match_contacts([(c.connection_id, c.wa_id) for c in self])
        for conversation in self:
            partner_id = matched.get((conversation.connection_id, conversation.wa_id))
            if partner_id:
                conversation.partner_id = partner_id

    @api.model
    def _match_contacts(self, customers):
        """``{(connection, customer): partner id}`` of the customers (digits only) a contact of
        the connection's company has the number of."""
        keys = {(connection, customer): phone.match_key(customer)
                for connection, customer in customers if customer and customer.isdigit()}
        result = {}
        for company in {connection.company_id for connection, _customer in keys}:
            of_company = {pair: key for pair, key in keys.items()
                          if pair[0].company_id == company}
            partners = self.env["res.partner"]._whatsapp_inbox_match(of_company.values(), company)
            result.update({pair: partners[key].id for pair, key in of_company.items()
                           if key in partners})
        return result

    def _receive_messages(self, messages):
        """What new customer ``messages`` of this conversation (in time order) do to it.

        It becomes unread; a message asking for an answer (not a reaction) also opens the
        24-hour window and, in Not started or Finalized, queues it as Waiting. Messages may
        arrive late and out of order: times only move forward.
        """
        self.ensure_one()
        waking = [m.timestamp for m in messages if m.message_type != "reaction"]
        first_at, last_at = min(waking or [messages[0].timestamp]), messages[-1].timestamp
        vals = {"unread": True, "last_message_at": max(last_at, self.last_message_at or last_at)}
        if last_at >= (self.last_message_at or last_at):
            vals["last_message_preview"] = messages[-1]._preview()
        if waking:
            vals["last_inbound_at"] = max(last_at, self.last_inbound_at or last_at)
            vals.update(self._prepare_unanswered_vals(waking))
            if self._can_transition("customer_message"):
                return self._transition("customer_message", waiting_since=first_at, **vals)
            if self.state == "waiting":
                vals["waiting_since"] = min(first_at, self.waiting_since or first_at)
        return self.write(vals)
