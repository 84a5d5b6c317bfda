import json

from odoo.tests import new_test_user, tagged

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase

from . import payloads


@tagged("post_install", "-at_install")
class TestLiveUpdates(WebsocketCase):
    """Inbox refreshes reach, over the websocket, the agents of the conversations' company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.connection = cls.env["whatsapp.inbox.connection"].create({
            "name": "Live", "phone_number_id": "PNID-LIVE", "app_secret": "secret-live"})
        cls.agent = new_test_user(cls.env, login="live_agent", groups="whatsapp_inbox.group_agent")
        cls.other_agent = new_test_user(
            cls.env, login="live_other", groups="whatsapp_inbox.group_agent",
            company_id=cls.other_company.id, company_ids=[(6, 0, cls.other_company.ids)])
        cls.employee = new_test_user(cls.env, login="live_employee", groups="base.group_user")

    def listeners(self, company):
        channel = hashable(channel_with_db(self.registry.db_name, (company, "whatsapp_inbox")))
        return dispatch._channels_to_ws.get(channel, set())

    def connect(self, login):
        websocket = self.websocket_connect(
            cookie=f"session_id={self.authenticate(login, login).sid}")
        self.subscribe(websocket, [], self.env["bus.bus"]._bus_last_id())
        return websocket

    def test_agents_of_the_company_get_one_refresh_with_the_ids(self):
        # (each authentication ends the test's previous session: the listener comes last)
        self.connect("live_employee")
        self.connect("live_other")
        mine = self.connect("live_agent")
        self.assertEqual(len(self.listeners(self.env.company)), 1, "only the agent of it")
        self.assertEqual(len(self.listeners(self.other_company)), 1)

        body = payloads.encode(payloads.delivery(payloads.change("PNID-LIVE", messages=[
            payloads.text("5511900001111", "a"), payloads.text("5511900002222", "b")])))
        self.env["whatsapp.inbox.event"]._journal(body.decode(), self.connection.ids)._process()
        self.trigger_notification_dispatching([(self.env.company, "whatsapp_inbox")])
        notifications = [n for n in json.loads(mine.recv())
                         if n["message"]["type"] == "whatsapp_inbox/refresh"]
        self.assertEqual(len(notifications), 1)
        payload = notifications[0]["message"]["payload"]
        conversations = self.env["whatsapp.inbox.conversation"].search(
            [("connection_id", "=", self.connection.id)])
        self.assertEqual(payload["ids"], sorted(conversations.ids))
        self.assertEqual(payload["message_ids"], sorted(conversations.wa_message_ids.ids))
