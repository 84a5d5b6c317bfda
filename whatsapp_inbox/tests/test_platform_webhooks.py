"""Every webhook field of 2026's platform, delivered through the journal as Meta shapes it:
coexistence (echoes, history, contacts), Meta's agent (standby, handovers), marketing
preferences, template lifecycle, unknown fields and types, pricing."""

import ast
import json
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import SQL, convert_file

from ..tools import webhook
from .common import WhatsappInboxCase, WhatsappInboxSimulatorCase, payloads
from .simulator import default_templates, new_template

PNID = "PNID-BR"
HOUR = 3600


def _bsuid_message(bsuid, kind="text", content=None, **extra):
    """A message from a customer who hides their number behind a username."""
    message = payloads.inbound(bsuid, kind, content, **extra)
    del message["from"]
    message["from_user_id"] = bsuid
    return message


class TestPlatformWireFormat(BaseCase):
    """The new fields are read into typed records; a wrong field costs its item only."""

    def parse(self, *changes):
        return webhook.parse(payloads.encode(payloads.delivery(*changes)))

    def test_echoes_history_and_standby_say_who_wrote(self):
        now = int(time.time())
        delivery = self.parse(
            payloads.field_change(PNID, "smb_message_echoes",
                                  message_echoes=[payloads.echo("5511987650101")]),
            payloads.history(PNID, payloads.history_thread(
                "5511987650102", (False, "Oi", now - 60), (True, "Olá", now - 30))),
            payloads.field_change(PNID, "standby", messages=[payloads.text("5511987650103")]))
        self.assertEqual([(m.customer, m.direction, m.origin) for m in delivery.messages], [
            ("5511987650101", "out", "echo"), ("5511987650102", "in", "history"),
            ("5511987650102", "out", "history"), ("5511987650103", "in", "standby")])
        self.assertEqual(delivery.messages[2].status, "read")
        plus = payloads.echo("+5511987650101")
        [echo] = self.parse(payloads.field_change(
            PNID, "smb_message_echoes", message_echoes=[plus])).messages
        self.assertEqual(echo.customer, "5511987650101", "Meta's examples write +number")

    def test_pricing_preferences_syncs_handovers_and_template_updates(self):
        status = payloads.status("wamid.P", "sent", "5511987650104",
                                 pricing=("marketing", "regular"))
        delivery = self.parse(
            payloads.change(PNID, statuses=[status]),
            payloads.user_preference(PNID, "5511987650104", "stop"),
            payloads.state_sync(PNID, "+55 11 98765-0104", "Ana Souza"),
            payloads.handover(PNID, "5511987650104", "release_thread_control"),
            payloads.template_update("message_template_quality_update", 77, "promo",
                                     previous_quality_score="GREEN", new_quality_score="RED"))
        [status] = delivery.statuses
        self.assertEqual((status.billable, status.pricing_category, status.pricing_model,
                          status.pricing_type), (True, "marketing", "PMP", "regular"))
        [preference] = delivery.preferences
        self.assertEqual((preference.customer, preference.category, preference.value),
                         ("5511987650104", "marketing_messages", "stop"))
        self.assertEqual(delivery.contact_syncs[0].phone, "5511987650104")
        self.assertFalse(delivery.handovers[0].to_us, "released back to Meta's agent")
        [update] = delivery.template_updates
        self.assertEqual((update.kind, update.previous, update.new, update.template_id),
                         ("quality", "GREEN", "RED", "77"))
        self.assertEqual(delivery.customers(), {(PNID, "5511987650104")})

    def test_request_contact_info_answer_and_flow_reply_in_meta_s_shapes(self):
        # Meta's example: origin on the message, a vCard and the phone without wa_id
        shared = _bsuid_message("BR.99", "contacts", [{
            "vcard": "BEGIN:VCARD...", "name": {"formatted_name": "Ana"},
            "phones": [{"phone": "+55 11 98765-0199"}]}], origin="contact_request")
        flow = payloads.inbound("5511987650198", "interactive", {
            "type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent",
                                               "response_json": '{"flow_token": "T1"}'}})
        other = _bsuid_message("BR.98", "contacts", [{"phones": [{"phone": "+55 11 1"}]}],
                               origin="other")
        answer, flow_reply, shared_card = self.parse(
            payloads.change(PNID, messages=[shared, flow, other])).messages
        self.assertEqual(answer.shared_wa_id, "5511987650199")
        self.assertEqual(shared_card.shared_wa_id, "", "a card shared by hand is no answer")
        self.assertIn('"flow_token', flow_reply.raw, "the flow's answers are kept")

    def test_wrong_fields_become_problems_of_their_item(self):
        status = payloads.status("wamid.Q", "sent", "5511987650105")
        status["pricing"] = {"billable": "yes"}
        sync = payloads.state_sync(PNID, "no digits")
        preference = payloads.user_preference(PNID, "5511987650105")
        preference["value"]["user_preferences"][0]["timestamp"] = "soon"
        delivery = self.parse(payloads.change(PNID, statuses=[status]), sync, preference,
                              payloads.history(PNID, {"messages": []}))
        self.assertEqual([problem.error.split(":")[0] for problem in delivery.problems],
                         ["pricing.billable", "contact.phone_number", "timestamp", "id"])
        self.assertFalse(delivery.statuses or delivery.contact_syncs or delivery.preferences)


@tagged("post_install", "-at_install")
class TestCoexistence(WhatsappInboxCase):
    def test_echo_is_stored_outbound_without_sending_nor_window(self):
        conversation = self.make_conversation("done", wa_id="5511987650001")
        echo = payloads.echo("5511987650001", "Typed on the phone")
        self.deliver(payloads.delivery(payloads.field_change(
            PNID, "smb_message_echoes", message_echoes=[echo])))
        [message] = conversation.wa_message_ids
        self.assertEqual((message.direction, message.origin, message.status, message.body),
                         ("out", "echo", "sent", "Typed on the phone"))
        self.assertConversation(conversation, state="done", window_open=False, unread=False)
        self.assertTrue(conversation.last_outbound_at)
        self.assertFalse(self.Message.search([("status", "=", "queued")]), "never re-sent")

    def test_echo_keeps_an_open_conversation_open_and_its_window(self):
        self.receive(payloads.text("5511987650002", "Oi"))
        conversation = self.conversation_of("5511987650002")
        conversation._transition("agent_reply")
        window = conversation.window_expires_at
        self.deliver(payloads.delivery(payloads.field_change(
            PNID, "smb_message_echoes", message_echoes=[payloads.echo("5511987650002")])))
        self.assertConversation(conversation, state="open", window_expires_at=window)

    def test_an_answer_typed_on_the_phone_answers_the_customer(self):
        self.receive(payloads.text("5511987650007", "Oi"))
        conversation = self.conversation_of("5511987650007")
        self.assertTrue(conversation.unanswered_since)
        self.deliver(payloads.delivery(payloads.field_change(
            PNID, "smb_message_echoes", message_echoes=[
                payloads.echo("5511987650007", timestamp=int(time.time()) + 1)])))
        self.assertFalse(conversation.unanswered_since)

    def test_history_is_imported_as_the_past_once(self):
        now = int(time.time())
        thread = payloads.history_thread(
            "5511987650003", (False, "Vocês abrem sábado?", now - 40 * 24 * HOUR),
            (True, "Sim, das 9h às 13h", now - 40 * 24 * HOUR + 60))
        body = payloads.delivery(payloads.history(PNID, thread))
        self.deliver(body)
        self.deliver(body)  # redelivered: nothing twice
        conversation = self.conversation_of("5511987650003")
        self.assertEqual(conversation.wa_message_ids.mapped("direction"), ["in", "out"])
        self.assertEqual(set(conversation.wa_message_ids.mapped("origin")), {"history"})
        self.assertEqual(conversation.wa_message_ids[1].status, "read")
        self.assertConversation(conversation, state="new", unread=False, window_open=False,
                                last_message_preview="Sim, das 9h às 13h")

    def test_state_sync_matches_and_creates_contacts(self):
        partner = self.env["res.partner"].create({"name": "Ana", "mobile": "+55 11 98765-0004"})
        conversation = self.make_conversation(wa_id="551187650004")  # without the ninth digit
        self.deliver(payloads.delivery(
            payloads.state_sync(PNID, "5511987650004", "Ana Souza"),
            payloads.state_sync(PNID, "5511987650005", "Bruno Lima")))
        self.assertEqual(conversation.partner_id, partner)
        created = self.env["res.partner"].search([("name", "=", "Bruno Lima")])
        self.assertEqual(created.phone, "+5511987650005")

    def test_standby_is_stored_and_shows_meta_agent(self):
        now = int(time.time())
        customer = payloads.text("5511987650006", "Qual o horário?", timestamp=now - 5)
        answer = payloads.echo("5511987650006", "Abrimos às 9h.", timestamp=now)
        self.deliver(payloads.delivery(payloads.field_change(
            PNID, "standby", messages=[customer], message_echoes=[answer])))
        conversation = self.conversation_of("5511987650006")
        self.assertEqual(conversation.wa_message_ids.mapped("direction"), ["in", "out"])
        self.assertEqual(set(conversation.wa_message_ids.mapped("origin")), {"standby"})
        # no human answers it: the Automated tab, in an attendance of its own
        self.assertConversation(conversation, handled_by="meta_agent", state="bot",
                                window_open=True)
        self.assertTrue(conversation.current_attendance_id.bot_since)

    def test_a_message_on_the_messages_field_means_we_hold_it_again(self):
        conversation = self.make_conversation(wa_id="5511987650017", handled_by="meta_agent")
        self.receive(payloads.text("5511987650017", "Quero falar com uma pessoa"))
        self.assertConversation(conversation, handled_by="inbox", state="waiting")

    def test_handovers_move_the_conversation_between_meta_agent_and_us(self):
        conversation = self.make_conversation(wa_id="5511987650007")
        self.deliver(payloads.delivery(payloads.handover(
            PNID, "5511987650007", "pass_thread_control", new_owner_role="ai_agent")))
        self.assertConversation(conversation, handled_by="meta_agent", state="bot")
        self.deliver(payloads.delivery(payloads.handover(PNID, "5511987650007")))
        # handed back: a human must answer now
        self.assertConversation(conversation, handled_by="inbox", state="waiting")
        self.assertIn("pass_thread_control", conversation.message_ids[0].body)

    def test_unknown_field_is_kept_and_named_on_its_event(self):
        event = self.deliver(payloads.delivery(
            {"field": "account_alerts", "value": {"entity_type": "BUSINESS"}},
            payloads.change(PNID, messages=[payloads.text("5511987650008", "Oi")])))
        self.assertEqual((event.state, event.unsupported_fields), ("done", "account_alerts"))
        self.assertIn("entity_type", event.body)
        self.assertTrue(self.conversation_of("5511987650008"), "the rest is applied")

    def test_unknown_message_type_is_unsupported_with_raw_data(self):
        [message] = self.receive(payloads.inbound(
            "5511987650009", "hologram", {"id": "HOLO1", "depth": 3}))
        self.assertEqual(message.message_type, "unsupported")
        self.assertEqual(json.loads(message.raw_json)["hologram"], {"id": "HOLO1", "depth": 3})


@tagged("post_install", "-at_install")
class TestMetaAgentTakeOver(WhatsappInboxSimulatorCase):
    def test_take_over_calls_thread_control(self):
        conversation = self.make_conversation("bot", wa_id="5511987650010",
                                              handled_by="meta_agent")
        conversation.with_user(self.agent).action_take_over()
        self.assertConversation(conversation, handled_by="inbox", state="waiting")
        self.assertIn({"messaging_product": "whatsapp", "action": "take",
                       "to": "5511987650010"}, self.sent_bodies())


@tagged("post_install", "-at_install")
class TestMarketingPreferences(WhatsappInboxSimulatorCase):
    def setUp(self):
        super().setUp()
        Template = self.env["whatsapp.inbox.template"]
        self.marketing = Template.create({
            "name": "promo", "language": "pt_BR", "connection_id": self.connection.id,
            "category": "MARKETING", "status": "APPROVED", "body": "Promoção!"})
        self.utility = Template.create({
            "name": "aviso", "language": "pt_BR", "connection_id": self.connection.id,
            "category": "UTILITY", "status": "APPROVED", "body": "Seu pedido saiu."})
        # Meta knows them too: the simulator refuses templates its WABA does not have
        self.sim.set_templates("WABA-BR", [
            *default_templates(),
            new_template("promo", "pt_BR", "Promoção!", category="MARKETING"),
            new_template("aviso", "pt_BR", "Seu pedido saiu.")])

    def test_stop_blocks_marketing_only_and_resume_allows_it(self):
        conversation = self.open_window("5511987650011")
        self.deliver(payloads.delivery(payloads.user_preference(PNID, "5511987650011", "stop")))
        entry = conversation.consent_ids
        self.assertEqual((entry.status, entry.scope, entry.source),
                         ("opt_out", "marketing", "meta"))
        self.assertConversation(conversation, marketing_opted_out=True, opted_out=False)
        with self.assertRaises(UserError):
            conversation._send_template(self.marketing, {})
        conversation._send_template(self.utility, {})
        self.deliver(payloads.delivery(payloads.user_preference(PNID, "5511987650011", "resume")))
        self.assertFalse(conversation.marketing_opted_out)
        conversation._send_template(self.marketing, {})

    def test_composer_warns_when_the_template_is_billed(self):
        conversation = self.open_window("5511987650016")
        composer = self.env["whatsapp.inbox.composer"].create({
            "conversation_id": conversation.id, "mode": "template",
            "template_id": self.marketing.id})
        self.assertIn("bills this marketing template", composer.billing_warning)
        composer.template_id = self.utility
        self.assertIn("free", composer.billing_warning)
        composer.mode = "text"
        self.assertFalse(composer.billing_warning)

    def test_workspace_template_picker_warns_when_the_template_is_billed(self):
        self.env.ref("whatsapp_inbox.whatsapp_inbox_price_br_marketing").price = 0.0625
        conversation = self.open_window("5511987650017")
        conversation.user_id = self.agent
        Conversation = self.env["whatsapp.inbox.conversation"].with_user(self.agent)

        def warnings():
            return {t["id"]: t["billing_warning"]
                    for t in Conversation.workspace_templates(conversation.id)}

        self.assertIn("bills this marketing template (0.0625 USD)",
                      warnings()[self.marketing.id])
        self.assertIn("free", warnings()[self.utility.id], "utility inside the window")
        conversation.last_inbound_at = fields.Datetime.now() - timedelta(hours=25)
        self.assertIn("bills this utility template", warnings()[self.utility.id])

    def test_meta_refusing_marketing_records_the_stop_in_the_ledger(self):
        conversation = self.open_window("5511987650018")
        message = conversation._send_template(self.marketing, {})
        self.send_queue()
        self.deliver(payloads.delivery(payloads.change(PNID, statuses=[payloads.status(
            message.wamid, "failed", "5511987650018",
            error=(131050, "User has stopped receipt of marketing messages"))])))
        self.assertEqual((message.failure_type, conversation.marketing_opted_out),
                         ("opted_out", True))
        self.assertEqual(conversation.consent_ids.scope, "marketing")

    def test_queued_marketing_fails_when_customer_stopped_meanwhile(self):
        conversation = self.open_window("5511987650012")
        message = conversation._send_template(self.marketing, {})
        self.deliver(payloads.delivery(payloads.user_preference(PNID, "5511987650012", "stop")))
        self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("failed", "opted_out"))


@tagged("post_install", "-at_install")
class TestTemplateLifecycle(WhatsappInboxCase):
    def setUp(self):
        super().setUp()
        self.template = self.env["whatsapp.inbox.template"].create({
            "name": "aviso", "language": "pt_BR", "connection_id": self.connection.id,
            "meta_id": "806312974732579", "category": "UTILITY", "status": "APPROVED",
            "body": "Seu pedido saiu."})

    def deliver_waba(self, *changes):
        return self.deliver(payloads.delivery(*changes, waba_id="WABA-BR"))

    def test_quality_category_and_status_are_recorded_with_history(self):
        when = int(time.time()) + 24 * HOUR
        self.deliver_waba(
            payloads.template_update("message_template_quality_update", 806312974732579, "aviso",
                                     previous_quality_score="GREEN", new_quality_score="YELLOW"),
            payloads.template_update("template_category_update", 806312974732579, "aviso",
                                     correct_category="MARKETING", new_category="UTILITY",
                                     category_update_timestamp=when))
        self.assertEqual((self.template.quality_score, self.template.category_scheduled),
                         ("YELLOW", "MARKETING"))
        self.deliver_waba(
            payloads.template_update("template_category_update", 806312974732579, "aviso",
                                     previous_category="UTILITY", new_category="MARKETING"),
            payloads.template_update("message_template_status_update", 806312974732579,
                                     "aviso", event="PAUSED", reason="LOW_QUALITY"))
        self.assertEqual((self.template.category, self.template.status,
                          self.template.category_scheduled), ("MARKETING", "PAUSED", False))
        self.assertEqual(sorted(self.template.history_ids.mapped("kind")),
                         ["category", "category", "quality", "status"])

    def test_paused_template_and_dropped_marketing_are_named_failures(self):
        conversation = self.make_conversation(wa_id="5511987650013")
        paused = self.make_outbound(conversation, "wamid.PAUSED1")
        dropped = self.make_outbound(conversation, "wamid.DROPPED1")
        self.deliver(payloads.delivery(payloads.change(PNID, statuses=[
            payloads.status("wamid.PAUSED1", "failed", "5511987650013",
                            error=(132015, "Template is Paused")),
            payloads.status("wamid.DROPPED1", "failed", "5511987650013",
                            error=(131049, "This message was not delivered to maintain "
                                           "healthy ecosystem engagement."))])))
        self.assertEqual((paused.failure_type, dropped.failure_type),
                         ("template_paused", "marketing_limited"))
        self.assertIn("per-user limit", dropped.failure_message)


@tagged("post_install", "-at_install")
class TestIdentityWithoutPhone(WhatsappInboxSimulatorCase):
    def test_reply_goes_to_the_business_scoped_user_id(self):
        self.receive(_bsuid_message("BR.1502576394655843", body="Oi"),
                     contacts=[{"user_id": "BR.1502576394655843",
                                "profile": {"name": "Ana", "username": "@ana.s"}}])
        conversation = self.conversation_of("BR.1502576394655843")
        self.assertConversation(conversation, username="@ana.s", username_only=True,
                                bsuid="BR.1502576394655843")
        conversation._send_text("Olá!")
        conversation.action_ask_phone_number()
        self.send_queue()
        text, ask = self.sent_bodies()
        self.assertEqual((text["recipient"], "to" in text), ("BR.1502576394655843", False))
        self.assertEqual(ask["interactive"]["type"], "request_contact_info")
        self.assertEqual(ask["interactive"]["action"], {"name": "request_contact_info"})

    def test_parent_bsuid_is_stored_and_shown_with_username_and_bsuid(self):
        bsuid, parent = "BR.1502576394655843", "BR.ENT.11815799212886844830"
        message = _bsuid_message(bsuid, body="Oi")
        message["from_parent_user_id"] = parent
        self.receive(message, contacts=[{"user_id": bsuid, "parent_user_id": parent,
                                         "profile": {"name": "Ana", "username": "@ana.s"}}])
        conversation = self.conversation_of(bsuid)
        self.assertConversation(conversation, bsuid=bsuid, parent_bsuid=parent)
        conversation.user_id = self.agent
        panel = conversation.with_user(self.agent)._workspace_panel()
        self.assertEqual((panel["username"], panel["bsuid"], panel["parent_bsuid"]),
                         ("@ana.s", bsuid, parent))
        # an echo of the Business app names the parent id as to_parent_user_id
        [echo] = webhook.parse(payloads.encode(payloads.delivery(payloads.field_change(
            PNID, "smb_message_echoes", message_echoes=[dict(
                payloads.echo("5511987650101"), to_parent_user_id=parent)])))).messages
        self.assertEqual(echo.parent_bsuid, parent)

    def test_authentication_templates_refused_for_username_only(self):
        self.receive(_bsuid_message("BR.77", body="Oi"))
        template = self.env["whatsapp.inbox.template"].create({
            "name": "codigo", "language": "pt_BR", "connection_id": self.connection.id,
            "category": "AUTHENTICATION", "status": "APPROVED", "body": "Seu código: {{1}}"})
        with self.assertRaisesRegex(UserError, "authentication"):
            self.conversation_of("BR.77")._send_template(template, {1: "123456"})

    def test_shared_number_links_and_merges_the_contacts(self):
        Partner = self.env["res.partner"]
        registered = Partner.create({"name": "Ana Souza", "mobile": "+55 11 98765-0014"})
        self.receive(_bsuid_message("BR.88", body="Oi"))
        conversation = self.conversation_of("BR.88")
        provisional = Partner.create({"name": "@ana (WhatsApp)", "email": "ana@example.com"})
        conversation.partner_id = provisional
        self.receive(_bsuid_message("BR.88", "contacts", [{
            "origin": "contact_request", "name": {"formatted_name": "Ana"},
            "phones": [{"phone": "+55 11 98765-0014", "wa_id": "5511987650014",
                        "type": "CELL"}]}]))
        self.assertEqual(conversation.phone, "+5511987650014")
        self.assertFalse(conversation.username_only, "replies go to the number now")
        self.assertEqual(conversation._recipient(), "5511987650014")
        self.assertEqual(conversation.partner_id, registered)
        self.assertFalse(provisional.exists(), "merged by Odoo's contact merge")
        self.assertEqual(registered.email, "ana@example.com")


@tagged("post_install", "-at_install")
class TestPricing(WhatsappInboxCase):
    def test_pricing_is_kept_and_costed_once_per_message(self):
        self.env["whatsapp.inbox.price"].search([]).unlink()
        self.env["whatsapp.inbox.price"].create({
            "country_id": self.env.ref("base.br").id, "category": "marketing", "price": 0.5})
        conversation = self.make_conversation(wa_id="5511987650015")
        billed = self.make_outbound(conversation, "wamid.PRICE1")
        free = self.make_outbound(conversation, "wamid.PRICE2")
        for state in ("sent", "delivered"):
            self.deliver(payloads.delivery(payloads.change(PNID, statuses=[
                payloads.status("wamid.PRICE1", state, "5511987650015",
                                pricing=("marketing", "regular")),
                payloads.status("wamid.PRICE2", state, "5511987650015",
                                pricing=("service", "free_customer_service"))])))
        self.assertEqual((billed.pricing_category, billed.pricing_model, billed.pricing_billable,
                          billed.cost), ("marketing", "PMP", True, 0.5))
        self.assertEqual((free.pricing_billable, free.cost), (False, 0.0))
        self.assertEqual(conversation.cost, 0.5)
        action = self.env.ref("whatsapp_inbox.whatsapp_inbox_conversation_action_cost")
        [group] = self.Conversation._read_group(
            [*ast.literal_eval(action.domain), ("id", "=", conversation.id)],
            ["connection_id"], ["cost:sum"])
        self.assertEqual(group, (self.connection, 0.5), "the cost report adds it up")

    def test_a_batch_of_statuses_reads_the_price_table_once(self):
        Price = self.env["whatsapp.inbox.price"]
        Price.search([]).unlink()
        Price.create([
            {"country_id": self.env.ref("base.br").id, "category": "marketing", "price": 0.5},
            {"country_id": self.env.ref("base.br").id, "category": "utility", "price": 0.1},
            {"country_id": self.env.ref("base.ar").id, "category": "marketing", "price": 0.7},
        ])
        customers = [("5511987650021", "marketing"), ("5511987650022", "marketing"),
                     ("5511987650023", "utility"), ("5491187650024", "marketing")]
        messages = [self.make_outbound(self.make_conversation(wa_id=wa_id), f"wamid.BATCH{i}")
                    for i, (wa_id, _category) in enumerate(customers)]
        self.env.invalidate_all()
        with self.price_table_reads() as reads:
            self.deliver(payloads.delivery(payloads.change(PNID, statuses=[
                payloads.status(f"wamid.BATCH{i}", "delivered", wa_id,
                                pricing=(category, "regular"))
                for i, (wa_id, category) in enumerate(customers)])))
        self.assertEqual([m.cost for m in messages], [0.5, 0.5, 0.1, 0.7],
                         "each message costs its category's price in its customer's country")
        self.assertEqual(len(reads), 1, "one read of the price table for the whole batch")

    @contextmanager
    def price_table_reads(self):
        """The queries that read the price table during the block (a list, filled as they
        run)."""
        reads = []
        Cursor = type(self.env.cr)
        execute = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            code = query.code if isinstance(query, SQL) else query
            if 'FROM "whatsapp_inbox_price"' in code:
                reads.append(code)
            return execute(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", spy):
            yield reads


class TestPlatformDemo(TransactionCase):
    """The demo shows Meta's agent and a customer known by their username."""

    def test_demo_loads_with_meta_agent_and_username_customers(self):
        for name in ("demo/whatsapp_inbox_demo.xml", "demo/whatsapp_inbox_platform_demo.xml"):
            convert_file(self.env, "whatsapp_inbox", name, {}, mode="init", kind="demo")
        standby = self.env.ref("whatsapp_inbox.whatsapp_inbox_conversation_standby_demo")
        self.assertEqual((standby.handled_by, standby.wa_message_ids.mapped("origin")),
                         ("meta_agent", ["standby", "standby"]))
        self.assertEqual(standby.state, "bot", "Meta's agent answers it: Automated")
        username = self.env.ref("whatsapp_inbox.whatsapp_inbox_conversation_username_demo")
        self.assertEqual((username.username_only, username.phone), (True, False))
        self.assertEqual(username.state, "waiting", "the customer wrote, nobody answered")
        self.assertTrue(standby.current_attendance_id and username.current_attendance_id,
                        "both are being attended: each has its protocol number")
