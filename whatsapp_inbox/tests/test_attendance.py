import threading
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.api import Environment, Transaction
from odoo.exceptions import ValidationError
from odoo.modules.migration import load_script
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"


class TestAttendance(WhatsappInboxCase):
    """Each arrow of a conversation opens, answers, transfers or closes its attendance."""

    def attendances(self, conversation):
        return conversation.attendance_ids.sorted("id")

    def test_customer_message_opens_an_attendance_with_a_protocol(self):
        with freeze_time("2026-12-01 12:00:00"):
            self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        attendance = conversation.current_attendance_id
        self.assertEqual(conversation.attendance_ids, attendance)
        self.assertRegex(attendance.protocol, r"^2026120[12]-\d{6}$")
        self.assertEqual((attendance.state, attendance.opened_by, attendance.channel),
                         ("open", "customer", "whatsapp"))
        self.assertEqual(attendance.connection_id, self.connection)
        self.assertEqual(attendance.company_id, self.connection.company_id)
        self.assertEqual(attendance.opened_at, datetime(2026, 12, 1, 12, 0))
        # a second message of the same attendance opens nothing
        self.receive(payloads.text(WA, "Alguém?"))
        self.assertEqual(conversation.attendance_ids, attendance)
        self.assertEqual(self.Conversation.search([("attendance_ids.protocol", "=",
                                                    attendance.protocol)]), conversation)

    def test_attendance_states_do_not_read_like_the_conversations(self):
        """A Waiting conversation's attendance is not "Open" (the conversation's Open
        means an agent answered); the stored values stay open/closed."""
        self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        attendance = conversation.current_attendance_id
        self.assertEqual(conversation.state, "waiting")
        conversation_labels = dict(conversation._fields["state"]._description_selection(self.env))
        labels = dict(attendance._fields["state"]._description_selection(self.env))
        self.assertEqual(labels, {"open": "In progress", "closed": "Closed"})
        self.assertNotIn(labels[attendance.state], conversation_labels.values())

    def test_protocol_preview_shows_the_next_number_without_taking_it(self):
        self.receive(payloads.text(WA, "Oi"))
        taken = self.conversation_of(WA).current_attendance_id.protocol
        settings = self.env["res.config.settings"].create({
            "whatsapp_inbox_protocol_prefix": "WA-%(year)s-", "whatsapp_inbox_protocol_padding": 4})
        next_number = int(taken.rsplit("-", 1)[1]) + 1
        preview = f"WA-{datetime.now():%Y}-{next_number:04d}"
        self.assertEqual(settings.whatsapp_inbox_protocol_preview, preview)
        self.assertEqual(settings.whatsapp_inbox_protocol_preview, preview, "read twice, same")
        settings.execute()
        self.receive(payloads.text("5511987654322", "Oi"))
        self.assertEqual(self.conversation_of("5511987654322").current_attendance_id.protocol,
                         preview)
        typing = self.env["res.config.settings"].new({"whatsapp_inbox_protocol_prefix": "%(foo)s"})
        self.assertFalse(typing.whatsapp_inbox_protocol_preview, "no preview of what fails")

    def test_agent_reply_records_the_first_response_then_finalize_closes(self):
        with freeze_time("2026-12-01 12:00:00"):
            self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA).with_user(self.agent)
        with freeze_time("2026-12-01 12:03:00"):
            conversation._send_text("Olá! Protocolo {protocol}")
        attendance = conversation.current_attendance_id
        sent = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(sent.body, f"Olá! Protocolo {attendance.protocol}")
        self.assertEqual(attendance.first_response_at, datetime(2026, 12, 1, 12, 3))
        self.assertEqual(attendance.first_response_minutes, 3.0)
        self.assertEqual(attendance.first_response_in_target, 100)
        self.assertEqual(attendance.agent_ids, self.agent)
        with freeze_time("2026-12-01 13:00:00"):
            conversation.action_finalize()
        self.assertEqual(attendance.state, "closed")
        self.assertEqual(attendance.closed_at, datetime(2026, 12, 1, 13, 0))
        self.assertEqual((attendance.closed_by_id, attendance.close_method),
                         (self.agent, "agent"))
        self.assertEqual(attendance.resolution_minutes, 60.0)
        self.assertEqual((attendance.message_in_count, attendance.message_out_count), (1, 1))
        self.assertEqual(attendance.user_id, self.agent)
        # the customer comes back: a new attendance, with the next protocol
        self.receive(payloads.text(WA, "Oi de novo"))
        first, second = self.attendances(conversation)
        self.assertEqual(first, attendance)
        self.assertEqual(conversation.current_attendance_id, second)
        self.assertGreater(second.protocol, first.protocol)

    def test_started_by_hand_on_any_channel(self):
        start = self.env["whatsapp.inbox.start"].with_user(self.agent).create({
            "channel": "voip", "name": "Ana", "phone": "+55 11 98888-7777",
            "body": "Called her"})
        self.env.company.country_id = self.env.ref("base.br")
        start.action_start()
        conversation = self.Conversation.search([("phone", "=", "+5511988887777")])
        attendance = conversation.current_attendance_id
        self.assertEqual((attendance.opened_by, attendance.channel, attendance.state),
                         ("agent", "voip", "open"))
        self.assertEqual(attendance.agent_ids, self.agent)
        self.assertEqual(attendance.first_response_minutes, 0.0)

    def test_automation_and_auto_finalize_close_it_saying_how(self):
        self.receive(payloads.text(WA, "Oi"))
        self.receive(payloads.text("5511911112222", "Oi"))
        by_rule = self.conversation_of(WA)
        idle = self.conversation_of("5511911112222")
        by_rule.action_finalize()  # as the superuser: an automation
        self.assertEqual(by_rule.current_attendance_id.close_method, "automation")
        idle.action_start_bot()
        self.env["ir.config_parameter"].sudo().set_param("whatsapp_inbox.auto_finalize_hours", 2)
        with freeze_time(datetime.now() + timedelta(hours=3)):
            self.Conversation._cron_auto_finalize()
        attendance = idle.current_attendance_id
        self.assertEqual((attendance.state, attendance.close_method),
                         ("closed", "auto_finalize"))
        self.assertGreaterEqual(attendance.bot_minutes, 179.0)

    def test_transfer_is_on_the_trail_and_reopen_continues(self):
        self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA).with_user(self.agent)
        conversation._send_text("Olá")
        other = new_test_user(self.env, login="wa_agent_2", name="Agent Two",
                              groups="whatsapp_inbox.group_agent")
        self.env["whatsapp.inbox.transfer"].with_user(self.agent).create({
            "conversation_ids": conversation.ids, "user_id": other.id,
            "note": "Billing question"}).action_transfer()
        attendance = conversation.current_attendance_id
        self.assertEqual(attendance.transfer_count, 1)
        self.assertEqual((attendance.transfer_ids.from_user_id, attendance.transfer_ids.to_user_id,
                          attendance.transfer_ids.note), (self.agent, other, "Billing question"))
        conversation.action_finalize()
        conversation.action_reopen()
        self.assertEqual(conversation.attendance_ids, attendance)
        self.assertEqual((attendance.state, attendance.closed_at), ("open", False))

    def test_agent_reads_supervisor_sees_all(self):
        self.receive(payloads.text(WA, "Oi"))
        attendance = self.conversation_of(WA).current_attendance_id
        self.assertEqual(attendance.with_user(self.agent).protocol, attendance.protocol)
        company_b = self.env["res.company"].create({"name": "Filial B"})
        outsider = new_test_user(self.env, login="wa_agent_b", groups="whatsapp_inbox.group_agent",
                                 company_id=company_b.id, company_ids=[company_b.id])
        self.assertFalse(self.env["whatsapp.inbox.attendance"].with_user(outsider).search([]))


class TestAttendanceTimes(WhatsappInboxCase):
    """Durations, plain and within the connection's business hours."""

    def setUp(self):
        super().setUp()
        # Mon-Fri 8-12 and 13-17, in UTC so that the arithmetic below is plain
        self.calendar = self.env["resource.calendar"].create({"name": "Office", "tz": "UTC"})

    def answer_and_finalize(self, opened, answered, closed):
        with freeze_time(opened):
            self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA).with_user(self.agent)
        with freeze_time(answered):
            conversation._send_text("Olá")
        with freeze_time(closed):
            conversation.action_finalize()
        return conversation.current_attendance_id

    def test_without_business_hours_times_are_plain(self):
        attendance = self.answer_and_finalize("2026-12-04 16:00:00", "2026-12-05 10:00:00",
                                              "2026-12-07 09:00:00")
        self.assertEqual(attendance.first_response_minutes, 18 * 60)
        self.assertEqual(attendance.first_response_business_minutes, 18 * 60)
        self.assertEqual(attendance.resolution_minutes, 65 * 60)
        self.assertEqual(attendance.first_response_in_target, 0)

    def test_business_hours_count_only_open_time(self):
        self.connection.resource_calendar_id = self.calendar
        # Friday 16:00, answered Saturday 10:00, closed Monday 09:00
        attendance = self.answer_and_finalize("2026-12-04 16:00:00", "2026-12-05 10:00:00",
                                              "2026-12-07 09:00:00")
        self.assertEqual(attendance.first_response_minutes, 18 * 60)
        # Friday 16-17 only; then Monday 8-9
        self.assertEqual(attendance.first_response_business_minutes, 60)
        self.assertEqual(attendance.resolution_business_minutes, 120)


class TestProtocolConcurrency(WhatsappInboxCase):
    """Protocol numbers stay unique when attendances open at the same time."""

    def test_concurrent_openings_get_distinct_numbers(self):
        registry = self.registry
        # a company of its own, committed with its sequence as in a real database (made
        # when its first connection is created), so that other cursors see them
        with registry.cursor() as cr:
            env = Environment(cr, self.env.uid, {})
            company = env["res.company"].create({"name": "Protocol race"})
            sequence = env["whatsapp.inbox.attendance"]._protocol_sequence(company)
            company_id, sequence_id = company.id, sequence.id
            cr.commit()  # pylint: disable=invalid-commit

        def cleanup():
            with registry.cursor() as cr:
                env = Environment(cr, self.env.uid, {})
                env["ir.sequence"].browse(sequence_id).unlink()
                env["res.company"].browse(company_id).unlink()
        self.addCleanup(cleanup)

        barrier = threading.Barrier(2)
        numbers = [[], []]

        def open_many(index):
            with registry.cursor() as cr:
                # the registry is locked by the test run: give the cursor its transaction
                cr.transaction = Transaction(registry)
                env = Environment(cr, self.env.uid, {})
                company = env["res.company"].browse(company_id)
                barrier.wait()
                for _i in range(25):
                    numbers[index].append(env["whatsapp.inbox.attendance"]._next_protocol(
                        company))
                cr.rollback()

        threads = [threading.Thread(target=open_many, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        everything = numbers[0] + numbers[1]
        self.assertEqual(len(everything), 50)
        self.assertEqual(len(set(everything)), 50, "two openings got the same protocol")

    def test_protocol_is_unique_per_company(self):
        self.receive(payloads.text(WA, "Oi"))
        attendance = self.conversation_of(WA).current_attendance_id
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), \
                self.env.cr.savepoint():
            attendance.copy({"protocol": attendance.protocol})


class TestProtocolFormat(WhatsappInboxCase):
    """The settings refuse a protocol format or waiting colours that cannot work; a sequence
    broken by other means never stops an attendance from opening."""

    def save_settings(self, **vals):
        self.env["res.config.settings"].create(vals).execute()

    def test_settings_refuse_a_prefix_with_an_unknown_variable(self):
        with self.assertRaisesRegex(ValidationError, r"%\(foo\)s"):
            self.save_settings(whatsapp_inbox_protocol_prefix="%(foo)s-")
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.save_settings(whatsapp_inbox_protocol_prefix="50%-")
        self.save_settings(whatsapp_inbox_protocol_prefix="WA-%(y)s%(woy)s-")
        self.receive(payloads.text(WA, "Oi"))
        self.assertRegex(self.conversation_of(WA).current_attendance_id.protocol,
                         r"^WA-\d{4}-\d{6}$")

    def test_settings_refuse_waiting_colours_out_of_order(self):
        with self.assertRaisesRegex(ValidationError, "red must come after"):
            self.save_settings(whatsapp_inbox_wait_amber_minutes=30,
                               whatsapp_inbox_wait_red_minutes=-10)
        with self.assertRaisesRegex(ValidationError, "amber must come after more than 0"):
            self.save_settings(whatsapp_inbox_wait_amber_minutes=0,
                               whatsapp_inbox_wait_red_minutes=10)
        self.save_settings(whatsapp_inbox_wait_amber_minutes=30,
                           whatsapp_inbox_wait_red_minutes=31)
        self.assertEqual(self.env["ir.config_parameter"].get_param(
            "whatsapp_inbox.wait_red_minutes"), "31")

    def test_settings_take_the_file_limit_in_mb_and_keep_it_in_bytes(self):
        params = self.env["ir.config_parameter"]
        params.set_param("whatsapp_inbox.media_max_bytes", 1500000)
        self.assertEqual(self.env["res.config.settings"].create({}).whatsapp_inbox_media_max_mb, 1)
        self.save_settings(whatsapp_inbox_wait_amber_minutes=4)
        self.assertEqual(params.get_param("whatsapp_inbox.media_max_bytes"), "1500000",
                         "a limit set by hand stays while its MB are not changed")
        self.save_settings(whatsapp_inbox_media_max_mb=3)
        self.assertEqual(params.get_param("whatsapp_inbox.media_max_bytes"), str(3 * 1024 * 1024))

    def test_a_broken_sequence_still_opens_the_attendance_and_keeps_the_message(self):
        sequence = self.env["whatsapp.inbox.attendance"]._protocol_sequence(
            self.connection.company_id)
        sequence.prefix = "%(foo)s-"
        logger = "odoo.addons.whatsapp_inbox.models.whatsapp_inbox_attendance_protocol"
        with freeze_time("2026-12-01 12:00:00"), self.assertLogs(logger, "ERROR"):
            self.receive(payloads.text(WA, "Oi"))
        conversation = self.conversation_of(WA)
        self.assertEqual(conversation.state, "waiting")
        self.assertEqual(conversation.wa_message_ids.mapped("body"), ["Oi"])
        self.assertRegex(conversation.current_attendance_id.protocol, r"^2026120[12]-\d{6}$")


class TestUpgradeTo120(WhatsappInboxCase):
    """Conversations being attended when 18.0.1.2.0 is installed get their attendance."""

    def test_conversations_being_attended_get_their_current_attendance(self):
        with freeze_time("2026-11-30 10:00:00"):
            self.receive(payloads.text(WA, "Oi"))
        waiting = self.conversation_of(WA)
        with freeze_time("2026-11-30 10:07:00"):
            waiting.with_user(self.agent)._send_text("Olá")
        self.receive(payloads.text("5511911112222", "Oi"))
        finalized = self.conversation_of("5511911112222")
        finalized.action_finalize()
        untouched = self.make_conversation("new")
        # what 18.0.1.1.0 left: conversations without attendances
        self.env.flush_all()
        self.env.cr.execute("UPDATE whatsapp_inbox_conversation SET current_attendance_id = NULL")
        self.env.cr.execute("DELETE FROM whatsapp_inbox_attendance")
        self.env.invalidate_all()
        path = (f"{get_module_path('whatsapp_inbox')}/migrations/18.0.1.2.0/"
                "post-attendance-backfill.py")
        load_script(path, "post-attendance-backfill").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        attendance = waiting.current_attendance_id
        self.assertEqual(waiting.attendance_ids, attendance)
        self.assertEqual(attendance.protocol[:9], "20261130-")
        self.assertEqual((attendance.state, attendance.opened_by, attendance.connection_id),
                         ("open", "customer", self.connection))
        self.assertEqual(attendance.opened_at, datetime(2026, 11, 30, 10, 0))
        self.assertEqual(attendance.first_response_minutes, 7.0)
        self.assertFalse(finalized.attendance_ids | untouched.attendance_ids)
        # the next attendance follows in the same sequence
        self.receive(payloads.text("5511911113333", "Oi"))
        newer = self.conversation_of("5511911113333").current_attendance_id
        self.assertGreater(int(newer.protocol[-6:]), int(attendance.protocol[-6:]))
