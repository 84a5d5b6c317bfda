import logging
import select
import time
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.locks import RUNNING, processing_lock, wait_for_journaling

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 100  # deliveries per transaction at most,
BATCH_BYTES = 1024 * 1024  # and about a thousand messages
# A cron run stops after this and triggers the next run, well within the cron workers' time
# limit (limit_time_real_cron, 120 s by default).
RUN_SECONDS = 20
# Once drained, a run waits this long for the next delivery before it ends.
LINGER_SECONDS = 5
CHANNEL = "whatsapp_inbox_delivery"  # the journal notifies it


class WhatsappInboxEvent(models.Model):
    """Journal of verified webhook deliveries.

    The webhook journals a delivery (one insert) and answers Meta once it is committed;
    the processing cron, triggered at once, applies the pending deliveries in batches. After
    the 200 a delivery ends ``done``, or ``failed`` with an error that names every item it
    could not store (the other items are stored); failed ones are retried and can be replayed.
    """

    _name = "whatsapp.inbox.event"
    _description = "WhatsApp Webhook Event"
    _order = "id desc"
    _rec_name = "received_at"

    # read by the processing only, in its own query: not loaded with the other fields
    body = fields.Text(required=True, readonly=True, prefetch=False)
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
    def _journal(self, text, connection_ids):
        """Record a delivery whose signature the connections ``connection_ids`` verified,
        and make sure a processing run applies it once this transaction commits.

        The webhook's whole work, so one statement: the event, its connections, the
        journal's notification (to a run listening for deliveries) and, unless a run holds
        the processing lock (then it applies the delivery, or sees it once it released the
        lock: see ``_process_pending``), the cron's trigger (what ``ir.cron._trigger()``
        writes, without reading the cron), whose wake-up follows the commit.
        """
        cron = self.env["ir.cron"].browse(self.env["ir.model.data"]._xmlid_to_res_id(
            "whatsapp_inbox.ir_cron_whatsapp_inbox_event_process"))
        links = self._fields["connection_ids"]
        self.env.cr.execute(SQL(
            """
            WITH running AS (
                SELECT %(running)s AS yes
            ), event AS (
                INSERT INTO whatsapp_inbox_event
                    (body, received_at, state, attempts, create_uid, create_date, write_uid,
                     write_date)
                VALUES (%(body)s, %(now)s, 'pending', 0, %(uid)s, %(now)s, %(uid)s, %(now)s)
                RETURNING id
            ), links AS (
                INSERT INTO %(relation)s (%(event)s, %(connection)s)
                SELECT event.id, unnest(%(connections)s::int[]) FROM event
            ), wake_up AS (
                INSERT INTO ir_cron_trigger
                    (cron_id, call_at, create_uid, create_date, write_uid, write_date)
                SELECT %(cron)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM running WHERE NOT running.yes
            )
            SELECT event.id, running.yes, pg_notify(%(channel)s, '') FROM event, running
            """,
            body=text, now=fields.Datetime.now(), uid=self.env.uid, cron=cron.id,
            relation=SQL.identifier(links.relation), event=SQL.identifier(links.column1),
            connection=SQL.identifier(links.column2), connections=list(connection_ids),
            channel=CHANNEL, running=RUNNING,
        ))
        event_id, running, _notified = self.env.cr.fetchone()
        event = self.browse(event_id)
        if running:
            return event

        @self.env.cr.postcommit.add
        def wake_up():
            # waking the cron costs a transaction on another database connection
            try:
                cron._notifydb()
            # the delivery is committed: Meta must get its 200, the cron's interval catches up
            except Exception:  # pylint: disable=broad-exception-caught
                _logger.warning("WhatsApp event %s: the processing cron could not be woken",
                                event.id, exc_info=True)

        return event

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    @api.model
    def _cron_process(self):
        """Apply the pending deliveries, in batches, and the next ones as they come.

        The webhook triggers this cron, and Odoo's cron workers wake up on triggers, so a
        message is stored within a second on an idle server. A run then listens for the next
        deliveries for ``LINGER_SECONDS`` (the webhook notifies it instead of the cron): under
        steady traffic one run drains delivery after delivery. The cron's interval only
        catches deliveries a killed worker left pending.
        """
        self._process_pending(auto_commit=True, linger=LINGER_SECONDS)

    @api.model
    def _process_pending(self, auto_commit=False, linger=0):
        """Process the pending deliveries, oldest first, in batches; return how many.

        With ``auto_commit`` each batch commits, and statuses held for a wamid recorded since
        are applied first. With ``linger`` (seconds) the run holds the processing lock and
        waits that long for each next delivery; after it, what arrived meanwhile triggers the
        next run.
        """
        cr = self.env.cr
        if not auto_commit:
            return self._drain()
        if not linger:
            done = self._drain(auto_commit=True)
        else:
            with processing_lock(cr), self._listening(), self._bus_connection():
                done = self._drain(auto_commit=True, linger=linger)
            # the deliveries journaled while the lock was held added no trigger: wait until
            # they are committed, then commit to see them, or what the time limit left
            wait_for_journaling(cr)
            cr.commit()  # pylint: disable=invalid-commit
        if self.search_count([("state", "=", "pending")], limit=1):
            self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_event_process")._trigger()
            cr.commit()  # pylint: disable=invalid-commit
        return done

    @api.model
    def _drain(self, auto_commit=False, linger=0):
        deadline = time.monotonic() + RUN_SECONDS
        done = 0
        if auto_commit:
            self._adopt_held()
        while time.monotonic() < deadline:
            # what arrived while the previous batch ran makes the next one: no waiting
            # between batches (measured: a pause to gather more saved nothing, README)
            batch, journal, full = self._fetch_pending()
            if batch:
                batch._process_batch(auto_commit, journal=journal)
                done += len(batch)
                if auto_commit:
                    self._adopt_held()
            # a listening run learns of the next deliveries by their notifications
            if full or (batch and not linger):
                continue
            if not linger or not self._wait_for_delivery(min(linger, deadline - time.monotonic())):
                break
        return done

    @api.model
    def _adopt_held(self):
        if self.env["whatsapp.inbox.message.status"]._adopt():
            # commit: statuses held until their wamid was stored, applied on their own
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _fetch_pending(self):
        """The next batch of pending deliveries, oldest first, read in one query: return
        ``(events, {event id: (body, [(connection id, phone_number_id, waba_id)])}, whether
        more are pending)``.

        A batch holds at most ``BATCH_SIZE`` deliveries and about ``BATCH_BYTES`` of bodies
        (always one, however large). Connections archived since the delivery are left out.
        """
        self.flush_model()
        links = self._fields["connection_ids"]
        self.env.cr.execute(SQL(
            """
            SELECT pending.id, pending.body, pending.found, (
                SELECT COALESCE(json_agg(json_build_array(
                    connection.id, connection.phone_number_id, COALESCE(connection.waba_id, ''))
                    ORDER BY connection.id), '[]')
                FROM %(relation)s link
                JOIN whatsapp_inbox_connection connection
                  ON connection.id = link.%(connection)s AND connection.active
                WHERE link.%(event)s = pending.id)
            FROM (
                SELECT id, body, row_number() OVER w AS rank,
                       sum(octet_length(body)) OVER w AS size, count(*) OVER () AS found
                FROM (SELECT id, body FROM whatsapp_inbox_event WHERE state = 'pending'
                      ORDER BY id LIMIT %(limit)s + 1) AS head
                WINDOW w AS (ORDER BY id)
            ) AS pending
            WHERE pending.rank = 1 OR (pending.rank <= %(limit)s AND pending.size <= %(bytes)s)
            ORDER BY pending.id
            """,
            limit=BATCH_SIZE, bytes=BATCH_BYTES, relation=SQL.identifier(links.relation),
            event=SQL.identifier(links.column1), connection=SQL.identifier(links.column2),
        ))
        rows = self.env.cr.fetchall()
        journal = {event_id: (body, [tuple(c) for c in connections])
                   for event_id, body, _found, connections in rows}
        # more pending than this batch takes: the next batch starts at once
        return self.browse(journal), journal, bool(rows) and rows[0][2] > len(rows)

    @contextmanager
    def _listening(self):
        """LISTEN to the journal's notifications during the block (LISTEN and UNLISTEN take
        effect when their transaction commits)."""
        cr = self.env.cr
        cr.execute(SQL("LISTEN %s", SQL.identifier(CHANNEL)))
        # commit: listening starts now
        cr.commit()  # pylint: disable=invalid-commit
        try:
            yield
        finally:
            # the block committed its work: end whatever it left open, even a failed one
            cr.rollback()
            cr.execute(SQL("UNLISTEN %s", SQL.identifier(CHANNEL)))
            # commit: the pooled connection stops listening
            cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _wait_for_delivery(self, timeout):
        """Wait for the journal's notification of a delivery; whether one came in time."""
        cr = self.env.cr
        # end the transaction: the next search must see what was committed meanwhile
        cr.commit()  # pylint: disable=invalid-commit
        connection = cr._cnx  # the connection that LISTENs
        # psycopg2 reads notifications along with query results: one may already be here
        connection.poll()
        if not connection.notifies and not select.select([connection], [], [],
                                                          max(timeout, 0))[0]:
            return False
        connection.poll()
        connection.notifies.clear()
        return True

    # ------------------------------------------------------------
    # Actions and crons
    # ------------------------------------------------------------

    def action_replay(self):
        """Process the events again, in the current transaction (admin button)."""
        if not self.env.is_system():
            raise UserError(self.env._("Only administrators can replay webhook events."))
        # sudo: whatsapp.inbox.event - replays what the webhook did, for every company
        self.sudo()._process()
        return True

    @api.model
    def _cron_retry(self):
        """Queue again the failed events, up to ``MAX_ATTEMPTS`` attempts, a minute after
        their last attempt, for the processing cron."""
        events = self.search([
            ("state", "=", "failed"),
            ("attempts", "<", MAX_ATTEMPTS),
            ("write_date", "<", fields.Datetime.now() - timedelta(minutes=1)),
        ], limit=1000, order="id")
        if events:
            events.write({"state": "pending"})
            self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_event_process")._trigger()

    @api.model
    def _cron_vacuum(self):
        """Delete processed events older than the configured retention (days)."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "whatsapp_inbox.event_retention_days", 30))
        self.search([
            ("state", "=", "done"),
            ("received_at", "<", fields.Datetime.now() - timedelta(days=days)),
        ]).unlink()
