"""Advisory locks on customers, so that two transactions never handle one customer at once.

A customer is ``(connection id, WhatsApp id)``; both spellings of a Brazilian mobile give the
same key (:func:`phone.match_key`). Keys are hashed into ``BUCKETS`` lock numbers, so a batch
with thousands of customers takes a bounded number of locks (PostgreSQL's lock table is shared
by every session); two customers in one bucket merely wait for each other.
"""

import zlib
from contextlib import contextmanager

from odoo.tools import SQL

from . import phone

BUCKETS = 256
# First key of pg_advisory_lock(int, int): ours, apart from other users of advisory locks.
NAMESPACE = zlib.crc32(b"whatsapp_inbox.customer") & 0x7FFFFFFF

# The numbers are sorted, and locked in that order, so two sessions never wait on each other
# in a cycle.
_SORTED = "(SELECT n FROM unnest(%s::int[]) AS n ORDER BY n) AS numbers"
_LOCK = f"SELECT pg_advisory_lock({NAMESPACE}, n) FROM {_SORTED}"
_LOCK_XACT = f"SELECT pg_advisory_xact_lock({NAMESPACE}, n) FROM {_SORTED}"
_UNLOCK = f"SELECT pg_advisory_unlock({NAMESPACE}, n) FROM {_SORTED}"

# Held by the processing cron while it drains deliveries and listens for the next ones: the
# webhook wakes the cron only when nobody holds it (see whatsapp.inbox.event).
_PROCESSING = (zlib.crc32(b"whatsapp_inbox.processing") & 0x7FFFFFFF, 0)
# Held (shared, until its transaction ends) by each journaling transaction from before it looks
# at the processing lock, and taken (exclusive) by a run once it released the processing lock:
# the run waits until every delivery journaled while it held the lock is committed, then looks
# for what it left (such deliveries add no cron trigger: see whatsapp.inbox.event).
_JOURNALING = (zlib.crc32(b"whatsapp_inbox.journaling") & 0x7FFFFFFF, 0)

# Whether a run holds the processing lock (a shared lock taken and dropped at once tells),
# asked once the journaling lock is held (OFFSET 0: the subquery runs first, on its own).
RUNNING = SQL(
    """(SELECT CASE WHEN pg_try_advisory_lock_shared(%s, %s)
                   THEN NOT pg_advisory_unlock_shared(%s, %s) ELSE true END
          FROM (SELECT pg_advisory_xact_lock_shared(%s, %s) OFFSET 0) AS journaling)""",
    *_PROCESSING, *_PROCESSING, *_JOURNALING,
)


def lock_numbers(keys):
    """The sorted lock numbers of ``(connection id, customer)`` keys."""
    return sorted({
        zlib.crc32(f"{connection_id}:{phone.match_key(customer) or customer}".encode()) % BUCKETS
        for connection_id, customer in keys
    })


@contextmanager
def customer_locks(cr, keys, commit=False):
    """Hold the locks of the customers ``keys`` (``(connection id, customer)``) in the block.

    Without ``commit``, they are transaction locks, released when the current transaction
    ends: the block must not commit.

    With ``commit`` (batch processing in crons), they are session locks, and a commit follows
    them, so that the block's transaction reads what the previous holders committed before
    releasing them (a transaction sees the database as of its first statement). The block
    commits its own work. At the exit the locks are released whatever happened, after a
    rollback when the block (or the lock statement itself) failed: none is ever left held on
    a pooled connection.
    """
    numbers = lock_numbers(keys)
    if not numbers:
        yield
        return
    if not commit:
        cr.execute(_LOCK_XACT, [numbers])
        yield
        return
    try:
        cr.execute(_LOCK, [numbers])
        # commit: the block's transaction starts after the locks are held
        cr.commit()  # pylint: disable=invalid-commit
        yield
    except BaseException:
        cr.rollback()
        raise
    finally:
        # unlocking a number the failed statement did not get only warns in PostgreSQL's log
        cr.execute(_UNLOCK, [numbers])


@contextmanager
def processing_lock(cr):
    """Hold the processing lock (session level) during the block, and release it at the exit
    whatever happens, after a rollback when the block failed."""
    cr.execute("SELECT pg_advisory_lock(%s, %s)", _PROCESSING)
    try:
        yield
    except BaseException:
        cr.rollback()
        raise
    finally:
        cr.execute("SELECT pg_advisory_unlock(%s, %s)", _PROCESSING)


def processing_running(cr):
    """Whether a processing run holds the processing lock (see ``RUNNING``). The caller's
    transaction holds the journaling lock until it ends: a run that released the processing
    lock waits for it in :func:`wait_for_journaling`."""
    cr.execute(SQL("SELECT %s", RUNNING))
    return cr.fetchone()[0]


def wait_for_journaling(cr):
    """Wait until every transaction that found the processing lock held (see ``RUNNING``)
    has ended; the lock taken is released when ``cr``'s transaction ends."""
    cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", _JOURNALING)
