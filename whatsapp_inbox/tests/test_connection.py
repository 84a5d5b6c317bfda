from .common import WhatsappInboxCase


class TestConnection(WhatsappInboxCase):
    def test_search_read_every_field_of_several_connections(self):
        rows = self.env["whatsapp.inbox.connection"].search_read(
            [("id", "in", (self.connection | self.connection_ar).ids)])
        self.assertEqual(len(rows), 2)
        self.assertTrue(all(row["webhook_url"].endswith("/whatsapp_inbox/webhook")
                            for row in rows))

    def test_webhook_keys_follow_the_connections(self):
        Connection = self.env["whatsapp.inbox.connection"]
        self.assertIn((self.connection.id, "PNID-BR", "WABA-BR", "secret-br"),
                      Connection._webhook_keys())
        self.connection.app_secret = "rotated"
        self.assertIn((self.connection.id, "PNID-BR", "WABA-BR", "rotated"),
                      Connection._webhook_keys())
        self.connection.active = False
        self.assertNotIn(self.connection.id, [key[0] for key in Connection._webhook_keys()])
