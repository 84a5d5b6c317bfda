from datetime import datetime

from freezegun import freeze_time

from odoo.tools import mute_logger

from .common import WhatsappInboxCase, payloads

WA = "5511987654321"
T0 = 1767268800  # 2026-01-01 12:00:00 UTC


def at(timestamp):
    return datetime.utcfromtimestamp(timestamp)


class TestInboundTypes(WhatsappInboxCase):
    """Each message type Meta delivers is stored with a readable body."""

    def assertStored(self, raw, message_type, body, **fields):
        message = self.receive(raw)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.message_type, message_type)
        self.assertEqual(message.body, body)
        self.assertEqual(message.direction, "in")
        self.assertEqual(message.status, "received")
        self.assertEqual(message.wamid, raw["id"])
        for fname, value in fields.items():
            self.assertEqual(message[fname], value, fname)
        self.assertTrue(message.mail_message_id, "every message appears in the chatter")
        self.assertEqual(message.mail_message_id.res_id, message.conversation_id.id)
        return message

    def test_text(self):
        self.assertStored(payloads.text(WA, "Olá, tudo bem?"), "text", "Olá, tudo bem?")

    def test_image_keeps_media_id(self):
        raw = payloads.inbound(WA, "image", {"id": "MEDIA1", "mime_type": "image/jpeg",
                                             "sha256": "abc", "caption": "Defect"})
        self.assertStored(raw, "image", "Defect", media_id="MEDIA1",
                          media_mime_type="image/jpeg", media_sha256="abc")

    def test_audio_video_sticker(self):
        for kind in ("audio", "video", "sticker"):
            raw = payloads.inbound(WA, kind, {"id": f"M-{kind}", "mime_type": "x/y"})
            self.assertStored(raw, kind, "", media_id=f"M-{kind}")

    def test_document_uses_filename(self):
        raw = payloads.inbound(WA, "document", {"id": "DOC1", "filename": "nota.pdf",
                                                "mime_type": "application/pdf"})
        self.assertStored(raw, "document", "nota.pdf", media_filename="nota.pdf")

    def test_location(self):
        raw = payloads.inbound(WA, "location", {"latitude": -23.5, "longitude": -46.6,
                                                "name": "Loja", "address": "Av. Paulista"})
        self.assertStored(raw, "location", "Loja, Av. Paulista (-23.5, -46.6)")

    def test_contacts(self):
        raw = payloads.inbound(WA, "contacts", {})
        raw["contacts"] = [{"name": {"formatted_name": "Pedro"},
                            "phones": [{"phone": "+55 11 90000-0000"}]}]
        self.assertStored(raw, "contacts", "Pedro +55 11 90000-0000")

    def test_interactive_button_and_list_replies(self):
        raw = payloads.inbound(WA, "interactive", {
            "type": "button_reply", "button_reply": {"id": "yes", "title": "Sim"}})
        self.assertStored(raw, "interactive", "Sim")
        raw = payloads.inbound(WA, "interactive", {
            "type": "list_reply", "list_reply": {"id": "2", "title": "Suporte"}})
        self.assertStored(raw, "interactive", "Suporte")

    def test_template_button(self):
        raw = payloads.inbound(WA, "button", {"payload": "STOP", "text": "Parar promoções"})
        self.assertStored(raw, "button", "Parar promoções")

    def test_reply_context(self):
        raw = payloads.text(WA, "Este aqui", context={"from": "15550000000", "id": "wamid.ORIG"})
        self.assertStored(raw, "text", "Este aqui", reply_to_wamid="wamid.ORIG")

    def test_reaction_and_removed_reaction(self):
        self.assertStored(
            payloads.inbound(WA, "reaction", {"message_id": "wamid.ORIG", "emoji": "👍"}),
            "reaction", "👍", reply_to_wamid="wamid.ORIG")
        self.assertStored(
            payloads.inbound(WA, "reaction", {"message_id": "wamid.ORIG"}),
            "reaction", "", reply_to_wamid="wamid.ORIG")

    def test_order(self):
        items = [{"product_retailer_id": "A", "quantity": 1},
                 {"product_retailer_id": "B", "quantity": 2}]
        raw = payloads.inbound(WA, "order", {"catalog_id": "C", "product_items": items})
        self.assertStored(raw, "order", "Order of 2 item(s)")

    def test_system_message_without_contacts(self):
        raw = payloads.inbound(WA, "system", {"body": "User changed number",
                                              "wa_id": "5511900001111",
                                              "type": "user_changed_number"})
        self.assertStored(raw, "system", "User changed number")

    def test_unsupported_and_unknown_types(self):
        raw = payloads.inbound(WA, "unsupported", {})
        raw["errors"] = [{"code": 131051, "title": "Message type unknown"}]
        self.assertStored(raw, "unsupported", "Message type unknown")
        self.assertStored(payloads.inbound(WA, "ephemeral", {}), "unsupported",
                          "Unsupported message")


class TestInboundFlow(WhatsappInboxCase):
    def test_first_message_creates_waiting_conversation(self):
        with freeze_time(at(T0 + 5)):
            self.receive(payloads.text(WA, timestamp=T0),
                         contacts=[payloads.contact(WA, "Maria")])
        conversation = self.conversation_of(WA)
        self.assertConversation(
            conversation, state="waiting", contact_name="Maria", unread=True,
            waiting_since=at(T0), last_inbound_at=at(T0), window_expires_at=at(T0 + 86400),
        )

    def test_chatter_shows_customer_message_without_notifying(self):
        message = self.receive(payloads.text(WA, "Preciso de ajuda"),
                               contacts=[payloads.contact(WA, "Maria")])
        chatter = message.mail_message_id
        self.assertIn("Preciso de ajuda", chatter.body)
        self.assertEqual(chatter.email_from, "Maria")
        self.assertFalse(chatter.notification_ids)

    def test_profile_name_is_updated(self):
        self.receive(payloads.text(WA), contacts=[payloads.contact(WA, "Maria")])
        self.receive(payloads.text(WA), contacts=[payloads.contact(WA, "Maria S.")])
        self.assertEqual(self.conversation_of(WA).contact_name, "Maria S.")

    def test_duplicate_delivery_changes_nothing(self):
        raw = payloads.text(WA, "Oi")
        first = self.receive(raw)
        conversation = first.conversation_id
        chatter_count = len(conversation.message_ids)
        again = self.receive(raw, raw)
        self.assertEqual(again, first)
        self.assertEqual(len(conversation.wa_message_ids), 1)
        self.assertEqual(len(conversation.message_ids), chatter_count)

    def test_many_messages_contacts_and_customers_in_one_delivery(self):
        messages = [payloads.text(f"55119000000{i:02d}", f"m{i}") for i in range(12)]
        messages += [payloads.text("5511900000000", "second")]
        contacts = [payloads.contact(f"55119000000{i:02d}", f"C{i}") for i in range(12)]
        created = self.receive(*messages, contacts=contacts)
        self.assertEqual(len(created), 13)
        self.assertEqual(len(created.conversation_id), 12)
        first = self.conversation_of("5511900000000")
        self.assertEqual(first.contact_name, "C0")
        self.assertEqual(len(first.wa_message_ids), 2)

    def test_out_of_order_messages_follow_timestamps(self):
        late_old = payloads.text(WA, "first", timestamp=T0)
        new = payloads.text(WA, "second", timestamp=T0 + 60)
        self.receive(new)
        self.receive(late_old)
        conversation = self.conversation_of(WA)
        ordered = self.Message.search([("conversation_id", "=", conversation.id)])
        self.assertEqual(ordered.mapped("body"), ["first", "second"])
        self.assertConversation(conversation, last_inbound_at=at(T0 + 60),
                                waiting_since=at(T0))

    def test_username_customer_is_identified_by_bsuid(self):
        bsuid = "BR.1502576394655843"
        raw = payloads.text(None, "Oi")
        del raw["from"]
        raw["from_user_id"] = bsuid
        contact = {"profile": {"name": "Bia", "username": "@bia"}, "user_id": bsuid}
        self.receive(raw, contacts=[contact])
        conversation = self.conversation_of(bsuid)
        self.assertConversation(conversation, bsuid=bsuid, username="@bia", phone=False,
                                contact_name="Bia", state="waiting")

    def test_bsuid_finds_conversation_started_with_phone(self):
        bsuid = "BR.99"
        self.receive(payloads.text(WA), contacts=[payloads.contact(WA, "Bia", user_id=bsuid)])
        raw = payloads.text(None, "now with a username")
        del raw["from"]
        raw["from_user_id"] = bsuid
        self.receive(raw)
        conversation = self.conversation_of(WA)
        self.assertEqual(len(conversation.wa_message_ids), 2)
        self.assertFalse(self.conversation_of(bsuid))

    def test_same_customer_on_two_connections_are_two_conversations(self):
        self.receive(payloads.text(WA))
        self.receive(payloads.text(WA), connection=self.connection_ar)
        self.assertTrue(self.conversation_of(WA))
        self.assertTrue(self.conversation_of(WA, self.connection_ar))

    @mute_logger("odoo.addons.whatsapp_inbox.models.whatsapp_inbox_message")
    def test_malformed_messages_are_skipped(self):
        good = payloads.text(WA, "ok")
        created = self.receive({"id": "wamid.nofrom", "timestamp": "1", "type": "text"},
                               {"from": WA, "id": "wamid.badts", "timestamp": "soon"},
                               "not a dict", good)
        self.assertEqual(created.mapped("wamid"), [good["id"]])

    def test_reaction_does_not_move_finalized_conversation(self):
        conversation = self.make_conversation("done", wa_id=WA)
        self.receive(payloads.inbound(WA, "reaction", {"message_id": "x", "emoji": "👍"}))
        self.assertConversation(conversation, state="done", unread=True)
