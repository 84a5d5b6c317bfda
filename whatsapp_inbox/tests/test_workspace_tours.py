import time

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from . import payloads
from .common import load_web_translations
from .live_tour import LiveTourMixin
from .simulator import CloudApiSimulator

INBOX = "/odoo/whatsapp-inbox"
PNID, SECRET = "PNID-TOUR", "secret-tour"


@tagged("post_install", "-at_install")
class TestWorkspaceTours(LiveTourMixin, HttpCase):
    """The Inbox workspace in Chromium, typed into as an attendant does.

    While a tour waits, it can ask the test (``console.log("wai-tour: <signal>")``)
    to play the outside world: a customer writing through the signed webhook, Meta's
    simulator answering sends with their statuses, a colleague transferring. The
    browser gets the result through the bus, as in production.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = CloudApiSimulator({
            PNID: {"token": "token-tour", "app_secret": SECRET, "waba_id": "WABA-TOUR"},
        }).start()
        cls.addClassCleanup(cls.sim.stop)
        Connection = cls.env["whatsapp.inbox.connection"]
        cls.connection = Connection.create({
            "name": "Tour Support", "phone_number_id": PNID, "waba_id": "WABA-TOUR",
            "app_secret": SECRET, "access_token": "token-tour",
            "api_base_url": cls.sim.api_base_url()})
        cls.connection.action_sync_templates()
        cls.connection_two = Connection.create({
            "name": "Tour Sales", "phone_number_id": "PNID-TOUR-2", "app_secret": "s2"})
        cls.agent_a = new_test_user(cls.env, login="tour_agent_a", name="Tour Agent A",
                                    groups="whatsapp_inbox.group_agent")
        cls.agent_b = new_test_user(cls.env, login="tour_agent_b", name="Tour Agent B",
                                    groups="whatsapp_inbox.group_agent")
        cls.Conversation = cls.env["whatsapp.inbox.conversation"]

    def setUp(self):
        super().setUp()
        self.sim.reset()

    # ------------------------------------------------------------------ the outside world

    def customer_writes(self, wa_id, text, name, connection=None, minutes_ago=0):
        """A customer message through the real, signed webhook route."""
        connection = connection or self.connection
        sent_at = time.time() - 60 * minutes_ago
        payload = payloads.delivery(payloads.change(
            connection.phone_number_id,
            messages=[payloads.text(wa_id, text, timestamp=sent_at)],
            contacts=[payloads.contact(wa_id, name)]))
        self.post_webhook(payload, connection.app_secret)

    def conversation(self, wa_id):
        return self.Conversation.search([("wa_id", "=", wa_id)])

    def meta_delivers(self):
        """The send cron runs, then the simulator's status webhooks come back."""
        self.in_transaction(lambda env: env["whatsapp.inbox.message"]._send_queue())
        for payload in self.sim.pending():
            self.post_webhook(payload, SECRET)
        self.sim.clear_pending()

    def start_inbox_tour(self, tour, login, **signals):
        """Run ``tour`` on the Inbox as ``login`` (see :meth:`start_live_tour`)."""
        self.start_live_tour(INBOX, tour, login, **signals)

    # ------------------------------------------------------------------ tours

    def test_answer_a_waiting_customer(self):
        """Waiting line, open (read receipt), type, Enter, ticks move live."""
        # a minute ago: our reply is later whatever the tour's speed (whole seconds)
        self.customer_writes("5511911110001", "Quero um orçamento", "Tour Customer",
                             minutes_ago=1)
        self.start_inbox_tour(
            "whatsapp_inbox_workspace_answer_tour", "tour_agent_a", deliver=self.meta_delivers,
            again=lambda: self.customer_writes("5511911110001", "Ainda está aí?",
                                               "Tour Customer"))
        conversation = self.conversation("5511911110001")
        sent = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual((sent.body, sent.status), ("Olá!\nComo posso ajudar?", "read"))
        self.assertEqual(conversation.state, "open")
        # opening queued the read receipt; typing told Meta at once ("typing…" marks it read)
        inbound = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[:1]
        self.assertEqual(inbound.read_receipt, "sent")
        self.assertIn({"messaging_product": "whatsapp", "status": "read",
                       "message_id": inbound.wamid, "typing_indicator": {"type": "text"}},
                      [request["body"] for request in self.sim.sent])

    def test_template_outside_the_window(self):
        """No window: the composer is the template picker; variables prefilled (the
        contact's name: without a contact, the WhatsApp profile name), typed, previewed."""
        self.Conversation.create({"connection_id": self.connection.id,
                                  "wa_id": "5511911110002", "contact_name": "Rita Lead"})
        welcome = self.connection.template_ids.filtered(lambda t: t.name == "boas_vindas")
        welcome.variable_ids = [Command.create({"number": 1, "field_path": "partner_id.name"})]
        self.start_inbox_tour("whatsapp_inbox_workspace_template_tour", "tour_agent_a")
        sent = self.conversation("5511911110002").wa_message_ids
        self.assertEqual((sent.message_type, sent.body), (
            "template", "Olá Rita! Aqui é da Loja Centro. Como podemos ajudar?"),
            "sent once")

    def test_transfer_then_the_colleague_finds_it_in_mine(self):
        self.customer_writes("5511911110003", "Problema com a entrega", "Transfer Customer")
        self.customer_writes("5511911110004", "Outra dúvida", "Second Customer")
        self.conversation("5511911110003").user_id = self.agent_a
        self.start_inbox_tour("whatsapp_inbox_workspace_transfer_tour", "tour_agent_a")
        conversation = self.conversation("5511911110003")
        self.assertEqual(conversation.user_id, self.agent_b)
        self.assertTrue(conversation.message_ids.filtered(
            lambda m: "Cliente VIP, atenção" in (m.body or "")), "the note reaches the thread")
        second = self.conversation("5511911110004")

        def colleague_transfers():
            self.in_transaction(lambda env: env["whatsapp.inbox.conversation"].browse(
                second.id).with_user(self.agent_a.id)._transfer(
                env["res.users"].browse(self.agent_b.id), note="Pode assumir?"))

        self.start_inbox_tour("whatsapp_inbox_workspace_mine_tour", "tour_agent_b",
                              transfer=colleague_transfers)
        self.assertEqual(second.user_id, self.agent_b)

    def test_finalize_and_reopen(self):
        self.customer_writes("5511911110005", "Obrigado!", "Closing Customer")
        self.start_inbox_tour("whatsapp_inbox_workspace_finalize_tour", "tour_agent_a")
        conversation = self.conversation("5511911110005")
        self.assertEqual(conversation.state, "open")
        self.assertEqual(conversation.message_ids.filtered(
            lambda m: "finalized" in (m.body or "")).author_id, self.agent_a.partner_id)

    def test_finalize_asks_only_while_the_customer_waits(self):
        # a minute old: our reply is later, whatever the second the tour sends it in
        self.customer_writes("5511911110042", "Tudo certo?", "Answered Customer", minutes_ago=1)
        self.start_inbox_tour("whatsapp_inbox_workspace_finalize_answered_tour", "tour_agent_a")
        conversation = self.conversation("5511911110042")
        self.assertEqual(conversation.state, "done")
        self.assertEqual(conversation.wa_message_ids.filtered(
            lambda m: m.direction == "out").body, "Resolvido, obrigado!")

    def test_take_from_a_colleague_is_confirmed(self):
        self.customer_writes("5511911110020", "Oi", "Held Customer")
        conversation = self.conversation("5511911110020")
        conversation.user_id = self.agent_a
        self.start_inbox_tour("whatsapp_inbox_workspace_take_tour", "tour_agent_b")
        self.assertEqual(conversation.user_id, self.agent_b)
        self.assertTrue(conversation.message_ids.filtered(
            lambda m: "Taken from Tour Agent A" in (m.body or "")))

    def test_register_and_link_contacts(self):
        """Register opens the conversation's dialog: the number's country and language,
        one valid e-mail; a cancelled one creates nothing."""
        self.env["res.lang"]._activate_lang("es_419")
        self.customer_writes("5511911110006", "Oi", "New Lead")
        self.customer_writes("5491123456789", "Hola", "Cliente Argentino")
        self.customer_writes("5511911110007", "Oi de novo", "Known Customer")
        partner = self.env["res.partner"].create({
            "name": "Known Partner", "email": "known@example.com", "vat": "529.982.247-25"})
        partners_before = self.env["res.partner"].search_count([])
        self.start_inbox_tour("whatsapp_inbox_workspace_contacts_tour", "tour_agent_a")
        self.assertFalse(self.conversation("5511911110006").partner_id)
        registered = self.conversation("5491123456789").partner_id
        self.assertEqual(
            (registered.name, registered.email, registered.country_id.code, registered.lang),
            ("Juan Pérez", "juan@example.com", "AR", "es_419"))
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 1,
                         "the cancelled registration left no contact behind")
        self.assertEqual(self.conversation("5511911110007").partner_id, partner)

    def test_other_channels_read_as_bubbles(self):
        """What an agent sent by SMS or e-mail, and a call's notes, are outgoing bubbles
        with their channel; the line that the attendance started stays a system line."""
        Start = self.env["whatsapp.inbox.start"].with_user(self.agent_a)
        for channel, name, body, extra in (
                ("sms", "Cliente SMS", "Seu pedido 777 foi enviado",
                 {"phone": "+55 11 97777-1234"}),
                ("email", "Cliente Email", "Segue a proposta", {
                    "email": "cliente@example.com", "subject": "Proposta 42"}),
                ("voip", "Cliente Fone", "Quer um orçamento", {"phone": "+55 11 97777-5678"})):
            Start.create({"channel": channel, "name": name, "body": body, **extra}).action_start()
        self.start_inbox_tour("whatsapp_inbox_workspace_channels_tour", "tour_agent_a")

    def test_search_and_filters(self):
        self.customer_writes("5511911110008", "Preciso de um boleto", "Search Customer")
        self.customer_writes("5511911110008", "Obrigado", "Search Customer")
        self.customer_writes("5511911110009", "Olá", "Sales Customer",
                             connection=self.connection_two)
        self.start_inbox_tour("whatsapp_inbox_workspace_search_tour", "tour_agent_a")
        settings = self.env["res.users.settings"].search([("user_id", "=", self.agent_a.id)])
        self.assertEqual(settings.whatsapp_inbox_filters,
                         {"connection_id": self.connection_two.id})

    def test_clear_all_filters_at_once(self):
        self.customer_writes("5511911110008", "Preciso de um boleto", "Search Customer")
        self.customer_writes("5511911110009", "Olá", "Sales Customer",
                             connection=self.connection_two)
        tag = self.env["whatsapp.inbox.tag"].create({"name": "Tour VIP"})
        self.conversation("5511911110009").tag_ids = tag
        self.start_inbox_tour("whatsapp_inbox_workspace_clear_filters_tour", "tour_agent_a")
        settings = self.env["res.users.settings"].search([("user_id", "=", self.agent_a.id)])
        self.assertFalse(settings.whatsapp_inbox_filters, "cleared for next time too")

    def test_live_arrival(self):
        """A message arrives while the Inbox is open: bubble, line on top, counts."""
        self.customer_writes("5511911110010", "Primeira mensagem", "Live Customer")
        self.customer_writes("5511911110011", "Estou esperando", "Other Customer")
        # both mine: each new message of theirs toasts me, but for the one on screen
        (self.conversation("5511911110010") | self.conversation("5511911110011")).user_id = (
            self.agent_a)

        def customers_write():
            self.customer_writes("5511911110010", "Chegou agora!", "Live Customer")
            self.customer_writes("5511911110012", "Sou novo aqui", "Brand New Customer")
            self.customer_writes("5511911110011", "Ainda esperando", "Other Customer")

        self.start_inbox_tour("whatsapp_inbox_workspace_live_tour", "tour_agent_a",
                              arrive=customers_write)

    def test_composer(self):
        """Quick reply, emoji, files pasted and dropped, reply, reaction, internal note."""
        self.env["mail.canned.response"].create({
            "source": "pix", "substitution": "Nossa chave Pix é o CNPJ.",
            "group_ids": [Command.link(self.env.ref("whatsapp_inbox.group_agent").id)]})
        self.customer_writes("5511911110013", "Tem Pix?", "Composer Customer")
        self.start_inbox_tour("whatsapp_inbox_workspace_composer_tour", "tour_agent_a")
        conversation = self.conversation("5511911110013")
        question = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")
        sent = conversation.wa_message_ids.filtered(lambda m: m.direction == "out").sorted("id")
        self.assertEqual(
            [(m.message_type, m.body, m.attachment_ids.name or False) for m in sent],
            [("text", "Nossa chave Pix é o CNPJ.👍", False),
             ("document", "Segue o boleto", "boleto.txt"),
             ("document", "", "nota.txt"),
             ("text", "Sim", False),
             ("reaction", "👍", False)])
        self.assertEqual(sent[3:].mapped("reply_to_wamid"), [question.wamid] * 2)
        note = conversation.message_ids.filtered(lambda m: "Cliente pediu boleto" in m.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertNotIn("Cliente pediu boleto", sent.mapped("body"))

    def test_quick_replies_empty_then_written_in_canned_responses(self):
        """"/" without any quick reply says so and leads to Odoo's canned responses."""
        self.env["mail.canned.response"].search([]).unlink()
        self.customer_writes("5511911110016", "Oi", "Quick Customer")
        self.start_inbox_tour("whatsapp_inbox_workspace_quick_reply_empty_tour", "tour_agent_a")
        self.assertEqual(self.env["mail.canned.response"].search([]).mapped("substitution"),
                         ["Oi! Tudo bem?"])

    def test_quick_reply_exact_shortcut_comes_first(self):
        """/ola typed exactly sends /ola, though /hola (which contains it) was used last."""
        agents = self.env.ref("whatsapp_inbox.group_agent")
        self.env["mail.canned.response"].search([]).unlink()
        self.env["mail.canned.response"].create([{
            "source": "ola", "substitution": "Olá! Como posso ajudar?",
            "group_ids": [Command.link(agents.id)],
        }, {
            "source": "hola", "substitution": "¡Hola! ¿Cómo podemos ayudarte?",
            "last_used": fields.Datetime.now(), "group_ids": [Command.link(agents.id)],
        }])
        self.customer_writes("5511911110040", "Oi", "Greeting Customer")
        self.start_inbox_tour("whatsapp_inbox_workspace_quick_reply_exact_tour", "tour_agent_a")
        sent = self.conversation("5511911110040").wa_message_ids.filtered(
            lambda m: m.direction == "out")
        self.assertEqual(sent.mapped("body"), ["Olá! Como posso ajudar?"])

    def test_quick_reply_reads_as_the_customer_gets_it(self):
        """{protocol} is filled in the composer already, not only once sent."""
        self.env["mail.canned.response"].create({
            "source": "protocolo", "substitution": "Seu protocolo é {protocol}.",
            "group_ids": [Command.link(self.env.ref("whatsapp_inbox.group_agent").id)]})
        self.customer_writes("5511911110041", "Qual o protocolo?", "Protocol Customer")
        conversation = self.conversation("5511911110041")
        conversation.current_attendance_id.protocol = "WA-TOUR-0042"
        self.start_inbox_tour("whatsapp_inbox_workspace_quick_reply_filled_tour", "tour_agent_a")
        sent = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(sent.mapped("body"), ["Seu protocolo é WA-TOUR-0042."])

    def test_transfer_shows_who_is_available_and_their_load(self):
        new_test_user(self.env, login="tour_agent_c", name="Tour Agent C",
                                groups="whatsapp_inbox.group_agent")
        self.customer_writes("5511911110017", "Oi", "Choice Customer")
        for index, state in enumerate(("waiting", "open", "done")):
            self.customer_writes(f"551191111003{index}", "Oi", f"Held {index}")
            held = self.conversation(f"551191111003{index}")
            held.user_id = self.agent_b
            if state == "open":
                held.with_user(self.agent_b)._send_text("Olá!")
            elif state == "done":
                held.action_finalize()
        self.env["bus.presence"].create({"user_id": self.agent_b.id, "status": "online"})
        self.start_inbox_tour("whatsapp_inbox_workspace_transfer_choices_tour", "tour_agent_a")
        self.assertEqual(self.conversation("5511911110017").user_id, self.agent_b)

    def test_email_conversation_is_answered_from_its_form(self):
        """No WhatsApp window for email: the composer points to the form, icons say Email."""
        self.Conversation.create({"channel": "email", "email": "email.customer@example.com",
                                  "contact_name": "Email Customer"})
        self.start_inbox_tour("whatsapp_inbox_workspace_channel_tour", "tour_agent_a")

    def test_layout_holds_in_portuguese(self):
        """pt_BR's longer names at 1366x768 (the test browser's size): tabs on two lines,
        the first whole; filters, search hint and header line not cut or wrapped."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["web", "whatsapp_inbox"], ["pt_BR"])
        self.agent_a.lang = "pt_BR"
        load_web_translations(self.env, "pt_BR")
        self.connection.name = "Atendimento ao cliente"
        self.customer_writes("5511911110015", "Bom dia", "Cliente Português")
        self.conversation("5511911110015").write({  # a colleague's: Take shows too
            "user_id": self.agent_b.id,
            "department_id": self.env["whatsapp.inbox.department"].create({"name": "Vendas"}).id})
        self.start_inbox_tour("whatsapp_inbox_workspace_portuguese_tour", "tour_agent_a")

    def test_long_lists_and_threads_load_by_scrolling(self):
        waiting = [f"55219000000{index:02d}" for index in range(44)]
        wa_id = "5521900000044"
        body = payloads.encode(payloads.delivery(payloads.change(
            self.connection_two.phone_number_id,
            contacts=[payloads.contact(w, f"Paged {i:02d}") for i, w in enumerate(waiting)]
            + [payloads.contact(wa_id, "Paged 44")],
            messages=[payloads.text(w, "Oi", timestamp=time.time() - 7200 + 60 * i)
                      for i, w in enumerate(waiting)]
            + [payloads.text(wa_id, f"linha {index:02d}", timestamp=time.time() - 60 + index)
               for index in range(45)])))
        self.env["whatsapp.inbox.event"]._journal(
            body.decode(), self.connection_two.ids)._process()
        self.start_inbox_tour("whatsapp_inbox_workspace_paging_tour", "tour_agent_a")

    def test_failure_inline_with_its_next_action(self):
        self.customer_writes("5511911110014", "Oi", "Failing Customer")
        conversation = self.conversation("5511911110014")
        self.sim.fail("5511911110014", 131026)
        conversation.with_user(self.agent_a)._send_text("Olá!")
        self.env["whatsapp.inbox.message"]._send_queue()
        for payload in self.sim.pending():
            self.env["whatsapp.inbox.event"]._journal(
                payloads.encode(payload).decode(), self.connection.ids)._process()
        self.assertEqual(conversation.state, "error")
        self.start_inbox_tour("whatsapp_inbox_workspace_failure_tour", "tour_agent_a")
        self.assertEqual((conversation.state, conversation.error_reason), ("open", False))
