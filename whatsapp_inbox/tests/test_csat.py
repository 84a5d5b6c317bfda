import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TourMixin, WhatsappInboxSimulatorCase, payloads
from .simulator import default_templates, new_template

SEND_LOGGER = "odoo.addons.whatsapp_inbox.models.whatsapp_inbox_message_send"
RATINGS_PT = ["Ótimo", "Bom", "Regular", "Ruim", "Péssimo"]


@tagged("post_install", "-at_install")
class TestCsat(WhatsappInboxSimulatorCase):
    """The satisfaction survey after Finalize: asked inside the window as buttons or a list,
    outside it with a template; answered without reopening anything; never an Errors case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim.set_templates("WABA-BR", default_templates() + [
            new_template("avaliacao", "pt_BR", "Como você avalia nosso atendimento?",
                         buttons=RATINGS_PT),
            new_template("avaliacao", "es", "¿Cómo evalúa nuestra atención?",
                         buttons=["Excelente", "Bueno", "Regular", "Malo", "Pésimo"]),
        ])
        cls.connection.action_sync_templates()
        cls.survey_template = cls.env["whatsapp.inbox.template"].search([
            ("connection_id", "=", cls.connection.id), ("name", "=", "avaliacao"),
            ("language", "=", "pt_BR")])
        cls.connection.csat_enabled = True

    def attended(self, wa_id=None, **vals):
        """A customer who wrote and got an answer from the agent, in the window."""
        conversation = self.open_window(wa_id, user_id=self.agent.id, **vals)
        conversation.with_user(self.agent)._send_text("Olá! Como posso ajudar?")
        self.send_queue()
        return conversation

    def finalize(self, conversation):
        conversation.with_user(self.agent).action_finalize()
        return conversation.current_attendance_id

    def survey_message(self, attendance):
        return self.Message.search([("csat_attendance_id", "=", attendance.id),
                                    ("direction", "=", "out")], order="id", limit=1)

    def close_window(self, conversation):
        conversation.last_inbound_at = fields.Datetime.now() - timedelta(hours=25)

    def assertNotCounted(self, attendance):
        """The survey is out of the response rate: ``csat_responded`` empty (NULL), which
        an average skips."""
        attendance.flush_recordset()
        self.env.cr.execute("SELECT csat_responded FROM whatsapp_inbox_attendance WHERE id = %s",
                            [attendance.id])
        self.assertIsNone(self.env.cr.fetchone()[0], "not counted in the response rate")

    def assertStillFinalized(self, conversation, attendance):
        self.assertConversation(conversation, state="done", current_attendance_id=attendance,
                                attendance_ids=attendance, unread=False)

    # ------------------------------------------------------------ asking

    def test_in_window_the_question_goes_as_a_list_through_the_send_door(self):
        conversation = self.attended()
        attendance = self.finalize(conversation)
        self.assertEqual((attendance.state, attendance.csat_state, attendance.csat_responded),
                         ("closed", "asked", 0))
        self.assertTrue(attendance.csat_asked_at)
        question = self.survey_message(attendance)
        self.assertEqual((question.message_type, question.status, question.author_id.id),
                         ("interactive", "queued", False))
        self.send_queue()
        self.assertEqual(question.status, "sent", question.failure_reason)
        sent = self.sent_bodies()[-1]
        self.assertEqual(sent["type"], "interactive")
        self.assertEqual(sent["interactive"], {
            "type": "list",
            "body": {"text": "How would you rate our service today? Your answer helps us "
                             "improve."},
            "action": {"button": "Rate", "sections": [{"rows": [
                {"id": f"csat:{attendance.id}:{score}", "title": title} for score, title in [
                    (5, "5 - Excellent"), (4, "4 - Good"), (3, "3 - Fair"), (2, "2 - Poor"),
                    (1, "1 - Very poor")]]}]}})
        self.assertEqual(conversation.state, "done", "the survey leaves it Finalized")

    def test_three_custom_answers_go_as_reply_buttons_in_the_customer_s_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.connection.write({
            "csat_scale": "custom",
            "csat_question": "Did we solve it? ({protocol})",
            "csat_option_ids": [fields.Command.create({"name": name, "value": value})
                                for name, value in [("Yes", 10), ("Partly", 5), ("No", 0)]],
        })
        self.connection.update_field_translations(
            "csat_question", {"pt_BR": "Resolvemos? ({protocol})"})
        self.connection.csat_option_ids[0].update_field_translations("name", {"pt_BR": "Sim"})
        partner = self.env["res.partner"].create({"name": "Joana", "lang": "pt_BR"})
        conversation = self.attended(partner_id=partner.id)
        attendance = self.finalize(conversation)
        self.send_queue()
        interactive = self.sent_bodies()[-1]["interactive"]
        self.assertEqual(interactive["type"], "button")
        self.assertEqual(interactive["body"]["text"], f"Resolvemos? ({attendance.protocol})")
        self.assertEqual([b["reply"] for b in interactive["action"]["buttons"]], [
            {"id": f"csat:{attendance.id}:10", "title": "Sim"},
            {"id": f"csat:{attendance.id}:5", "title": "Partly"},
            {"id": f"csat:{attendance.id}:0", "title": "No"}])

    def test_a_list_can_be_chosen_for_few_answers(self):
        self.connection.write({
            "csat_scale": "custom", "csat_presentation": "list",
            "csat_option_ids": [fields.Command.create({"name": name, "value": value})
                                for name, value in [("Yes", 1), ("No", 0)]],
        })
        conversation = self.attended()
        self.finalize(conversation)
        self.send_queue()
        interactive = self.sent_bodies()[-1]["interactive"]
        self.assertEqual(interactive["type"], "list")
        self.assertEqual([row["title"] for row in interactive["action"]["sections"][0]["rows"]],
                         ["Yes", "No"])

    def test_outside_the_window_the_chosen_template_goes(self):
        self.connection.csat_template_id = self.survey_template
        conversation = self.attended()
        self.close_window(conversation)
        attendance = self.finalize(conversation)
        self.assertEqual(attendance.csat_state, "asked")
        self.send_queue()
        sent = self.sent_bodies()[-1]
        self.assertEqual(sent["type"], "template")
        self.assertEqual((sent["template"]["name"], sent["template"]["language"]),
                         ("avaliacao", {"code": "pt_BR"}))
        self.assertEqual(self.survey_message(attendance).status, "sent")
        self.assertEqual(conversation.state, "done")

    def test_outside_the_window_the_template_in_the_customer_s_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.connection.csat_template_id = self.survey_template
        partner = self.env["res.partner"].create({"name": "Lucía", "lang": "es_ES"})
        conversation = self.attended(partner_id=partner.id)
        self.close_window(conversation)
        self.finalize(conversation)
        self.send_queue()
        self.assertEqual(self.sent_bodies()[-1]["template"]["language"], {"code": "es"})

    def test_outside_the_window_without_template_nothing_is_sent_nor_an_error(self):
        conversation = self.attended()
        self.close_window(conversation)
        before = len(conversation.wa_message_ids)
        attendance = self.finalize(conversation)
        self.assertEqual(len(conversation.wa_message_ids), before, "nothing queued")
        self.assertEqual(attendance.csat_state, "failed")
        self.assertIn("no survey template", attendance.csat_error)
        self.assertNotCounted(attendance)
        self.assertEqual(conversation.state, "done")
        self.assertTrue(conversation.message_ids.filtered(
            lambda m: "not sent" in m.body and attendance.protocol in m.body))

    def test_a_conversation_nobody_answered_is_not_surveyed(self):
        conversation = self.open_window(user_id=self.agent.id)
        attendance = self.finalize(conversation)
        self.assertEqual((conversation.state, attendance.state), ("done", "closed"))
        self.assertFalse(attendance.csat_state)
        self.assertFalse(self.survey_message(attendance))
        self.assertFalse(conversation.wa_message_ids.filtered(lambda m: m.direction == "out"))

    def test_a_conversation_only_the_bot_answered_is_not_surveyed(self):
        conversation = self.open_window()
        conversation._send_text("Our opening hours are 8-18.", automated=True)
        self.send_queue()
        attendance = self.finalize(conversation)
        self.assertFalse(attendance.csat_state)
        self.assertFalse(self.survey_message(attendance))

    def test_the_finalized_line_comes_before_the_survey(self):
        conversation = self.attended()
        attendance = self.finalize(conversation)
        survey = self.survey_message(attendance).mail_message_id
        finalized = conversation.message_ids.filtered(
            lambda m: "Conversation finalized by" in (m.body or ""))
        self.assertTrue(survey and finalized)
        self.assertLess(finalized.id, survey.id)

    def test_without_a_contact_language_the_number_s_country_chooses(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["res.lang"]._activate_lang("es_ES")
        self.env.company.partner_id.lang = "en_US"
        brazilian = self.open_window("5511955550101")
        argentinian = self.open_window("5491155550102")
        mexican = self.open_window("5215555550103")
        american = self.open_window("14155550104")
        german = self.open_window("4930555550105")
        self.assertEqual([c._customer_lang() for c in (brazilian, argentinian, mexican, american,
                                                   german)],
                         ["pt_BR", "es_ES", "es_ES", "en_US", "en_US"])
        self.env["res.lang"]._activate_lang("es_AR")
        self.assertEqual(argentinian._customer_lang(), "es_AR", "the country's own variant")
        argentinian.partner_id = self.env["res.partner"].create({"name": "Tomás",
                                                                 "lang": "pt_BR"})
        self.assertEqual(argentinian._customer_lang(), "pt_BR", "the contact's language first")

    def test_outside_the_window_the_template_in_the_language_of_the_number(self):
        self.env["res.lang"]._activate_lang("es_AR")
        self.connection.csat_template_id = self.survey_template
        conversation = self.attended(wa_id="5491155550106")
        self.close_window(conversation)
        self.finalize(conversation)
        self.send_queue()
        self.assertEqual(self.sent_bodies()[-1]["template"]["language"], {"code": "es"})

    def test_finalize_by_an_automation_asks(self):
        conversation = self.attended()
        conversation.action_finalize()  # as the superuser: an automation
        attendance = conversation.current_attendance_id
        self.assertEqual((attendance.close_method, attendance.csat_state),
                         ("automation", "asked"))
        self.assertEqual(self.survey_message(attendance).message_type, "interactive")

    def test_auto_finalize_asks(self):
        conversation = self.attended()
        conversation.last_message_at = fields.Datetime.now() - timedelta(hours=3)
        self.env["ir.config_parameter"].sudo().set_param("whatsapp_inbox.auto_finalize_hours", 2)
        self.Conversation._cron_auto_finalize()
        attendance = conversation.current_attendance_id
        self.assertEqual((attendance.close_method, attendance.csat_state),
                         ("auto_finalize", "asked"))
        self.send_queue()
        self.assertEqual(self.sent_bodies()[-1]["type"], "interactive")

    def test_survey_off_asks_nothing_and_reopen_does_not_ask_twice(self):
        self.connection.csat_enabled = False
        conversation = self.attended()
        attendance = self.finalize(conversation)
        self.assertFalse(attendance.csat_state)
        self.assertFalse(self.survey_message(attendance))
        self.connection.csat_enabled = True
        conversation.with_user(self.agent).action_reopen()
        self.finalize(conversation)
        self.assertEqual(attendance.csat_state, "asked", "asked at its closing")
        conversation.with_user(self.agent).action_reopen()
        self.assertEqual(attendance.csat_state, "expired", "reopened: no longer pending")
        self.finalize(conversation)
        self.assertEqual(len(self.Message.search([("csat_attendance_id", "=", attendance.id)])),
                         1, "one survey an attendance")

    # ------------------------------------------------------------ failures

    def test_meta_failing_the_question_is_not_an_error(self):
        conversation = self.attended()
        self.sim.fail(conversation.wa_id, 131026)  # accepted, then a failed status
        attendance = self.finalize(conversation)
        self.send_queue()
        self.deliver_callbacks()
        self.assertEqual(self.survey_message(attendance).status, "failed")
        self.assertEqual(conversation.state, "done", "never in Errors for the survey")
        self.assertFalse(conversation.error_reason)
        self.assertEqual(attendance.csat_state, "failed")
        self.assertTrue(attendance.csat_error)
        self.assertNotCounted(attendance)

    def test_api_refusing_the_question_is_not_an_error(self):
        conversation = self.attended()
        self.sim.fail(conversation.wa_id, 131009)  # refused at once
        attendance = self.finalize(conversation)
        with mute_logger(SEND_LOGGER):
            self.send_queue()
        self.assertEqual(self.survey_message(attendance).status, "failed")
        self.assertEqual((conversation.state, attendance.csat_state), ("done", "failed"))
        self.assertTrue(conversation.message_ids.filtered(
            lambda m: "Satisfaction survey" in m.body and "not sent" in m.body))

    def test_expired_token_leaves_the_finalize_alone(self):
        conversation = self.attended()
        self.connection.token_state = "expired"
        attendance = self.finalize(conversation)
        self.assertEqual((conversation.state, attendance.state, attendance.csat_state),
                         ("done", "closed", "failed"))
        self.assertIn("access token", attendance.csat_error)

    # ------------------------------------------------------------ answers

    def asked(self, **connection_vals):
        """A finalized conversation whose survey question was sent."""
        self.connection.write(connection_vals)
        conversation = self.attended()
        attendance = self.finalize(conversation)
        self.send_queue()
        self.deliver_callbacks()
        return conversation, attendance, self.survey_message(attendance)

    def test_the_tap_is_stored_without_reopening_nor_a_new_attendance(self):
        conversation, attendance, question = self.asked()
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:4",
                               "4 - Good", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_state, attendance.csat_score,
                          attendance.csat_responded), ("answered", 4, 100))
        self.assertStillFinalized(conversation, attendance)
        self.assertFalse(conversation.waiting_since)
        answer = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[-1]
        self.assertEqual(answer.csat_attendance_id, attendance)
        self.send_queue()
        self.assertEqual(self.sent_bodies()[-1]["text"]["body"], "Thank you for your rating!")
        self.assertEqual(conversation.state, "done", "the thanks leave it Finalized too")

    def test_a_typed_score_or_answer_is_the_rating(self):
        conversation, attendance, _question = self.asked()
        self.sim.customer_says("PNID-BR", conversation.wa_id, " 4 ")
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_state, attendance.csat_score), ("answered", 4))
        self.assertStillFinalized(conversation, attendance)
        conversation, attendance, _question = self.asked()
        self.sim.customer_says("PNID-BR", conversation.wa_id, "2 - poor")
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_state, attendance.csat_score), ("answered", 2))
        self.assertStillFinalized(conversation, attendance)

    def test_a_text_with_a_number_in_it_is_not_the_rating(self):
        conversation, attendance, _question = self.asked()
        self.sim.customer_says("PNID-BR", conversation.wa_id, "4 itens chegaram quebrados")
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_state, conversation.state), ("expired", "waiting"))

    def test_a_template_quick_reply_is_the_rating(self):
        self.connection.csat_template_id = self.survey_template
        conversation = self.attended()
        self.close_window(conversation)
        attendance = self.finalize(conversation)
        self.send_queue()
        question = self.survey_message(attendance)
        self.assertEqual((question.message_type, question.status), ("template", "sent"))
        self.receive(payloads.inbound(conversation.wa_id, "button", {
            "payload": "Regular", "text": "Regular"},
            context={"from": "15550000000", "id": question.wamid}))
        self.assertEqual((attendance.csat_state, attendance.csat_score), ("answered", 3))
        self.assertStillFinalized(conversation, attendance)

    def test_another_message_during_the_question_starts_a_normal_attendance(self):
        conversation, attendance, question = self.asked()
        self.sim.customer_says("PNID-BR", conversation.wa_id, "Na verdade tenho outra dúvida")
        self.deliver_callbacks()
        self.assertEqual(conversation.state, "waiting")
        second = conversation.current_attendance_id
        self.assertNotEqual(second, attendance)
        self.assertEqual((attendance.csat_state, attendance.csat_score), ("expired", 0))
        self.assertEqual(second.state, "open")
        # the old question tapped later is an ordinary message of the new attendance
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:5",
                               "5 - Excellent", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_state, second.csat_state), ("expired", False))
        self.assertEqual(conversation.attendance_ids, attendance | second)

    def test_an_agent_writing_first_drops_the_question(self):
        conversation, attendance, question = self.asked()
        conversation.with_user(self.agent)._send_text("Esqueci de dizer: o prazo é sexta.")
        self.assertEqual((conversation.state, attendance.csat_state), ("open", "expired"))
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:5",
                               "5 - Excellent", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_state, attendance.csat_score), ("expired", 0))

    def test_meta_s_agent_taking_the_customer_drops_the_question(self):
        conversation, attendance, _question = self.asked()
        self.deliver(payloads.delivery(payloads.handover(
            "PNID-BR", conversation.wa_id, "pass_thread_control", new_owner_role="ai_agent")))
        self.assertEqual((conversation.state, attendance.csat_state), ("bot", "expired"))

    def test_a_tap_on_another_survey_is_not_this_one_s_answer(self):
        conversation, attendance, question = self.asked()
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id + 1000}:5",
                               "5 - Excellent", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.assertEqual((conversation.state, attendance.csat_state), ("waiting", "expired"))

    def test_the_comment_after_the_rating_is_stored_without_reopening(self):
        conversation, attendance, question = self.asked(csat_ask_comment=True)
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:2",
                               "2 - Poor", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.send_queue()
        self.assertIn("write us a comment", self.sent_bodies()[-1]["text"]["body"])
        self.sim.customer_says("PNID-BR", conversation.wa_id, "Demorou muito",
                               timestamp=time.time() + 120)
        self.deliver_callbacks()
        self.assertEqual((attendance.csat_score, attendance.csat_comment), (2, "Demorou muito"))
        self.assertStillFinalized(conversation, attendance)
        self.send_queue()
        self.assertEqual(self.sent_bodies()[-1]["text"]["body"], "Thank you for your comment!")
        # the comment is taken once: what follows is a new attendance
        self.sim.customer_says("PNID-BR", conversation.wa_id, "Outra coisa",
                               timestamp=time.time() + 180)
        self.deliver_callbacks()
        self.assertEqual(conversation.state, "waiting")
        self.assertEqual(attendance.csat_comment, "Demorou muito")

    def test_anonymising_the_customer_erases_the_comment_and_keeps_the_rating(self):
        conversation, attendance, question = self.asked(csat_ask_comment=True)
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:1",
                               "1 - Very poor", question.wamid, reply_type="list_reply")
        self.sim.customer_says("PNID-BR", conversation.wa_id, "Meu CPF é 529.982.247-25",
                               timestamp=time.time() + 60)
        self.deliver_callbacks()
        self.assertEqual(attendance.csat_comment, "Meu CPF é 529.982.247-25")
        self.env["whatsapp.inbox.erasure"]._erase(conversation, "anonymize", {},
                                                  origin="retention", name="Retention")
        self.assertEqual((attendance.csat_score, attendance.csat_comment), (1, False))

    def test_a_text_long_after_the_rating_is_not_the_comment(self):
        conversation, attendance, question = self.asked(csat_ask_comment=True)
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:5",
                               "5 - Excellent", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.sim.customer_says("PNID-BR", conversation.wa_id, "Oi, voltei",
                               timestamp=time.time() + 11 * 60)
        self.deliver_callbacks()
        self.assertFalse(attendance.csat_comment)
        self.assertEqual(conversation.state, "waiting")
        self.assertEqual(len(conversation.attendance_ids), 2)

    def test_the_rating_wakes_no_automation(self):
        calendar = self.env["resource.calendar"].create({
            "name": "Never open", "attendance_ids": [fields.Command.clear()]})
        self.connection.write({"resource_calendar_id": calendar.id,
                               "away_message": "Estamos fechados."})
        conversation, attendance, question = self.asked()
        conversation.away_sent_at = False
        self.sim.customer_taps("PNID-BR", conversation.wa_id, f"csat:{attendance.id}:5",
                               "5 - Excellent", question.wamid, reply_type="list_reply")
        self.deliver_callbacks()
        self.send_queue()
        self.assertEqual(attendance.csat_state, "answered")
        bodies = [b["text"]["body"] for b in self.sent_bodies() if b.get("type") == "text"]
        self.assertEqual(bodies[-1], "Thank you for your rating!")
        self.assertNotIn("Estamos fechados.", bodies[-2:], "no away message for the rating")
        self.assertFalse(conversation.away_sent_at)

    # ------------------------------------------------------------ settings

    def test_settings_refuse_what_whatsapp_cannot_show(self):
        with self.assertRaises(ValidationError, msg="5 answers do not fit in buttons"):
            self.connection.csat_presentation = "buttons"
        with self.assertRaises(ValidationError, msg="one quick reply per answer"):
            self.connection.csat_template_id = self.env["whatsapp.inbox.template"].search([
                ("connection_id", "=", self.connection.id), ("name", "=", "boas_vindas")])
        with self.assertRaises(ValidationError, msg="a custom scale needs its answers"):
            self.connection.csat_scale = "custom"
        with self.assertRaises(ValidationError, msg="a button shows 20 characters"):
            self.env["whatsapp.inbox.csat.option"].create({
                "connection_id": self.connection.id, "name": "x" * 21, "value": 1})


@tagged("post_install", "-at_install")
class TestCsatTour(TourMixin, HttpCase):
    def test_admin_turns_the_survey_on_with_a_custom_scale_tour(self):
        connection = self.env["whatsapp.inbox.connection"].create({
            "name": "Survey Tour", "phone_number_id": "PNID-CSAT", "waba_id": "WABA-CSAT",
            "app_secret": "csat-secret", "access_token": "csat-token"})
        self.start_tour(f"/odoo/action-whatsapp_inbox.whatsapp_inbox_connection_action/"
                        f"{connection.id}", "whatsapp_inbox_csat_settings_tour", login="admin")
        self.assertTrue(connection.csat_enabled)
        self.assertEqual(connection.csat_question, "Did we solve it? Protocol {protocol}")
        self.assertEqual((connection.csat_scale, connection.csat_ask_comment), ("custom", True))
        self.assertEqual([(o.name, o.value) for o in connection.csat_option_ids],
                         [("Yes", 10), ("No", 0)])

    def test_supervisor_reads_the_rating_on_the_attendances_tour(self):
        new_test_user(self.env, login="csat_supervisor", name="Survey Supervisor",
                      groups="whatsapp_inbox.group_supervisor")
        connection = self.env["whatsapp.inbox.connection"].create({
            "name": "Survey Tour", "phone_number_id": "PNID-CSAT", "waba_id": "WABA-CSAT"})
        Conversation = self.env["whatsapp.inbox.conversation"]
        Attendance = self.env["whatsapp.inbox.attendance"]
        for number, vals in enumerate([
            {"csat_state": "answered", "csat_score": 2, "csat_comment": "Demorou muito"},
            {"csat_state": "failed", "csat_error": "the 24-hour window is closed and the "
                                                  "connection has no survey template."},
        ], 1):
            conversation = Conversation.create({"connection_id": connection.id,
                                                "wa_id": f"551190000000{number}"})
            Attendance.create({"conversation_id": conversation.id, "state": "closed",
                               "protocol": f"CSAT-TOUR-{number}",
                               "company_id": conversation.company_id.id, **vals})
        self.start_tour("/odoo/action-whatsapp_inbox.whatsapp_inbox_attendance_action",
                        "whatsapp_inbox_csat_attendance_tour", login="csat_supervisor")
