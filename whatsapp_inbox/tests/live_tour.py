"""Tours that watch the inbox change live while the test plays the outside world."""

import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests.common import ChromeBrowser

from odoo.addons.bus.models.bus import dispatch
from odoo.addons.bus.websocket import WebsocketConnectionHandler

from . import payloads
from .common import TourMixin

SIGNAL = "wai-tour: "


class LiveTourMixin(TourMixin):
    """For ``HttpCase``: while a tour waits, it asks the test
    (``console.log("wai-tour: <signal>")``) to play the outside world (a customer writing
    through the signed webhook, Meta's statuses, a colleague); the browser gets the result
    through the real websocket, as in production."""

    def in_transaction(self, func):
        """Run ``func(env)`` as a request would: in the test transaction, holding the
        lock the test server's requests take, committed (bus notifications) at the end."""
        with self.registry.cursor() as cr:
            func(api.Environment(cr, SUPERUSER_ID, {}))

    def process_deliveries(self):
        """What Odoo's cron worker does when the webhook triggers it."""
        self.in_transaction(lambda env: env["whatsapp.inbox.event"]._process_pending())

    def post_webhook(self, payload, app_secret):
        """Post a signed delivery to the real route, then process it as the cron does."""
        body = payloads.encode(payload)
        response = self.url_open("/whatsapp_inbox/webhook", data=body, headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": payloads.sign(body, app_secret)})
        self.assertEqual(response.status_code, 200)
        self.process_deliveries()

    def start_live_tour(self, url, tour, login, timeout=120, **signals):
        """Run ``tour`` from ``url`` as ``login``; ``signals`` map what the tour logs
        after "wai-tour: " to what the test then does."""
        threads, errors = [], []
        original = ChromeBrowser._handle_console

        def play(name):
            try:
                signals[name]()
                # the bus cannot wake websockets by itself during tests
                for websockets in list(dispatch._channels_to_ws.values()):
                    for websocket in list(websockets):
                        websocket.trigger_notification_dispatching()
            except Exception as error:  # pylint: disable=broad-exception-caught
                errors.append(error)  # raised in the test's thread, below

        def handle_console(browser, **event):
            original(browser, **event)
            args = event.get("args")
            message = str(browser._from_remoteobject(args[0])) if args else ""
            if message.startswith(SIGNAL):
                thread = threading.Thread(target=play, args=(message[len(SIGNAL):],))
                threads.append(thread)
                thread.start()

        with patch.object(ChromeBrowser, "_handle_console", handle_console), \
                patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True):
            self.start_tour(url, tour, login=login, timeout=timeout)
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
