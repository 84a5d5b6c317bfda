import json
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class WhatsappInboxEvent(models.Model):
    """Journal of verified webhook deliveries.

    A delivery is journaled and committed before Meta gets its 200, so nothing
    acknowledged can be lost; processing failures stay here to be retried.
    """

    _name = "whatsapp.inbox.event"
    _description = "WhatsApp Webhook Event"
    _order = "id desc"
    _rec_name = "received_at"

    body = fields.Text(required=True, readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    connection_ids = fields.Many2many(
        "whatsapp.inbox.connection", string="Connections", readonly=True,
        help="Connections whose app secret verified the signature of this delivery.",
    )
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending", required=True, index=True, readonly=True,
    )
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)
    processed_at = fields.Datetime(readonly=True)

    @api.model
    def _journal(self, body, connections):
        """Record a delivery whose signature ``connections`` verified."""
        return self.create({
            "body": body.decode("utf-8", errors="replace"),
            "connection_ids": [fields.Command.set(connections.ids)],
        })

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    def _changes_by_connection(self):
        """Group the delivery's ``messages`` changes by verified connection.

        Shape::

            {"object": "whatsapp_business_account", "entry": [{"id": "<WABA id>",
              "changes": [{"field": "messages", "value": {
                "metadata": {"phone_number_id": "...", "display_phone_number": "..."},
                "contacts": [...], "messages": [...], "statuses": [...]}}]}]}

        Template status updates (field ``message_template_status_update``) come
        per WABA and are grouped under ``templates``.

        :return: ``{connection: {"contacts": [], "messages": [], "statuses": [],
            "templates": []}}``
        """
        self.ensure_one()
        return self._group_changes(self.body, self.connection_ids)

    @api.model
    def _group_changes(self, body, connections):
        """See :meth:`_changes_by_connection`, for a raw ``body`` (str) verified by
        ``connections``."""
        # PostgreSQL text cannot hold NUL characters: drop them rather than fail forever
        payload = json.loads(body.replace("\\u0000", ""))
        by_phone_number_id = {c.phone_number_id: c for c in connections}
        by_waba_id = defaultdict(list)
        for connection in connections.filtered("waba_id"):
            by_waba_id[connection.waba_id].append(connection)
        grouped = defaultdict(
            lambda: {"contacts": [], "messages": [], "statuses": [], "templates": []})
        entries = payload.get("entry") if isinstance(payload, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            changes = entry.get("changes") if isinstance(entry, dict) else None
            for change in changes if isinstance(changes, list) else []:
                if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                    _logger.warning("WhatsApp event: malformed change skipped")
                    continue
                if change.get("field") == "message_template_status_update":
                    # every number of the WABA has its copy of the templates
                    for connection in by_waba_id.get(str(entry.get("id")), []):
                        grouped[connection]["templates"].append(change["value"])
                    continue
                if change.get("field") != "messages":
                    _logger.info("WhatsApp event: field %r not handled", change.get("field"))
                    continue
                value = change["value"]
                metadata = value.get("metadata")
                phone_number_id = metadata.get("phone_number_id") if isinstance(
                    metadata, dict) else None
                connection = by_phone_number_id.get(phone_number_id)
                if not connection:
                    _logger.warning("WhatsApp event: phone_number_id %r is not a verified "
                                    "connection, change skipped", phone_number_id)
                    continue
                for key in ("contacts", "messages", "statuses"):
                    if isinstance(value.get(key), list):
                        grouped[connection][key] += value[key]
        return grouped

    def _customer_keys(self, grouped):
        """``(connection id, customer)`` pairs the changes touch, to lock them."""
        keys = set()
        for connection, value in grouped.items():
            for message in value["messages"]:
                if isinstance(message, dict):
                    customer = message.get("from") or message.get("from_user_id")
                    keys.add((connection.id, str(customer)))
            for status in value["statuses"]:
                if isinstance(status, dict):
                    keys.add((connection.id, str(status.get("recipient_id")
                                                 or status.get("recipient_user_id"))))
        return sorted(keys)

    def _process(self):
        """Apply the deliveries to conversations and messages (idempotent)."""
        for event in self:
            event._apply(event._changes_by_connection())

    def _apply(self, grouped):
        """Apply the changes :meth:`_changes_by_connection` grouped."""
        Message = self.env["whatsapp.inbox.message"]
        for connection, value in grouped.items():
            Message._ingest_inbound(connection, value["contacts"], value["messages"])
            Message._apply_statuses(value["statuses"])
            if value["templates"]:
                self.env["whatsapp.inbox.template"]._apply_status_updates(
                    connection, value["templates"])

    @api.model
    def _receive(self, body, connections):
        """Journal a verified delivery and process it (the webhook's path).

        The customers it touches are locked first, so one commit both makes the
        delivery durable before Meta gets its 200 and starts the processing
        transaction after whatever the previous holders of the locks committed
        (see :meth:`_process_in_own_transactions`).
        """
        text = body.decode("utf-8", errors="replace")
        try:
            grouped = self._group_changes(text, connections)
        except ValueError:
            grouped = {}  # journaled anyway; processing it will record why it fails
        keys = self._customer_keys(grouped)
        Conversation = self.env["whatsapp.inbox.conversation"]
        Conversation._lock_customers(keys)
        try:
            event = self._journal(body, connections)
            # commit: the delivery is journaled before it is acknowledged, and the
            # processing below starts in a fresh snapshot
            self.env.cr.commit()  # pylint: disable=invalid-commit
            event._run(grouped, attempts=0)
        finally:
            Conversation._unlock_customers(keys)
        return event

    def _run(self, grouped, attempts):
        """Apply ``grouped`` in the current (fresh) transaction and commit; on error
        roll back and keep the error on the event for the retry cron."""
        self.ensure_one()
        cr = self.env.cr
        try:
            self._apply(grouped)
            self.write({"state": "done", "processed_at": fields.Datetime.now(),
                        "attempts": attempts + 1, "error": False})
            # commit: the event is done, independently of the next ones
            cr.commit()  # pylint: disable=invalid-commit
        # any error is kept on the event, for the retry cron and the admins
        except Exception as error:  # pylint: disable=broad-exception-caught
            cr.rollback()
            _logger.exception("WhatsApp event %s failed", self.id)
            self.write({"state": "failed", "attempts": attempts + 1,
                        "error": f"{type(error).__name__}: {error}"})
            # commit: keep the failure for the admins and the cron
            cr.commit()  # pylint: disable=invalid-commit

    def _process_in_own_transactions(self):
        """Process each event in a transaction of its own, committing as it goes.

        Must be called at a transaction boundary (right after the journal was
        committed). The customers an event touches are locked with session-level
        advisory locks *before* its transaction takes its snapshot, so two workers
        handling the same customer at once run one after the other and the second
        sees what the first committed: a new customer gets one conversation, and no
        update is lost to a serialization failure. A failed event is kept, with its
        error, for the retry cron.
        """
        cr = self.env.cr
        for event in self:
            try:
                grouped = event._changes_by_connection()
            except ValueError as error:
                _logger.warning("WhatsApp event %s is not valid JSON: %s", event.id, error)
                event.write({"state": "failed", "attempts": event.attempts + 1,
                             "error": f"Invalid JSON: {error}"})
                # commit: keep the failure for the admins
                cr.commit()  # pylint: disable=invalid-commit
                continue
            keys = event._customer_keys(grouped)
            attempts = event.attempts
            Conversation = self.env["whatsapp.inbox.conversation"]
            Conversation._lock_customers(keys)
            try:
                # commit: start a transaction whose snapshot sees what the previous
                # holders of these locks committed before releasing them
                cr.commit()  # pylint: disable=invalid-commit
                event._run(grouped, attempts)
            finally:
                Conversation._unlock_customers(keys)

    # ------------------------------------------------------------
    # Actions and crons
    # ------------------------------------------------------------

    def action_replay(self):
        """Process the events again, in the current transaction (admin button)."""
        if not self.env.is_system():
            raise UserError(self.env._("Only administrators can replay webhook events."))
        for event in self:
            # sudo: whatsapp.inbox.event - replays what the webhook did, for every company
            event.sudo()._process()
            event.write({"state": "done", "processed_at": fields.Datetime.now(),
                         "attempts": event.attempts + 1, "error": False})
        return True

    @api.model
    def _cron_retry(self):
        """Retry events left pending (a worker died) or failed, with up to
        ``MAX_ATTEMPTS`` attempts; events of the last minute are left to their request."""
        events = self.search([
            ("state", "in", ("pending", "failed")),
            ("attempts", "<", MAX_ATTEMPTS),
            ("received_at", "<", fields.Datetime.now() - timedelta(minutes=1)),
        ], limit=100, order="id")
        events._process_in_own_transactions()

    @api.model
    def _cron_vacuum(self):
        """Delete processed events older than the configured retention (days)."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "whatsapp_inbox.event_retention_days", 30))
        self.search([
            ("state", "=", "done"),
            ("received_at", "<", fields.Datetime.now() - timedelta(days=days)),
        ]).unlink()
