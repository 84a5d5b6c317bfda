import itertools
import json

from odoo.tests import TransactionCase, new_test_user

from . import payloads
from .simulator import CloudApiSimulator

_numbers = itertools.count(1)
# The arrow that brings a new conversation to each state (see TRANSITIONS).
ARRIVES_BY = {"waiting": "customer_message", "open": "agent_reply", "bot": "start_bot",
              "done": "finalize", "error": "send_failure"}


# Resolves once the tour is registered and the web client shows the page's action (at
# /odoo, where none opens, its menu bar).
TOUR_READY = """odoo.isTourReady(%s).then(() => new Promise((resolve) => {
    const page = location.pathname === "/odoo" ? ".o_main_navbar" : ".o_action_manager > .o_action";
    const shown = () => (document.querySelector(page) ? resolve(true) : setTimeout(shown, 100));
    shown();
}))"""


def load_web_translations(env, lang):
    """Read every module's script translations in ``lang``, as the first page of the web
    client in that language does: parsing them (once a process) took a loaded machine
    up to 22 s, past the 20 s Odoo's tests give a page to load."""
    env["ir.http"].get_translations_for_webclient(list(env.registry._init_modules), lang)


class TourMixin:
    """For ``HttpCase``: a tour starts once the web client shows the page it opens.
    Booting the client (assets, views, first reads) is no step of the tour, yet the
    first step's 10 s counted it, and a loaded 2-core machine takes about that."""

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        kwargs.setdefault("ready", TOUR_READY % json.dumps(tour_name))
        return super().start_tour(url_path, tour_name, step_delay, **kwargs)


class WhatsappInboxCase(TransactionCase):
    """Fixtures: two connections, an agent and a supervisor; helpers to feed
    deliveries through the same model methods the webhook uses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Connection = cls.env["whatsapp.inbox.connection"]
        cls.connection = Connection.create({
            "name": "Support BR",
            "phone_number_id": "PNID-BR",
            "waba_id": "WABA-BR",
            "app_secret": "secret-br",
            "access_token": "token-br",
        })
        cls.connection_ar = Connection.create({
            "name": "Ventas AR",
            "phone_number_id": "PNID-AR",
            "waba_id": "WABA-AR",
            "app_secret": "secret-ar",
            "access_token": "token-ar",
        })
        cls.agent = new_test_user(cls.env, login="wa_agent", name="Agent Smith",
                                  groups="whatsapp_inbox.group_agent")
        cls.supervisor = new_test_user(cls.env, login="wa_supervisor", name="Supervisor Sue",
                                       groups="whatsapp_inbox.group_supervisor")
        cls.Conversation = cls.env["whatsapp.inbox.conversation"]
        cls.Message = cls.env["whatsapp.inbox.message"]

    def deliver(self, payload, connections=None):
        """Journal a delivery (a dict, or raw bytes) verified by ``connections``, and process
        it as the cron does; return its event."""
        body = payload if isinstance(payload, bytes) else payloads.encode(payload)
        Event = self.env["whatsapp.inbox.event"]
        event = Event._journal(body.decode(), (connections or self.connection).ids)
        event._process()
        return event

    def receive(self, *messages, contacts=(), connection=None):
        """Deliver customer ``messages`` in one delivery; return the messages stored."""
        connection = connection or self.connection
        self.deliver(payloads.delivery(payloads.change(
            connection.phone_number_id, messages=messages, contacts=contacts)), connection)
        wamids = [m["id"] for m in messages if isinstance(m, dict) and isinstance(m.get("id"), str)]
        return self.Message.search([("wamid", "in", wamids)])

    def conversation_of(self, wa_id, connection=None):
        return self.Conversation.search([
            ("connection_id", "=", (connection or self.connection).id), ("wa_id", "=", wa_id),
        ])

    def make_conversation(self, state="new", **vals):
        """A conversation in ``state``, got there by its arrow, then given ``vals``."""
        conversation = self.Conversation.create({
            "connection_id": self.connection.id,
            "wa_id": vals.pop("wa_id", None) or f"55119{next(_numbers):08d}",
        })
        if state != "new":
            conversation._transition(ARRIVES_BY[state])
        conversation.write(vals)
        return conversation

    def make_outbound(self, conversation, wamid, status="sent"):
        return self.Message.create({
            "conversation_id": conversation.id,
            "direction": "out",
            "body": "Our answer",
            "wamid": wamid,
            "status": status,
        })

    def assertConversation(self, conversation, **expected):
        """Compare fields of ``conversation`` with ``expected`` values
        (records compare by id)."""
        for fname, value in expected.items():
            actual = conversation[fname]
            if hasattr(actual, "_name"):
                actual = actual.id if len(actual) <= 1 else actual.ids
                value = value.id if hasattr(value, "_name") else value
            self.assertEqual(actual, value, f"conversation.{fname}")


class WhatsappInboxSimulatorCase(WhatsappInboxCase):
    """Connections wired to a local Cloud API simulator, over real HTTP.

    The simulator's status webhooks queue up; :meth:`deliver_callbacks` feeds
    them to the same processing the webhook route uses.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = CloudApiSimulator({
            "PNID-BR": {"token": "token-br", "app_secret": "secret-br", "waba_id": "WABA-BR",
                        "app_id": "700000000000001"},
            "PNID-AR": {"token": "token-ar", "app_secret": "secret-ar", "waba_id": "WABA-AR"},
        }).start()
        cls.addClassCleanup(cls.sim.stop)
        (cls.connection | cls.connection_ar).api_base_url = cls.sim.api_base_url()
        cls.connection.action_sync_templates()

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def deliver_callbacks(self):
        """Process the webhooks the simulator would have posted; return them."""
        callbacks = self.sim.pending()
        self.sim.clear_pending()
        for payload in callbacks:
            self.deliver(payload, self.connection | self.connection_ar)
        return callbacks

    def open_window(self, wa_id=None, **vals):
        """A conversation whose customer just wrote (the 24-hour window is open)."""
        wa_id = wa_id or f"55119{next(_numbers):08d}"
        self.receive(payloads.text(wa_id, "Oi"))
        conversation = self.conversation_of(wa_id)
        conversation.write(vals)
        return conversation

    def send_queue(self):
        return self.Message._send_queue()

    def sent_bodies(self):
        """The request bodies the simulator accepted."""
        return [request["body"] for request in self.sim.sent]


__all__ = ["WhatsappInboxCase", "WhatsappInboxSimulatorCase", "payloads"]
