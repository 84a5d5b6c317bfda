"""Supervisor reports: 90th percentiles in pivots, cost per attendance, agents' caps and the
dashboard's numbers; the dashboard and the report in the browser."""

import itertools
import math
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from . import payloads
from .common import WhatsappInboxCase
from .live_tour import LiveTourMixin
from .test_tours import WhatsappInboxTourCase

_protocols = itertools.count(1)
SAO_PAULO = "America/Sao_Paulo"


def percentile_90(values):
    """What PostgreSQL's ``percentile_cont(0.9)`` gives: linear interpolation between the
    two closest ranks."""
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def midday_zone():
    """A time zone where it is about noon now: its days do not turn while a test runs,
    whatever the hour of the run (95 minutes ago is today there, yesterday is yesterday)."""
    offset = 12 - datetime.now(UTC).hour  # hours ahead of UTC: -11 to +12
    return f"Etc/GMT{-offset:+d}"  # POSIX names count the other way round


def make_attendance(conversation, opened_at, **vals):
    # sudo: whatsapp.inbox.attendance - only the inbox creates them
    return conversation.env["whatsapp.inbox.attendance"].sudo().create({
        "conversation_id": conversation.id,
        "company_id": conversation.company_id.id,
        "protocol": f"T-{next(_protocols):06d}",
        "connection_id": conversation.connection_id.id,
        "opened_at": opened_at,
        **vals,
    })


class TestDashboard(WhatsappInboxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_b = new_test_user(cls.env, login="wa_agent_b", name="Agent Brown",
                                    groups="whatsapp_inbox.group_agent")
        cls.Attendance = cls.env["whatsapp.inbox.attendance"]

    # ------------------------------------------------------------ 90th percentiles

    def test_p90_measures_are_percentiles_in_any_grouping(self):
        conversation = self.make_conversation()
        waits = {self.agent: [1, 2, 3, 4, 5, 6, 7, 8, 9, 50.5],
                 self.agent_b: [0.5, 12, 3.25, 40, 7]}
        resolutions = {self.agent: [10, 20, 30], self.agent_b: [5, 500, 60, 61]}
        for agent, values in waits.items():
            for index, wait in enumerate(values):
                make_attendance(conversation, datetime(2026, 12, 1, 10, index), user_id=agent.id,
                                first_response_minutes=wait,
                                first_response_business_minutes=wait / 2)
            for resolution in resolutions[agent]:
                make_attendance(conversation, datetime(2026, 12, 1, 11), user_id=agent.id,
                                resolution_minutes=resolution,
                                resolution_business_minutes=resolution + 1)
        measures = ["first_response_p90:p90", "first_response_business_p90:p90",
                    "resolution_p90:p90", "resolution_business_p90:p90"]
        # as the pivot asks: read_group with the aggregator fields_get announces
        self.assertEqual(
            self.Attendance.fields_get(["first_response_p90"], ["aggregator"]),
            {"first_response_p90": {"aggregator": "p90"}})
        groups = self.Attendance.read_group([("conversation_id", "=", conversation.id)],
                                            measures, ["user_id"], lazy=False)
        self.assertEqual(len(groups), 2)
        for group in groups:
            agent = self.env["res.users"].browse(group["user_id"][0])
            self.assertAlmostEqual(group["first_response_p90"], percentile_90(waits[agent]))
            self.assertAlmostEqual(group["first_response_business_p90"],
                                   percentile_90([w / 2 for w in waits[agent]]))
            self.assertAlmostEqual(group["resolution_p90"], percentile_90(resolutions[agent]))
            self.assertAlmostEqual(group["resolution_business_p90"],
                                   percentile_90([r + 1 for r in resolutions[agent]]))
        # the total line, and a grouping by day: attendances not answered are left out
        [(total,)] = self.Attendance._read_group([("conversation_id", "=", conversation.id)],
                                                 [], ["first_response_p90:p90"])
        self.assertAlmostEqual(total, percentile_90(waits[self.agent] + waits[self.agent_b]))
        [(_day, by_day)] = self.Attendance._read_group(
            [("conversation_id", "=", conversation.id)], ["opened_at:day"],
            ["first_response_minutes:p90"])
        self.assertAlmostEqual(by_day, total, msg="p90 works on any stored duration too")
        with self.assertRaises(ValueError):
            self.Attendance._read_group([], [], ["protocol:p90"])

    # ------------------------------------------------------------ cost

    def test_cost_of_messages_adds_up_on_their_attendance(self):
        self.env["whatsapp.inbox.price"].search([]).unlink()
        self.env["whatsapp.inbox.price"].create({
            "country_id": self.env.ref("base.br").id, "category": "utility", "price": 0.25})
        wa_id = "5511987650031"
        self.receive(payloads.text(wa_id, "Oi"))
        conversation = self.conversation_of(wa_id).with_user(self.agent)
        answer = conversation._send_text("Olá!")
        attendance = conversation.current_attendance_id
        self.assertEqual(answer.attendance_id, attendance)
        # what follows the Finalize (the satisfaction question) is the closed attendance's
        self.connection.csat_enabled = True
        conversation.action_finalize()
        survey = self.Message.search([("csat_attendance_id", "=", attendance.id)])
        self.assertEqual((survey.direction, survey.attendance_id), ("out", attendance))
        answer.sudo().wamid, survey.sudo().wamid = "wamid.COST1", "wamid.COST2"
        for state in ("sent", "delivered"):
            self.deliver(payloads.delivery(payloads.change("PNID-BR", statuses=[
                payloads.status("wamid.COST1", state, wa_id, pricing=("utility", "regular")),
                payloads.status("wamid.COST2", state, wa_id, pricing=("utility", "regular")),
            ])))
        self.assertEqual(attendance.cost, 0.5, "each message once, whatever its statuses")
        self.assertEqual(conversation.cost, 0.5)
        # the pivot's cost by agent, department, connection and origin
        self.assertEqual(self.Attendance.fields_get(["cost"], ["aggregator"])["cost"],
                         {"aggregator": "sum"})
        [(agent, connection, cost)] = self.Attendance._read_group(
            [("id", "=", attendance.id)], ["user_id", "connection_id"], ["cost:sum"])
        self.assertEqual((agent, connection, cost), (self.agent, self.connection, 0.5))

    def test_upgrade_gives_attendances_the_cost_of_what_they_sent(self):
        wa_id = "5511987650032"
        self.receive(payloads.text(wa_id, "Oi"))
        conversation = self.conversation_of(wa_id)
        answer = conversation.with_user(self.agent)._send_text("Olá!")
        answer.sudo().cost = 0.3
        # what 18.0.1.1.0 left: conversations without attendances
        self.env.flush_all()
        self.env.cr.execute("UPDATE whatsapp_inbox_conversation SET current_attendance_id = NULL")
        self.env.cr.execute("DELETE FROM whatsapp_inbox_attendance")
        self.env.invalidate_all()
        self.Attendance._open_for_attended_conversations()
        attendance = conversation.current_attendance_id
        self.assertEqual((answer.attendance_id, attendance.cost), (attendance, 0.3))

    # ------------------------------------------------------------ agents' cap

    def test_agent_cap_limits_round_robin_and_only_admins_set_it(self):
        department = self.env["whatsapp.inbox.department"].create({
            "name": "RR", "auto_assign": True, "max_open_per_agent": 5,
            "member_ids": [(6, 0, (self.agent | self.agent_b).ids)]})
        self.agent.whatsapp_inbox_max_open = 1
        conversations = [self.make_conversation("new", department_id=department.id)
                         for _i in range(3)]
        for conversation in conversations:
            self.receive(payloads.text(conversation.wa_id))
        self.assertEqual([c.user_id for c in conversations],
                         [self.agent, self.agent_b, self.agent_b],
                         "Agent Smith stops at his own cap of 1")
        with self.assertRaises(AccessError):
            self.agent.with_user(self.agent).whatsapp_inbox_max_open = 0
        view = self.env.ref("whatsapp_inbox.res_users_view_form")
        self.assertIn("whatsapp_inbox_max_open", view.arch)

    # ------------------------------------------------------------ dashboard

    @freeze_time("2026-12-02 02:00:00")  # 23:00 on 1 December in São Paulo
    def test_dashboard_numbers_in_the_users_day_and_companies(self):
        self.supervisor.tz = SAO_PAULO
        self.agent.whatsapp_inbox_max_open = 4
        with freeze_time("2026-12-02 01:30:00"):
            oldest = self.make_conversation("waiting")
        self.make_conversation("waiting", user_id=self.agent.id)
        self.make_conversation("open", user_id=self.agent.id)
        self.make_conversation("open", user_id=self.agent.id)
        self.make_conversation("done", user_id=self.agent_b.id)
        conversation = self.make_conversation()
        # today, 1 December in São Paulo: three attendances, two answered, one rated
        make_attendance(conversation, datetime(2026, 12, 2, 1, 0), first_response_minutes=2,
                        csat_score=5)
        make_attendance(conversation, datetime(2026, 12, 1, 3, 30), first_response_minutes=4)
        make_attendance(conversation, datetime(2026, 12, 1, 12, 0))
        # yesterday: 23:30 on 30 November there
        make_attendance(conversation, datetime(2026, 12, 1, 2, 30), first_response_minutes=9,
                        csat_score=3)
        make_attendance(conversation, datetime(2026, 11, 20, 12, 0), first_response_minutes=1)
        self.Attendance.search([("protocol", "not like", "T-%")]).unlink()  # the arrows'
        # another company's, today
        other = self.env["res.company"].create({"name": "Other Co"})
        self.supervisor.company_ids |= other
        connection = self.env["whatsapp.inbox.connection"].create({
            "name": "Other", "phone_number_id": "PNID-OTHER", "waba_id": "WABA-OTHER",
            "app_secret": "s", "access_token": "t", "company_id": other.id})
        foreign = self.Conversation.create({"connection_id": connection.id,
                                            "wa_id": "5511900000001"})
        make_attendance(foreign, datetime(2026, 12, 1, 20, 0), first_response_minutes=60)

        Attendance = self.Attendance.with_user(self.supervisor).with_context(
            allowed_company_ids=self.env.company.ids)
        data = Attendance.dashboard_data()
        self.assertEqual(data["waiting"], {"count": 2,
                                           "oldest_since": oldest.waiting_since})
        self.assertEqual(data["today"], {"day": "2026-12-01", "attendances": 3,
                                         "first_response": 3.0, "csat": 5.0, "csat_count": 1})
        self.assertEqual(data["yesterday"], {"day": "2026-11-30", "attendances": 1,
                                             "first_response": 9.0, "csat": 3.0,
                                             "csat_count": 1})
        trend = data["trend"]
        self.assertEqual((len(trend), trend[0]["day"], trend[-1]["day"]),
                         (14, "2026-11-18", "2026-12-01"))
        self.assertEqual([row["attendances"] for row in trend],
                         [0, 0, 1] + [0] * 9 + [1, 3])
        self.assertEqual((trend[-1]["first_response"], trend[-1]["first_response_p90"]),
                         (3.0, 3.8))
        agents = {row["name"]: row for row in data["agents"]}
        self.assertEqual(agents["Agent Smith"], {"id": self.agent.id, "name": "Agent Smith",
                                                 "cap": 4, "open": 2, "waiting": 1})
        self.assertEqual(agents["Agent Brown"]["open"] + agents["Agent Brown"]["waiting"], 0)
        self.assertEqual(data["agents"][0], {"id": False, "name": "Unassigned", "cap": 0,
                                             "open": 0, "waiting": 1},
                         "first, the customers waiting for whoever takes them")
        self.assertEqual(data["agents"][1]["name"], "Agent Smith", "the busiest first")
        # with both companies chosen, the other one's attendance counts too
        data = Attendance.with_context(
            allowed_company_ids=(self.env.company | other).ids).dashboard_data()
        self.assertEqual((data["today"]["attendances"], data["today"]["first_response"]),
                         (4, 22.0))
        # an agent reads only what their record rules let them
        data = self.Attendance.with_user(self.agent).dashboard_data()
        self.assertEqual(data["waiting"]["count"], 2)


@tagged("post_install", "-at_install")
class TestDashboardTour(LiveTourMixin, WhatsappInboxTourCase):
    def test_supervisor_opens_the_dashboard_then_the_p90_report(self):
        self.supervisor.tz = "UTC"
        conversation = self.customer_writes("5511987650041", "Ana Dash")
        now = datetime.now().replace(microsecond=0)
        for wait, score in ((2, 5), (4, 3), (12, 4)):
            make_attendance(conversation, now, first_response_minutes=wait, csat_score=score,
                            user_id=self.agent.id)

        def arrive():
            wa_id = "5511987650042"
            self.post_webhook(payloads.delivery(payloads.change(
                self.connection.phone_number_id, messages=[payloads.text(wa_id, "Oi")],
                contacts=[payloads.contact(wa_id, "Bia Live")])), self.connection.app_secret)

        self.start_live_tour("/odoo/whatsapp-inbox", "whatsapp_inbox_dashboard_tour",
                             "tour_supervisor", arrive=arrive)

    def test_attendance_analysis_reads_durations_fits_and_counts_in_integers_tour(self):
        conversation = self.customer_writes("5511987650045", "Ana Report")
        now = datetime.now().replace(microsecond=0)
        make_attendance(conversation, now, first_response_minutes=1540, state="closed")
        make_attendance(conversation, now, first_response_minutes=1540, channel="sms")
        self.start_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_attendance_action_report",
                        "whatsapp_inbox_attendance_report_tour", login="tour_supervisor")

    def test_attendance_list_and_form_read_durations_tour(self):
        conversation = self.customer_writes("5511987650047", "Ana List")
        now = datetime.now().replace(microsecond=0)
        make_attendance(conversation, now - timedelta(days=2), protocol="T-LIST-1",
                        first_response_at=now - timedelta(days=1),
                        first_response_minutes=1540, resolution_minutes=2880.5,
                        closed_at=now, state="closed")
        make_attendance(conversation, now, protocol="T-LIST-2")
        self.start_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_attendance_action",
                        "whatsapp_inbox_attendance_list_durations_tour", login="tour_supervisor")

    def test_leads_by_origin_and_status_in_the_statuses_colours_tour(self):
        hot = self.env["whatsapp.inbox.lead.status"].create({"name": "Hot", "color": "#DC2626"})
        self.customer_writes("5511987650046", "Ana Hot").lead_status_id = hot
        self.start_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_conversation_action_report",
                        "whatsapp_inbox_lead_status_colors_tour", login="tour_supervisor")

    def test_durations_read_in_whole_units_and_the_unassigned_bar_opens_them_tour(self):
        # today and yesterday as the supervisor counts them: in UTC, a customer who wrote
        # 95 minutes ago wrote yesterday from midnight to 01:35
        self.supervisor.tz = midday_zone()
        self.customer_writes("5511987650043", "Wait Long", minutes_ago=95)
        conversation = self.customer_writes("5511987650044", "Ana Durations")
        conversation.user_id = self.agent
        now = datetime.now().replace(microsecond=0)
        make_attendance(conversation, now, first_response_minutes=6)
        make_attendance(conversation, now - timedelta(days=1), first_response_minutes=100)
        self.start_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_dashboard_action",
                        "whatsapp_inbox_dashboard_durations_tour", login="tour_supervisor")
