import json
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import phone, webhook
from ..tools.erasure import MODES
from ..tools.locks import customer_locks

RETENTION_BATCH = 200


class WhatsappInboxErasure(models.Model):
    """One erasure of customer data (LGPD/GDPR): what was removed, by whom, why.

    The record itself holds nothing of the customer (the name is masked). Erasures
    are run by :meth:`_erase`, from the administrators' wizard
    (``whatsapp.inbox.erase``) or the retention cron.
    """

    _name = "whatsapp.inbox.erasure"
    _description = "WhatsApp Customer Erasure"
    _order = "id desc"

    name = fields.Char("Customer", required=True, readonly=True)
    origin = fields.Selection(
        [("request", "Customer request"), ("retention", "Retention period")],
        required=True, readonly=True)
    mode = fields.Selection(MODES, required=True, readonly=True)
    connection_id = fields.Many2one("whatsapp.inbox.connection", readonly=True,
                                    help="Empty: every connection.")
    user_id = fields.Many2one("res.users", "Done by", readonly=True,
                              default=lambda self: self.env.user)
    reason = fields.Text(readonly=True)
    conversation_count = fields.Integer("Conversations", readonly=True)
    message_count = fields.Integer("WhatsApp messages", readonly=True)
    chatter_count = fields.Integer("Chatter lines", readonly=True)
    tracking_count = fields.Integer("Tracked changes", readonly=True)
    attachment_count = fields.Integer("Files", readonly=True)
    activity_count = fields.Integer("Activities", readonly=True)
    sms_count = fields.Integer("Text messages (SMS)", readonly=True)
    event_rewritten_count = fields.Integer("Webhook events rewritten", readonly=True)
    event_deleted_count = fields.Integer("Webhook events deleted", readonly=True)
    consent_count = fields.Integer("Consent entries anonymised", readonly=True)

    @api.model
    def _erase(self, conversations, mode, targets, **log_vals):
        """Erase or anonymise ``conversations`` and every trace of their customers.

        Removed in both modes: the chatter (with its tracking values, notifications
        and emails), files (their content leaves the filestore at the next garbage
        collection, which is triggered), activities, queued SMS, and the customers'
        items in journaled webhook deliveries. Consent entries stay as anonymised
        proof (number hash, connection, date, status). ``erase`` then deletes the
        conversations and their WhatsApp messages; ``anonymize`` keeps them without
        identity nor content, for statistics. Call it as superuser, once the user's
        rights are checked: every trace goes, whatever its company or author.

        :param dict targets: ``{phone_number_id or None: {customer ids}}`` to remove
            from the journal (see ``tools.webhook.strip_customers``), besides the
            conversations' own customers
        :param log_vals: ``name``, ``origin``, ``connection_id``, ``reason`` of the log
        :return: the ``whatsapp.inbox.erasure`` log
        """
        conversations = conversations.with_env(self.env)
        targets = {key: set(ids) for key, ids in targets.items()}
        whatsapp = conversations.filtered(lambda c: c.channel == "whatsapp" and c.wa_id)
        for conversation in whatsapp:
            ids = set(phone.wa_id_variants(conversation.wa_id))
            if conversation.bsuid:
                ids.add(conversation.bsuid)
            targets.setdefault(conversation.connection_id.phone_number_id, set()).update(ids)
        # the webhook's customer locks, held until this transaction ends: a delivery for
        # these customers being processed finishes first, the next one waits for us
        with customer_locks(self.env.cr, [(c.connection_id.id, c.wa_id) for c in whatsapp]):
            counts = {"conversation_count": len(conversations),
                      "consent_count": self._anonymize_consent(conversations, targets)}
            counts.update(self._erase_threads(conversations))
            if mode == "erase":
                counts["message_count"] = len(conversations.wa_message_ids)
                conversations.unlink()
            else:
                counts["message_count"] = self._anonymize_conversations(conversations)
            counts.update(self._strip_events(targets))
            # the files' content leaves the filestore at the next garbage collection
            self.env.ref("base.autovacuum_job")._trigger()
            return self.create({**log_vals, **counts, "mode": mode})

    @api.model
    def _anonymize_consent(self, conversations, targets):
        """Keep the ledger's proof without the customer: hash, connection, date, status.

        Entries of the ``targets`` customers whose conversation is already gone
        (deleted by hand) go the same way.
        """
        Consent = self.env["whatsapp.inbox.consent"]
        clauses = [[("conversation_id", "in", conversations.ids)]]
        for phone_number_id, ids in targets.items():
            clause = [("customer_hash", "in", list({Consent._customer_hash(i) for i in ids}))]
            if phone_number_id:
                clause.append(("connection_id.phone_number_id", "=", phone_number_id))
            clauses.append(clause)
        entries = Consent.search(expression.OR(clauses))
        entries.write({"conversation_id": False, "wa_id": False, "note": False,
                       "message_id": False, "anonymized_at": fields.Datetime.now()})
        return len(entries)

    @api.model
    def _erase_threads(self, conversations):
        """Delete the conversations' chatter, files, activities and SMS; return counts."""
        model = conversations._name
        chatter = self.env["mail.message"].search(
            [("model", "=", model), ("res_id", "in", conversations.ids)])
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", model), ("res_id", "in", conversations.ids)])
        attachments |= chatter.attachment_ids | conversations.wa_message_ids.attachment_ids
        activities = self.env["mail.activity"].with_context(active_test=False).search(
            [("res_model", "=", model), ("res_id", "in", conversations.ids)])
        sms = self.env["sms.sms"].search([("mail_message_id", "in", chatter.ids)])
        counts = {
            "chatter_count": len(chatter),
            "tracking_count": self.env["mail.tracking.value"].search_count(
                [("mail_message_id", "in", chatter.ids)]),
            "attachment_count": len(attachments),
            "activity_count": len(activities),
            "sms_count": len(sms),
        }
        sms.unlink()
        activities.unlink()
        attachments.unlink()
        chatter.unlink()  # with its tracking values, notifications and emails
        self.env["mail.followers"].search(
            [("res_model", "=", model), ("res_id", "in", conversations.ids)]).unlink()
        return counts

    @api.model
    def _anonymize_conversations(self, conversations):
        """Keep states, times, agents, departments and message kinds; drop the rest."""
        messages = conversations.wa_message_ids
        messages.write({
            "body": False, "wamid": False, "reply_to_wamid": False, "media_id": False,
            "media_sha256": False, "media_filename": False, "failure_reason": False,
            "template_params": False,
        })
        now = fields.Datetime.now()
        conversations.with_context(tracking_disable=True).write({
            "wa_id": False, "bsuid": False, "parent_bsuid": False, "phone": False,
            "email": False,
            "username": False, "partner_id": False, "last_message_preview": False,
            "error_reason": False, "unread": False, "anonymized_at": now,
            "contact_name": self.env._("Anonymised customer"),
        })
        for conversation in conversations:
            conversation._message_log(body=self.env._(
                "The customer's data was erased by %s; the statistics remain.",
                self.env.user.name))
        return len(messages)

    @api.model
    def _strip_events(self, targets):
        """Remove the ``targets``' items from journaled deliveries, processed or not.

        Rewritten events stay processable (a retry applies what is left); an event
        left with nothing is deleted, as is one whose body is not JSON at all (it
        can never be processed, but holds the customer's id).
        """
        identifiers = set().union(*targets.values()) if targets else set()
        if not identifiers:
            return {"event_rewritten_count": 0, "event_deleted_count": 0}
        pattern = "|".join(re.escape(identifier) for identifier in sorted(identifiers))
        Event = self.env["whatsapp.inbox.event"]
        Event.flush_model()
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE body ~ %s", SQL.identifier(Event._table),
                                pattern))
        rewritten = deleted = Event
        for event in Event.browse(row[0] for row in self.env.cr.fetchall()):
            try:
                payload = json.loads(event.body.lstrip("\ufeff"))
            except ValueError:
                deleted |= event
                continue
            payload, removed = webhook.strip_customers(payload, targets)
            if payload is None:
                deleted |= event
            elif removed:
                error = event.error or False
                for identifier in identifiers:
                    error = error and error.replace(identifier, "…")
                event.write({"body": json.dumps(payload, separators=(",", ":")),
                             "error": error})
                rewritten |= event
        deleted.unlink()
        return {"event_rewritten_count": len(rewritten), "event_deleted_count": len(deleted)}

    # ------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------

    @api.model
    def _cron_retention(self):
        """Erase or anonymise conversations finalized more than
        ``whatsapp_inbox.retention_days`` days ago (0 or empty: keep them), as
        ``whatsapp_inbox.retention_mode`` says (default: anonymise). A batch a run;
        the cron comes back at once for the rest."""
        params = self.env["ir.config_parameter"].sudo()
        days = int(params.get_param("whatsapp_inbox.retention_days") or 0)
        if days <= 0:
            return
        mode = params.get_param("whatsapp_inbox.retention_mode") or "anonymize"
        # sudo: whatsapp.inbox.conversation - the retention applies to every company
        expired = self.env["whatsapp.inbox.conversation"].sudo().search([
            ("state", "=", "done"), ("anonymized_at", "=", False),
            ("closed_at", "<", fields.Datetime.now() - timedelta(days=days)),
        ], order="closed_at, id", limit=RETENTION_BATCH + 1)
        batch = expired[:RETENTION_BATCH]
        if not batch:
            return
        # sudo: whatsapp.inbox.erasure - see _erase
        self.sudo()._erase(batch, mode, {}, origin="retention", name=self.env._(
            "%s finalized conversation(s)", len(batch)), reason=self.env._(
            "Finalized more than %s days ago.", days))
        # remaining 1 when the batch was full: the cron runs again at once
        self.env["ir.cron"]._notify_progress(done=len(batch),
                                             remaining=len(expired) - len(batch))
