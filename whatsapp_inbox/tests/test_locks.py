from psycopg2 import errors

from odoo.tests import TransactionCase
from odoo.tools import mute_logger

from ..tools.locks import (
    BUCKETS,
    NAMESPACE,
    customer_locks,
    lock_numbers,
    processing_lock,
    processing_running,
    wait_for_journaling,
)

CUSTOMERS = [(1, f"55119{number:08d}") for number in range(10000)]


class TestCustomerLocks(TransactionCase):
    """Customer locks stay bounded, and are never left on a pooled connection."""

    def held(self, cr):
        cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                   "AND pid = pg_backend_pid() AND classid = %s", [NAMESPACE])
        return cr.fetchone()[0]

    def test_thousands_of_customers_take_a_bounded_number_of_locks(self):
        with self.registry.cursor() as cr:
            with customer_locks(cr, CUSTOMERS, commit=True):
                self.assertEqual(self.held(cr), BUCKETS)
            self.assertEqual(self.held(cr), 0)
        self.assertEqual(len(lock_numbers(CUSTOMERS[:3])), 3)

    def test_transaction_locks_end_with_the_transaction(self):
        with self.registry.cursor() as cr:
            with customer_locks(cr, CUSTOMERS[:5]):
                self.assertEqual(self.held(cr), 5)
            cr.rollback()
            self.assertEqual(self.held(cr), 0)

    @mute_logger("odoo.sql_db")
    def test_a_failed_lock_statement_leaves_no_lock_held(self):
        numbers = lock_numbers(CUSTOMERS)
        with self.registry.cursor() as blocker, self.registry.cursor() as cr:
            blocker.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, numbers[-1]])
            cr.execute("SET LOCAL lock_timeout = '100ms'")
            with self.assertRaises(errors.LockNotAvailable):
                with customer_locks(cr, CUSTOMERS, commit=True):
                    pass
            self.assertEqual(self.held(cr), 0, "the locks taken before the failure are released")
            blocker.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, numbers[-1]])

    @mute_logger("odoo.sql_db")
    def test_a_failing_block_releases_its_locks(self):
        with self.registry.cursor() as cr:
            with self.assertRaises(errors.DivisionByZero), customer_locks(cr, CUSTOMERS[:3],
                                                                      commit=True):
                cr.execute("SELECT 1 / 0")
            self.assertEqual(self.held(cr), 0)

    @mute_logger("odoo.sql_db")
    def test_the_processing_lock_tells_the_webhook_a_run_listens(self):
        with self.registry.cursor() as run, self.registry.cursor() as webhook:
            self.assertFalse(processing_running(webhook))
            with processing_lock(run):
                self.assertTrue(processing_running(webhook))
                self.assertTrue(processing_running(webhook), "asking takes no lock")
            self.assertFalse(processing_running(webhook))
            with self.assertRaises(errors.DivisionByZero), processing_lock(run):
                run.execute("SELECT 1 / 0")
            self.assertFalse(processing_running(webhook), "released when the run fails")

    @mute_logger("odoo.sql_db")
    def test_a_run_waits_for_the_deliveries_journaled_while_it_held_the_lock(self):
        with self.registry.cursor() as run, self.registry.cursor() as webhook:
            with processing_lock(run):
                self.assertTrue(processing_running(webhook), "journaling while the run holds it")
            run.execute("SET LOCAL lock_timeout = '100ms'")
            with self.assertRaises(errors.LockNotAvailable):
                wait_for_journaling(run)
            run.rollback()
            webhook.commit()
            wait_for_journaling(run)
            run.rollback()
