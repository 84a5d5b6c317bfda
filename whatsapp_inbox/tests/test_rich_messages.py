import base64
import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..tools import interactive
from ..tools.graph_api import GraphApiError
from .common import WhatsappInboxSimulatorCase, payloads

# a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@tagged("post_install", "-at_install")
class TestRichMessages(WhatsappInboxSimulatorCase):
    """Templates with media headers and buttons, interactive messages, typing, reactions and
    quotes: each queued through the send door, sent to the simulator and checked on the wire."""

    def template(self, name):
        return self.env["whatsapp.inbox.template"].search([
            ("connection_id", "=", self.connection.id), ("name", "=", name)])

    def last_sent(self):
        return self.sent_bodies()[-1]

    def image(self, conversation):
        return self.env["ir.attachment"].create({
            "name": "oferta.png", "raw": PNG, "mimetype": "image/png",
            "res_model": conversation._name, "res_id": conversation.id})

    # ------------------------------------------------------------ templates

    def test_template_with_image_header_url_suffix_code_and_quick_reply(self):
        conversation = self.open_window(contact_name="Ana")
        template = self.template("oferta_imagem")
        self.assertEqual(template.header_format, "IMAGE")
        self.assertEqual(template.button_ids.mapped("button_type"),
                         ["URL", "COPY_CODE", "QUICK_REPLY"])
        self.assertEqual([key for key, _label in template._variables()],
                         [1, "button_0", "button_1"])
        with self.assertRaises(UserError, msg="an image header needs its image"):
            conversation._send_template(template, {1: "Ana", "button_0": "42",
                                                   "button_1": "NATAL10"})
        message = conversation._send_template(
            template, {1: "Ana", "button_0": "42", "button_1": "NATAL10"},
            attachment=self.image(conversation))
        self.assertIn("https://loja.example.com/oferta/42", message.body)
        self.send_queue()
        self.assertEqual(message.status, "sent", message.failure_reason)
        sent = self.last_sent()
        self.assertEqual(sent["type"], "template")
        components = sent["template"]["components"]
        header = components[0]
        self.assertEqual(header["type"], "header")
        self.assertEqual(header["parameters"][0]["image"], {"id": message.media_id})
        self.assertEqual(self.sim._get_media(message.media_id)["data"], PNG, "uploaded first")
        self.assertEqual(components[1:], [
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]},
            {"type": "button", "sub_type": "url", "index": "0",
             "parameters": [{"type": "text", "text": "42"}]},
            {"type": "button", "sub_type": "copy_code", "index": "1",
             "parameters": [{"type": "coupon_code", "coupon_code": "NATAL10"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "2",
             "parameters": [{"type": "payload", "payload": "Falar com atendente"}]},
        ])

    def test_template_header_file_of_the_template_and_prefilled_button(self):
        template = self.template("oferta_imagem")
        template.header_attachment_id = self.env["ir.attachment"].create({
            "name": "banner.png", "raw": PNG, "mimetype": "image/png",
            "res_model": template._name, "res_id": template.id})
        template.variable_ids = [
            fields.Command.create({"placement": "body", "number": 1, "field_path": "contact_name"}),
            fields.Command.create({"placement": "button", "number": 1,
                                   "default_value": "BEMVINDO"})]
        conversation = self.open_window(contact_name="Bia")
        values = template._default_values(conversation)
        self.assertEqual(values, {1: "Bia", "button_0": "", "button_1": "BEMVINDO"})
        composer = self.env["whatsapp.inbox.composer"].create({
            "conversation_id": conversation.id, "mode": "template", "template_id": template.id})
        self.assertEqual(composer.param_ids.mapped("key"), ["1", "button_0", "button_1"])
        composer.param_ids.filtered(lambda p: p.key == "button_0").value = "7"
        self.assertIn("https://loja.example.com/oferta/7", composer.preview)
        composer.action_send()
        self.send_queue()
        message = conversation.wa_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(message.status, "sent", message.failure_reason)
        self.assertEqual(self.sim._get_media(message.media_id)["data"], PNG)

    def test_simulator_refuses_a_template_without_its_button_value(self):
        conversation = self.open_window()
        template = self.template("oferta_imagem")
        message = conversation._send_template(
            template, {1: "Ana", "button_0": "42", "button_1": "X"},
            attachment=self.image(conversation))
        # as if the template changed at Meta after it was queued: the code is missing
        message.template_params = json.dumps({"1": "Ana", "button_0": "42"})
        template.button_ids[1].button_type = "QUICK_REPLY"
        with mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_message_send"):
            self.send_queue()
        self.assertEqual((message.status, message.failure_code), ("failed", "131009"))

    def test_template_created_in_odoo_submitted_then_approved_by_webhook(self):
        template = self.env["whatsapp.inbox.template"].create({
            "name": "pedido_pronto", "language": "pt_BR", "category": "UTILITY",
            "connection_id": self.connection.id, "header_format": "TEXT",
            "header": "Pedido {{1}}", "header_example": "#123",
            "body": "Olá {{1}}, seu pedido {{2}} está pronto.",
            "footer": "Loja Exemplo",
            "button_ids": [
                fields.Command.create({"button_type": "URL", "text": "Acompanhar",
                                       "url": "https://loja.example.com/p/{{1}}",
                                       "example": "https://loja.example.com/p/123"}),
                fields.Command.create({"button_type": "QUICK_REPLY", "text": "Falar conosco"})],
        })
        self.assertEqual(template.status, "DRAFT")
        with self.assertRaises(UserError, msg="Meta reviews with examples"):
            template.action_submit()
        template.body_examples = "Ana\n#123"
        template.action_submit()
        self.assertEqual(template.status, "PENDING")
        remote = next(t for t in self.sim._templates["WABA-BR"] if t["name"] == "pedido_pronto")
        self.assertEqual(remote["id"], template.meta_id)
        self.assertEqual(remote["components"][1]["example"], {"body_text": [["Ana", "#123"]]})
        self.assertEqual(remote["components"][3]["buttons"][0]["example"],
                         ["https://loja.example.com/p/123"])
        self.connection.action_sync_templates()
        self.assertTrue(template.active, "pending at Meta: kept by the sync")
        self.sim.post_template_status("WABA-BR", "pedido_pronto", "APPROVED")
        self.deliver_callbacks()
        self.assertEqual(template.status, "APPROVED")
        conversation = self.open_window()
        message = conversation._send_template(template, {"header": "#9", 1: "Ana", 2: "#9",
                                                         "button_0": "9"})
        self.send_queue()
        self.assertEqual(message.status, "sent", message.failure_reason)
        self.assertEqual(self.last_sent()["template"]["components"][0], {
            "type": "header", "parameters": [{"type": "text", "text": "#9"}]})

    def test_drafts_are_not_archived_by_the_sync(self):
        draft = self.env["whatsapp.inbox.template"].create({
            "name": "rascunho", "language": "pt_BR", "connection_id": self.connection.id,
            "body": "Oi"})
        self.connection.action_sync_templates()
        self.assertTrue(draft.active)

    # ------------------------------------------------------------ interactive

    def test_reply_buttons_list_and_cta_url_on_the_wire(self):
        conversation = self.open_window()
        buttons = interactive.reply_buttons("Confirma o pedido?", [("yes", "Sim"), ("no", "Não")],
                                            footer="Loja Exemplo")
        menu = interactive.list_menu("Escolha um horário", "Horários", [
            ("Manhã", [("m9", "09:00", "Com o Dr. Silva"), ("m10", "10:00", None)]),
            ("Tarde", [("t14", "14:00", None)])])
        link = interactive.cta_url("Acompanhe sua entrega", "Rastrear",
                                   "https://loja.example.com/rastreio/42")
        messages = [conversation._send_interactive(i) for i in (buttons, menu)]
        messages += self.Message.browse(conversation.api_send_interactive(link))
        self.assertIn("[Sim]", messages[0].body)
        self.send_queue()
        self.assertEqual([m.status for m in messages], ["sent"] * 3)
        sent = self.sent_bodies()[-3:]
        self.assertEqual([s["type"] for s in sent], ["interactive"] * 3)
        self.assertEqual([s["interactive"] for s in sent], [buttons, menu, link])

    def test_interactive_limits_are_meta_s(self):
        conversation = self.open_window()
        for bad in (
            interactive.reply_buttons("?", [(str(n), f"B{n}") for n in range(4)]),
            interactive.reply_buttons("?", [("1", "x" * 21)]),
            interactive.reply_buttons("?", [("1", "Sim"), ("1", "Não")]),
            interactive.list_menu("?", "Ver", [("S", [(str(n), f"R{n}", None)
                                                      for n in range(11)])]),
            interactive.list_menu("?", "Ver", [("S", [("1", "y" * 25, None)])]),
            interactive.list_menu("?", "Ver", [("A", [("1", "a", None)]),
                                               (None, [("2", "b", None)])]),
            interactive.cta_url("?", "Abrir", "ftp://x"),
            interactive.cta_url("", "Abrir", "https://x.example.com"),
        ):
            with self.assertRaises(UserError):
                conversation._send_interactive(bad)
        self.assertFalse(conversation.wa_message_ids.filtered(lambda m: m.direction == "out"))
        # the simulator refuses as Meta does what slipped past (a payload edited later)
        message = conversation._send_interactive(interactive.reply_buttons("?", [("1", "Ok")]))
        message.interactive_payload = json.dumps(
            interactive.reply_buttons("?", [("1", "z" * 21)]))
        with mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_message_send"):
            self.send_queue()
        self.assertEqual((message.status, message.failure_type), ("failed", "invalid"))

    def test_customer_choice_is_stored_and_triggers_an_automation(self):
        tag = self.env["whatsapp.inbox.tag"].create({"name": "Quer comprar"})
        action = self.env["ir.actions.server"].create({
            "name": "Tag buyers", "model_id": self.env["ir.model"]._get_id(
                "whatsapp.inbox.message"),
            "state": "code",
            "code": f"records.conversation_id.write({{'tag_ids': [(4, {tag.id})]}})"})
        self.env["base.automation"].create({
            "name": "Customer chose to buy", "trigger": "on_create",
            "model_id": action.model_id.id, "filter_domain": "[('choice_id', '=', 'buy')]",
            "action_server_ids": [fields.Command.link(action.id)]})
        conversation = self.open_window()
        question = conversation._send_interactive(interactive.reply_buttons(
            "Quer comprar?", [("buy", "Sim, comprar"), ("later", "Depois")]))
        self.send_queue()
        self.sim.customer_taps("PNID-BR", conversation.wa_id, "later", "Depois", question.wamid)
        self.deliver_callbacks()
        self.assertFalse(conversation.tag_ids)
        self.sim.customer_taps("PNID-BR", conversation.wa_id, "buy", "Sim, comprar",
                               question.wamid)
        self.deliver_callbacks()
        answer = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[-1]
        self.assertEqual((answer.message_type, answer.choice_id, answer.choice_title,
                          answer.body, answer.reply_to_wamid),
                         ("interactive", "buy", "Sim, comprar", "Sim, comprar", question.wamid))
        self.assertEqual(conversation.tag_ids, tag)

    def test_workspace_sends_a_list_and_a_link_checked_like_meta(self):
        conversation = self.open_window()
        conversation.user_id = self.agent
        Conversation = self.Conversation.with_user(self.agent)
        rows = [{"title": f"{hour}:00", "description": ""} for hour in range(8, 19)]
        with self.assertRaisesRegex(UserError, "1 to 10 rows"):
            Conversation.workspace_send_interactive(conversation.id, "list", "Horário?", {
                "button": "Ver", "sections": [{"title": "", "rows": rows}]})
        with self.assertRaisesRegex(UserError, "section title"):
            Conversation.workspace_send_interactive(conversation.id, "list", "Horário?", {
                "button": "Ver", "sections": [{"title": "Manhã", "rows": rows[:2]},
                                              {"title": "", "rows": rows[5:6]}]})
        with self.assertRaisesRegex(UserError, "http"):
            Conversation.workspace_send_interactive(conversation.id, "cta_url", "Nota", {
                "display_text": "Ver", "url": "javascript:alert(1)"})
        with self.assertRaisesRegex(UserError, "button, list or cta_url"):
            Conversation.workspace_send_interactive(conversation.id, "carousel", "?", {})
        Conversation.workspace_send_interactive(conversation.id, "list", " Horário? ", {
            "button": "Ver", "sections": [
                {"title": "", "rows": [{"title": "08:00", "description": "Cedo"},
                                       {"title": " ", "description": "blank: left out"}]}]})
        Conversation.workspace_send_interactive(conversation.id, "cta_url", "Sua nota", {
            "display_text": "Ver nota", "url": "https://loja.example.com/nf/1"})
        self.send_queue()
        menu, link = (body["interactive"] for body in self.sent_bodies()[-2:])
        self.assertEqual(menu, {"type": "list", "body": {"text": "Horário?"}, "action": {
            "button": "Ver", "sections": [
                {"rows": [{"id": "1", "title": "08:00", "description": "Cedo"}]}]}})
        self.assertEqual(link["action"]["parameters"],
                         {"display_text": "Ver nota", "url": "https://loja.example.com/nf/1"})

    def test_thread_draws_interactive_messages_and_the_customer_s_choice(self):
        conversation = self.open_window()
        question = conversation._send_interactive(interactive.list_menu(
            "Escolha um horário", "Horários", [
                ("Manhã", [("m9", "09:00", "Com café")]), ("Tarde", [("t14", "14:00", None)])],
            header="Agenda", footer="Loja Exemplo"))
        link = conversation._send_interactive(interactive.cta_url(
            "Sua nota", "Ver nota", "https://loja.example.com/nf/1"))
        self.send_queue()
        self.sim.customer_taps("PNID-BR", conversation.wa_id, "t14", "14:00", question.wamid,
                               reply_type="list_reply")
        self.deliver_callbacks()
        conversation.user_id = self.agent
        bubbles = {bubble["wa_id"]: bubble for bubble in conversation.with_user(
            self.agent)._workspace_messages() if bubble["kind"] == "whatsapp"}
        self.assertEqual(bubbles[question.id]["interactive"], {
            "type": "list", "header": "Agenda", "body": "Escolha um horário",
            "footer": "Loja Exemplo", "button": "Horários", "sections": [
                {"title": "Manhã", "rows": [
                    {"id": "m9", "title": "09:00", "description": "Com café"}]},
                {"title": "Tarde", "rows": [{"id": "t14", "title": "14:00", "description": ""}]}]})
        self.assertEqual(bubbles[link.id]["interactive"], {
            "type": "cta_url", "header": "", "body": "Sua nota", "footer": "",
            "display_text": "Ver nota", "url": "https://loja.example.com/nf/1"})
        answer = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[-1]
        self.assertEqual(bubbles[answer.id]["choice"], {"id": "t14", "title": "14:00"})
        conversation.action_ask_phone_number()
        ask = conversation.wa_message_ids.filtered("request_contact_info")
        [bubble] = conversation._workspace_bubbles(ask.mail_message_id)
        self.assertEqual((bubble["interactive"]["type"], bubble["interactive"]["body"]),
                         ("request_contact_info", ask.body))
        self.assertEqual(bubbles[answer.id]["quote"]["body"], "Escolha um horário",
                         "the question is quoted, not the whole menu")
        self.assertNotIn("interactive", bubbles[answer.id])

    def test_form_composer_list_rows_with_descriptions(self):
        conversation = self.open_window()
        self.env["whatsapp.inbox.composer"].create({
            "conversation_id": conversation.id, "mode": "list", "body": "Qual unidade?",
            "list_button": "Unidades",
            "list_rows": "Centro | Rua Direita, 10\nBairro\n\n"}).action_send()
        self.send_queue()
        self.assertEqual(self.last_sent()["interactive"]["action"], {
            "button": "Unidades", "sections": [{"rows": [
                {"id": "1", "title": "Centro", "description": "Rua Direita, 10"},
                {"id": "2", "title": "Bairro"}]}]})

    def test_template_quick_reply_payload_is_the_choice(self):
        conversation = self.open_window()
        self.receive(payloads.inbound(conversation.wa_id, "button", {
            "payload": "Falar com atendente", "text": "Falar com atendente"}))
        answer = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[-1]
        self.assertEqual(answer.choice_id, "Falar com atendente")

    def test_composer_sends_reply_buttons_and_a_link_button(self):
        conversation = self.open_window()
        composer = self.env["whatsapp.inbox.composer"].create({
            "conversation_id": conversation.id, "mode": "buttons", "body": "Podemos ligar?",
            "button_1": "Sim", "button_2": "Não"})
        composer.action_send()
        composer = self.env["whatsapp.inbox.composer"].create({
            "conversation_id": conversation.id, "mode": "cta_url", "body": "Seu boleto",
            "cta_text": "Abrir boleto", "cta_url": "https://loja.example.com/boleto/1"})
        composer.action_send()
        self.send_queue()
        sent = self.sent_bodies()[-2:]
        self.assertEqual(sent[0]["interactive"]["action"]["buttons"][1],
                         {"type": "reply", "reply": {"id": "2", "title": "Não"}})
        self.assertEqual(sent[1]["interactive"]["action"]["parameters"],
                         {"display_text": "Abrir boleto",
                          "url": "https://loja.example.com/boleto/1"})

    # ------------------------------------------------------------ typing, reactions, quotes

    def test_typing_indicator_is_throttled_per_conversation(self):
        conversation = self.open_window()
        inbound = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")
        Conversation = self.Conversation.with_user(self.agent)
        conversation.user_id = self.agent
        self.assertTrue(Conversation.workspace_typing(conversation.id))
        self.assertEqual(self.last_sent(), {
            "messaging_product": "whatsapp", "status": "read", "message_id": inbound.wamid,
            "typing_indicator": {"type": "text"}})
        self.assertEqual(inbound.read_receipt, "sent", "the typing request marks it read")
        self.assertFalse(Conversation.workspace_typing(conversation.id), "20 s between two")
        self.assertEqual(len(self.sim.sent), 1)
        with freeze_time(fields.Datetime.now() + timedelta(seconds=21)):
            self.assertTrue(Conversation.workspace_typing(conversation.id))
        self.assertEqual(len(self.sim.sent), 2)

    def test_reaction_sent_then_removed_and_a_quoted_reply(self):
        conversation = self.open_window()
        inbound = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")
        Conversation = self.Conversation.with_user(self.agent)
        conversation.user_id = self.agent
        Conversation.workspace_react(conversation.id, inbound.id, "👍")
        Conversation.workspace_react(conversation.id, inbound.id, "")
        Conversation.workspace_send(conversation.id, "Sobre isso:", [], inbound.id)
        self.send_queue()
        reaction, removal, quote = self.sent_bodies()[-3:]
        self.assertEqual(reaction["reaction"], {"message_id": inbound.wamid, "emoji": "👍"})
        self.assertEqual(removal["reaction"], {"message_id": inbound.wamid, "emoji": ""})
        self.assertEqual(quote["context"], {"message_id": inbound.wamid})

    def test_workspace_sends_buttons_and_a_template_with_its_header_image(self):
        conversation = self.open_window(contact_name="Ana")
        conversation.user_id = self.agent
        Conversation = self.Conversation.with_user(self.agent)
        Conversation.workspace_send_interactive(conversation.id, "button", "Tudo certo?",
                                                {"buttons": ["Sim", "", "Não"]})
        template = self.template("oferta_imagem")
        listed = next(t for t in Conversation.workspace_templates(conversation.id)
                      if t["id"] == template.id)
        self.assertEqual(listed["header_format"], "IMAGE")
        self.assertEqual([v["key"] for v in listed["variables"]], ["1", "button_0", "button_1"])
        image = self.image(conversation)
        Conversation.workspace_send_template(conversation.id, template.id, {
            "1": "Ana", "button_0": "42", "button_1": "OI10"}, image.id)
        self.send_queue()
        buttons, sent_template = self.sent_bodies()[-2:]
        self.assertEqual([b["reply"]["title"] for b in buttons["interactive"]["action"]["buttons"]],
                         ["Sim", "Não"])
        self.assertIn("id", sent_template["template"]["components"][0]["parameters"][0]["image"])

    def test_demo_simulator_taps_a_choice_and_approves_submitted_templates(self):
        self.sim.lively = True
        self.addCleanup(setattr, self.sim, "lively", False)
        conversation = self.open_window()
        question = conversation._send_interactive(interactive.list_menu(
            "Qual loja?", "Lojas", [("Lojas", [("centro", "Centro", None)])]))
        self.send_queue()
        self.deliver_callbacks()
        answer = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")[-1]
        self.assertEqual((answer.choice_id, answer.reply_to_wamid), ("centro", question.wamid))
        template = self.env["whatsapp.inbox.template"].create({
            "name": "demo_aprovado", "language": "pt_BR", "connection_id": self.connection.id,
            "body": "Oi"})
        template.action_submit()
        self.assertEqual(template.status, "PENDING")
        self.deliver_callbacks()
        self.assertEqual(template.status, "APPROVED")

    def test_chatter_reaction_reacts_on_whatsapp_and_its_removal_removes_it(self):
        conversation = self.open_window()
        conversation.user_id = self.agent
        inbound = conversation.wa_message_ids.filtered(lambda m: m.direction == "in")
        # as Odoo's reaction route calls it: sudo, once it checked the user's access
        line = inbound.mail_message_id.with_user(self.agent).sudo()
        no_guest = self.env["mail.guest"]
        line._message_reaction("👍", "add", self.agent.partner_id, no_guest)
        line._message_reaction("🙏", "add", self.agent.partner_id, no_guest)
        line._message_reaction("🙏", "remove", self.agent.partner_id, no_guest)
        line._message_reaction("👍", "remove", self.agent.partner_id, no_guest)
        self.send_queue()
        self.assertEqual([request["reaction"] for request in self.sent_bodies()], [
            {"message_id": inbound.wamid, "emoji": emoji} for emoji in ("👍", "🙏", "👍", "")])


@tagged("post_install", "-at_install")
class TestTemplateMediaSubmit(WhatsappInboxSimulatorCase):
    """Templates with an image, video or document header submitted from Odoo: the header file
    goes up through Meta's Resumable Upload API and its handle is the header's example."""

    APP_ID = "700000000000001"  # the simulator's app of PNID-BR

    def draft(self, header_format="IMAGE", name="oferta_banner", **vals):
        template = self.env["whatsapp.inbox.template"].create({
            "name": name, "language": "pt_BR", "category": "MARKETING",
            "connection_id": self.connection.id, "header_format": header_format,
            "body": "Olá {{1}}, a oferta chegou!", "body_examples": "Ana", **vals})
        return template

    def header_file(self, template, name="banner.png", raw=PNG, mimetype="image/png"):
        template.header_attachment_id = self.env["ir.attachment"].create({
            "name": name, "raw": raw, "mimetype": mimetype,
            "res_model": template._name, "res_id": template.id})
        return template.header_attachment_id

    def remote(self, name):
        return next((t for t in self.sim._templates["WABA-BR"] if t["name"] == name), None)

    def test_header_file_is_uploaded_as_the_template_attachment(self):
        """The form uploads a file (Binary + filename) instead of picking a raw attachment."""
        template = self.draft()
        template.write({"header_file": base64.b64encode(PNG), "header_filename": "banner.png"})
        attachment = template.header_attachment_id
        self.assertEqual((attachment.name, attachment.mimetype, attachment.raw,
                          attachment.res_model, attachment.res_id),
                         ("banner.png", "image/png", PNG, template._name, template.id))
        template.write({"header_file": base64.b64encode(b"%PDF-1.4 x"),
                        "header_filename": "oferta.pdf"})
        self.assertEqual(template.header_attachment_id, attachment, "replaced in place")
        self.assertEqual((attachment.name, attachment.mimetype), ("oferta.pdf", "application/pdf"))
        self.assertEqual(template.header_filename, "oferta.pdf")
        template.header_file = False
        self.assertFalse(template.header_attachment_id)

    def test_every_problem_is_listed_before_submitting(self):
        """Problems used to come one at a time, after the confirmation was asked."""
        template = self.draft(name="Oferta Banner", body_examples="")
        problems = template._submit_problems()
        self.assertEqual(len(problems), 4, problems)
        for expected in ("lowercase letters", "give 1 example",
                         "a header of type Image with an example", "Meta App ID"):
            self.assertTrue(any(expected in problem for problem in problems), expected)
        self.assertEqual(template.submit_problems, "\n".join(problems))
        with self.assertRaisesRegex(UserError, "(?s)lowercase.*example.*Image.*Meta App ID"):
            template.action_submit()
        self.assertFalse(any(" a image " in problem for problem in problems))

    def test_new_template_names_and_lifecycle_order(self):
        Template = self.env["whatsapp.inbox.template"]
        self.assertFalse(Template.new({"language": "pt_BR"}).display_name,
                         "no name yet: the breadcrumb says New, not 'False (pt_BR)'")
        self.assertEqual(self.draft().display_name, "oferta_banner (pt_BR)")
        order = [value for value, _label in Template._fields["status"].selection]
        self.assertLess(order.index("DRAFT"), order.index("PENDING"))
        self.assertLess(order.index("PENDING"), order.index("APPROVED"))

    def test_connection_form_takes_the_meta_app_id(self):
        with Form(self.connection) as form:
            form.app_id = self.APP_ID
        self.assertEqual(self.connection.app_id, self.APP_ID)
        with self.assertRaises(ValidationError):
            self.connection.app_id = "my-app"
        with self.assertRaises(AccessError, msg="an administrator's setting"):
            self.connection.with_user(self.supervisor).read(["app_id"])

    def test_image_header_template_is_submitted_with_its_uploaded_example(self):
        self.connection.app_id = self.APP_ID
        template = self.draft()
        self.header_file(template)
        template.with_user(self.supervisor).action_submit()
        self.assertEqual(template.status, "PENDING")
        self.assertEqual(len(self.sim.uploads), 1)
        upload = self.sim.uploads[0]
        handle = upload["handle"]
        self.assertTrue(handle)
        self.assertEqual(upload, {"app_id": self.APP_ID, "file_name": "banner.png",
                                  "file_length": len(PNG), "file_type": "image/png",
                                  "data": PNG, "handle": handle})
        remote = self.remote("oferta_banner")
        self.assertEqual(remote["id"], template.meta_id)
        self.assertEqual(remote["components"], [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [handle]}},
            {"type": "BODY", "text": "Olá {{1}}, a oferta chegou!",
             "example": {"body_text": [["Ana"]]}}])
        # approved, it is sent with its header file
        self.sim.post_template_status("WABA-BR", "oferta_banner", "APPROVED")
        self.deliver_callbacks()
        self.assertEqual(template.status, "APPROVED")
        conversation = self.open_window()
        message = conversation._send_template(template, {1: "Ana"},
                                              attachment=template.header_attachment_id)
        self.send_queue()
        self.assertEqual(message.status, "sent", message.failure_reason)
        self.assertEqual(self.sim._get_media(message.media_id)["data"], PNG)

    def test_document_header_example_is_a_pdf(self):
        self.connection.app_id = self.APP_ID
        template = self.draft("DOCUMENT", name="boleto")
        self.header_file(template, "boleto.png")
        with self.assertRaisesRegex(UserError, "application/pdf"):
            template.action_submit()
        self.header_file(template, "boleto.pdf", b"%PDF-1.4 boleto", "application/pdf")
        template.action_submit()
        self.assertEqual(self.sim.uploads[-1]["file_type"], "application/pdf")
        self.assertEqual(self.remote("boleto")["components"][0], {
            "type": "HEADER", "format": "DOCUMENT",
            "example": {"header_handle": [self.sim.uploads[-1]["handle"]]}})

    def test_without_app_id_or_header_file_nothing_is_sent(self):
        template = self.draft(name="sem_app")
        with self.assertRaisesRegex(UserError, "choose the header file"):
            template.action_submit()
        self.header_file(template)
        with self.assertRaisesRegex(UserError, "Meta App ID"):
            template.with_user(self.supervisor).action_submit()
        self.assertEqual((self.sim.uploads, self.remote("sem_app"), template.status),
                         ([], None, "DRAFT"))
        location = self.draft("LOCATION", name="loja_mapa")
        with self.assertRaisesRegex(UserError, "location header in WhatsApp Manager"):
            location.action_submit()
        self.assertIsNone(self.remote("loja_mapa"))

    def test_simulator_refuses_what_meta_refuses(self):
        api = self.connection._api()
        with self.assertRaises(GraphApiError) as caught:
            api.upload_resumable("not-an-id", "a.png", "image/png", PNG)
        self.assertEqual(caught.exception.code, "invalid_app_id")
        with self.assertRaises(GraphApiError, msg="another app") as caught:
            api.upload_resumable("123", "a.png", "image/png", PNG)
        self.assertEqual(caught.exception.code, "100")
        with self.assertRaises(GraphApiError, msg="not a type of the upload API"):
            api.upload_resumable(self.APP_ID, "a.gif", "image/gif", b"GIF89a")
        session = api._request("POST", f"{self.APP_ID}/uploads", params={
            "file_name": "a.png", "file_length": len(PNG) + 1, "file_type": "image/png"})
        with self.assertRaises(GraphApiError) as caught:
            api._request("POST", session["id"], data=PNG, headers={
                "Authorization": f"OAuth {api.token}", "file_offset": "0"})
        self.assertIn("not the file_length", caught.exception.details)
        pdf = api.upload_resumable(self.APP_ID, "a.pdf", "application/pdf", b"%PDF-1.4")
        for handle, error in (("4::aW1hZ2UvcG5n:ARforged", "Unknown header_handle"),
                              (pdf, "cannot have a application/pdf example")):
            with self.assertRaises(GraphApiError) as caught:
                api.create_template({
                    "name": "forjado", "language": "pt_BR", "category": "MARKETING",
                    "components": [
                        {"type": "HEADER", "format": "IMAGE",
                         "example": {"header_handle": [handle]}},
                        {"type": "BODY", "text": "Oi"}]})
            self.assertIn(error, caught.exception.details)
        self.assertIsNone(self.remote("forjado"))
