import contextvars
import logging
from collections import defaultdict
from contextlib import contextmanager, suppress

import psycopg2
from psycopg2.extensions import TransactionRollbackError

import odoo
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.misc import OrderedSet

from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads

from ..tools import webhook
from ..tools.locks import customer_locks

_logger = logging.getLogger(__name__)

# Another transaction wrote the same rows (serialization failure, deadlock): the batch is
# run again, in a fresh transaction.
CONCURRENCY_RETRIES = 3
PROBLEMS_SHOWN = 50
# The connection to the ``postgres`` database a processing run holds for the bus notifications
# of its batches (see _bus_connection), in a list: replaced when it breaks.
_BUS = contextvars.ContextVar("whatsapp_inbox_bus_connection", default=None)


class WhatsappInboxEvent(models.Model):
    """Applying journaled deliveries in batches: one transaction, one set of queries and one
    bus notification per batch; a bad item costs only itself."""

    _inherit = "whatsapp.inbox.event"

    def _process(self):
        """Apply these deliveries now, in the current transaction (replay, tests)."""
        self._process_batch(auto_commit=False)

    def _process_batch(self, auto_commit, journal=None):
        """Apply these deliveries in one transaction, with one set of queries and one bus
        notification, then mark each ``done`` or ``failed``.

        The customers they touch are locked first (see :func:`customer_locks`), so that two
        workers never handle one customer at once. With ``auto_commit`` (the cron) the batch
        commits; a batch that another transaction conflicted with is run again, and one that
        fails as a whole is split into one transaction per delivery.

        :param dict journal: ``{event id: (body, [(connection id, phone_number_id,
            waba_id)])}`` of these deliveries when the caller read them already (see
            ``_fetch_pending``)
        """
        if journal is None:
            journal = {event.id: (event.body, [(c.id, c.phone_number_id, c.waba_id or "")
                                               for c in event.connection_ids])
                       for event in self}
        deliveries, unreadable = {}, {}
        for event in self:
            try:
                deliveries[event] = webhook.parse(journal[event.id][0])
            except webhook.MalformedDelivery as error:
                unreadable[event] = str(error)
        # plain values: the lock's commit below empties the records' cache
        connections = {event.id: journal[event.id][1] for event in self}
        numbers = {pnid: connection_id for verified in connections.values()
                   for connection_id, pnid, _waba in verified}
        keys = {(numbers[pnid], customer)
                for delivery in deliveries.values()
                for pnid, customer in delivery.customers() if pnid in numbers}
        cr = self.env.cr
        for _attempt in range(CONCURRENCY_RETRIES):
            try:
                with customer_locks(cr, keys, commit=auto_commit):
                    # in a fresh transaction, another worker (or a replay) may have been first
                    events = self._still_pending() if auto_commit else self
                    channels = self._bus_channels() if auto_commit else None
                    with self.env["whatsapp.inbox.conversation"]._refresh_once():
                        problems = events._apply(
                            {e: d for e, d in deliveries.items() if e in events}, connections)
                    events._record_outcome(problems, unreadable)
                    if auto_commit:
                        # commit: this batch is done, independently of the next ones
                        cr.commit()  # pylint: disable=invalid-commit
                        self._notify_bus(channels)
                return
            except TransactionRollbackError:
                if not auto_commit:
                    raise
                _logger.info("WhatsApp events %s conflicted with another transaction: again",
                             self.ids)
            # a whole batch failing is a bug or a broken database: split it, keep the errors
            except Exception as error:  # pylint: disable=broad-exception-caught
                if not auto_commit:
                    raise
                _logger.exception("WhatsApp events %s failed as a batch", self.ids)
                self._process_one_by_one(f"{type(error).__name__}: {error}")
                return
        self._process_one_by_one("Conflicted with other transactions too many times.")

    @contextmanager
    def _bus_connection(self):
        """During the block, the bus notifications of each batch go over one connection to
        the ``postgres`` database (where the websocket process listens), held for the block.
        Odoo's bus opens and authenticates a new one for each transaction that notifies (its
        pool keeps none there), which costs more than a small batch's queries (README)."""
        try:
            held = [odoo.sql_db.db_connect("postgres").cursor()]
        except psycopg2.Error:
            _logger.warning("WhatsApp: no connection to hold for the bus, Odoo's bus opens "
                            "its own", exc_info=True)
            yield
            return
        token = _BUS.set(held)
        try:
            yield
        finally:
            _BUS.reset(token)
            held[0].close()

    def _bus_channels(self):
        """Within :meth:`_bus_connection`: the channels the current transaction notifies, for
        :meth:`_notify_bus` once it committed; Odoo's bus then does not notify them itself (it
        registers its notification only in a transaction that has no such set yet)."""
        if _BUS.get() is None:
            return None
        return self.env.cr.postcommit.data.setdefault("bus.bus.channels", OrderedSet())

    def _notify_bus(self, channels):
        """Notify the websocket process of ``channels`` (see :meth:`_bus_channels`) over the
        held connection; over a new one when it broke. Never raises: the batch is committed."""
        if not channels:
            return
        held = _BUS.get()
        for _attempt in range(2):
            try:
                for payload in get_notify_payloads(list(channels)):
                    held[0].execute(SQL("SELECT %s('imbus', %s)",
                                        SQL.identifier(ODOO_NOTIFY_FUNCTION), payload))
                held[0].commit()
                return
            except psycopg2.Error:
                _logger.warning("WhatsApp: the bus connection broke, opening another",
                                exc_info=True)
                with suppress(psycopg2.Error):
                    held[0].close()
                try:
                    held[0] = odoo.sql_db.db_connect("postgres").cursor()
                except psycopg2.Error:
                    _logger.warning("WhatsApp: no bus connection, live update lost",
                                    exc_info=True)
                    return

    def _still_pending(self):
        """Those of these events still pending, read again (one query, no body)."""
        self.env.cr.execute("SELECT id FROM whatsapp_inbox_event WHERE id = ANY(%s) "
                            "AND state = 'pending'", [self.ids])
        pending = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(lambda event: event.id in pending)

    def _process_one_by_one(self, error):
        if len(self) > 1:
            for event in self:
                event._process_batch(auto_commit=True)
            return
        self.invalidate_recordset()
        self.write({"state": "failed", "attempts": self.attempts + 1, "error": error})
        # commit: keep the failure for the retry cron and the administrators
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def _apply(self, deliveries, connections=None):
        """Apply ``{event: webhook.Delivery}``; return ``{event: [webhook.Problem]}``.

        Items go in bulk. When a bulk fails, its items are applied again one by one, each in
        a savepoint, so that one bad item costs only itself.

        :param dict connections: ``{event id: [(connection id, phone_number_id, waba_id)]}``
            (default: the events' ``connection_ids``)
        """
        if connections is None:
            connections = {event.id: [(c.id, c.phone_number_id, c.waba_id or "")
                                      for c in event.connection_ids] for event in deliveries}
        # records sharing one prefetch: the batch reads its connections in one query
        records = {connection.id: connection for connection in self.env[
            "whatsapp.inbox.connection"].browse({connection_id for verified in
                                                 connections.values()
                                                 for connection_id, _pnid, _waba in verified})}
        problems = defaultdict(list)
        inbound, elsewhere, statuses, updates, lifecycle, profiles = [], [], [], [], [], {}
        preferences, syncs, handovers = [], [], []
        for event, delivery in deliveries.items():
            problems[event] += delivery.problems
            by_number = {pnid: records[connection_id]
                         for connection_id, pnid, _waba in connections[event.id]}
            by_account = defaultdict(list)
            for connection_id, _pnid, waba_id in connections[event.id]:
                if waba_id:
                    by_account[waba_id].append(records[connection_id])
            for error in delivery.errors:
                _logger.warning("WhatsApp: Meta reports an error on %s: [%s] %s",
                                error.phone_number_id, error.code, error.reason)
            if delivery.unsupported:
                event.unsupported_fields = ", ".join(sorted({u.field for u in
                                                             delivery.unsupported}))
                _logger.info("WhatsApp event %s: fields not handled, kept in the journal: %s",
                             event.id, event.unsupported_fields)
            numbered = delivery.messages + delivery.statuses + delivery.preferences \
                + delivery.contact_syncs + delivery.handovers
            for unverified in {item.phone_number_id for item in numbered} - set(by_number):
                _logger.warning("WhatsApp event %s: phone_number_id %r is not a verified "
                                "connection of this delivery, its items skipped",
                                event.id, unverified)
            for profile in delivery.profiles:
                if connection := by_number.get(profile.phone_number_id):
                    for customer in filter(None, (profile.wa_id, profile.bsuid)):
                        profiles[(connection.id, customer)] = profile

            def of_number(records, event=event, by_number=by_number):
                return [(event, by_number[r.phone_number_id], r) for r in records
                        if r.phone_number_id in by_number]

            for item in of_number(delivery.messages):
                # the customer writing to us; the rest happened elsewhere (echoes of the
                # Business app, history, Meta's agent's conversations)
                is_inbound = item[2].origin == "messages" and item[2].direction == "in"
                (inbound if is_inbound else elsewhere).append(item)
            statuses += of_number(delivery.statuses)
            preferences += of_number(delivery.preferences)
            syncs += of_number(delivery.contact_syncs)
            handovers += of_number(delivery.handovers)
            for update in delivery.template_updates:
                for connection in by_account[update.waba_id]:
                    (updates if update.kind == "status" else lifecycle).append(
                        (event, connection, update))
        Message = self.env["whatsapp.inbox.message"]
        Conversation = self.env["whatsapp.inbox.conversation"]
        Template = self.env["whatsapp.inbox.template"]
        messages = self._apply_items(inbound, problems, lambda items: Message._ingest_inbound(
            [(connection, record) for _event, connection, record in items], profiles))
        # numbers shared on our request (new messages only: a redelivery changes nothing)
        new_wamids = set(messages.mapped("wamid"))
        shared = [item for item in inbound
                  if item[2].shared_wa_id and item[2].wamid in new_wamids]
        self._apply_items(shared, problems, lambda items: Conversation._link_shared_numbers(
            [(connection, record) for _event, connection, record in items]))
        recorded = self._apply_items(elsewhere, problems, lambda items: Message._record_elsewhere(
            [(connection, record) for _event, connection, record in items], profiles))
        changed = self._apply_items(statuses, problems, lambda items: Message._apply_statuses(
            [(connection, record) for _event, connection, record in items]))
        self._apply_items(updates, problems, lambda items: Template._apply_status_updates(
            [(connection, record) for _event, connection, record in items]))
        self._apply_items(lifecycle, problems, lambda items: Template._apply_lifecycle_updates(
            [(connection, record) for _event, connection, record in items]))
        self._apply_items(preferences, problems, lambda items: Conversation._apply_preferences(
            [(connection, record) for _event, connection, record in items]))
        self._apply_items(syncs, problems, lambda items: Conversation._apply_contact_syncs(
            [(connection, record) for _event, connection, record in items]))
        handed = self._apply_items(handovers, problems, lambda items: Conversation._apply_handovers(
            [(connection, record) for _event, connection, record in items]))
        messages.conversation_id._notify_inbound(messages)
        changed.conversation_id._notify_refresh(changed)
        # history is the past: no live refresh for it
        live = recorded.filtered(lambda m: m.origin != "history")
        (live.conversation_id | handed)._notify_refresh(live)
        return problems

    def _apply_items(self, items, problems, apply):
        """``apply(items)`` in a savepoint; when it fails, each item in a savepoint of its own,
        the failing ones added to ``problems``. Return what the successful calls returned."""
        if not items:
            return apply([])
        cr = self.env.cr
        try:
            with cr.savepoint():
                return apply(items)
        # whatever one item breaks, the others are stored
        except Exception as error:  # pylint: disable=broad-exception-caught
            if isinstance(error, TransactionRollbackError):
                raise
            _logger.info("WhatsApp: a batch of %s items failed, applying them one by one",
                         len(items), exc_info=True)
        results = []
        for item in items:
            try:
                with cr.savepoint():
                    results.append(apply([item]))
            except Exception as error:  # pylint: disable=broad-exception-caught
                if isinstance(error, TransactionRollbackError):
                    raise
                event, _connection, record = item
                problems[event].append(webhook.Problem(
                    getattr(record, "where", "") or getattr(record, "name", ""),
                    getattr(record, "wamid", ""), f"{type(error).__name__}: {error}"))
        return results[0].union(*results[1:]) if results else apply([])

    def _record_outcome(self, problems, unreadable):
        """Mark the events ``done``, or ``failed`` with an error naming the items they could
        not store. The done ones (nearly all) in one statement, without reading them first."""
        now = fields.Datetime.now()
        failed = self.filtered(lambda event: event in unreadable or problems.get(event))
        if done := self - failed:
            done.flush_recordset()
            self.env.cr.execute(SQL(
                """UPDATE whatsapp_inbox_event SET state = 'done', error = NULL,
                          attempts = attempts + 1, processed_at = %(now)s,
                          write_date = %(now)s, write_uid = %(uid)s
                    WHERE id = ANY(%(ids)s)""",
                now=now, uid=self.env.uid, ids=done.ids))
            done.invalidate_recordset(["state", "error", "attempts", "processed_at",
                                       "write_date", "write_uid"])
        for event in failed:
            if event in unreadable:
                error = self.env._("The body is not a webhook delivery: %s", unreadable[event])
            else:
                found = problems[event]
                lines = [str(problem) for problem in found[:PROBLEMS_SHOWN]]
                if len(found) > PROBLEMS_SHOWN:
                    lines.append("…")
                error = self.env._(
                    "%(count)s item(s) could not be stored (the others were):\n%(items)s",
                    count=len(found), items="\n".join(lines))
            event.write({"state": "failed", "error": error, "attempts": event.attempts + 1,
                         "processed_at": now})
