"""Black-box tests against a running Odoo with the addon installed.

The README's test command starts that server and sets ODOO_URL, ODOO_DB,
ODOO_LOGIN and ODOO_PASSWORD; these tests only talk to it over HTTP.
"""

import json
import os
import secrets
import sys
import time
from pathlib import Path

import pytest
import requests
import websocket

# payload builders shared with the addon's own tests (standard library only)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"))
import payloads  # noqa: E402


class Odoo:
    """Minimal JSON-RPC client."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url.rstrip("/"), db, login, password
        self.session = requests.Session()
        self.uid = self._call("common", "login", db, login, password)
        assert self.uid, f"cannot log in to {db} as {login}"

    @classmethod
    def from_env(cls):
        """The server the README's commands point at (ODOO_URL, ODOO_DB, ...)."""
        return cls(os.environ["ODOO_URL"], os.environ["ODOO_DB"],
                   os.environ.get("ODOO_LOGIN", "admin"), os.environ.get("ODOO_PASSWORD", "admin"))

    def _call(self, service, method, *args):
        response = self.session.post(f"{self.url}/jsonrpc", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": service, "method": method, "args": args},
        }, timeout=60)
        result = response.json()
        if "error" in result:
            raise RuntimeError(result["error"]["data"]["message"])
        return result["result"]

    def call(self, model, method, *args, **kwargs):
        return self._call("object", "execute_kw", self.db, self.uid, self.password,
                          model, method, list(args), kwargs)

    def post_webhook(self, payload, app_secret, signature=None, url=None):
        """POST a delivery (a dict, or raw bytes) signed with ``app_secret``."""
        body = payload if isinstance(payload, bytes) else payloads.encode(payload)
        return requests.post(f"{url or self.url}/whatsapp_inbox/webhook", data=body, timeout=60,
                             headers={"Content-Type": "application/json",
                                      "X-Hub-Signature-256": signature
                                      or payloads.sign(body, app_secret)})

    def web_session(self):
        """A web client's session cookie (``session_id``) for the same user."""
        session = requests.Session()
        response = session.post(f"{self.url}/web/session/authenticate", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": self.db, "login": self.login, "password": self.password},
        }, timeout=60)
        assert "error" not in response.json(), response.text
        return session.cookies["session_id"]

    def pending(self, connection):
        """Deliveries of ``connection`` not processed yet."""
        return self.call("whatsapp.inbox.event", "search_count",
                         [("connection_ids", "in", connection["id"]), ("state", "=", "pending")])


class Bus:
    """A second client: the bus websocket of a web client of the same user, which gets the
    inbox's ``whatsapp_inbox/refresh`` notifications as the Inbox views do."""

    def __init__(self, odoo):
        self.odoo = odoo
        self.socket = websocket.create_connection(
            "ws" + odoo.url.removeprefix("http") + "/websocket", origin=odoo.url,
            cookie=f"session_id={odoo.web_session()}", timeout=60)
        self.socket.send(json.dumps({"event_name": "subscribe",
                                     "data": {"channels": [], "last": 0}}))

    def refreshes(self, timeout):
        """The refresh payloads that arrive within ``timeout`` seconds of the last one."""
        self.socket.settimeout(timeout)
        while True:
            try:
                frame = self.socket.recv()
            except websocket.WebSocketTimeoutException:
                return
            for notification in json.loads(frame or "[]"):
                if notification["message"]["type"] == "whatsapp_inbox/refresh":
                    yield notification["message"]["payload"]

    def wait_processed(self, connection, deadline=180, nudge=None):
        """Return once no delivery of ``connection`` is pending, waiting on the bus.

        Each processed batch that changes something notifies; a batch of duplicates does
        not, so the pending count is read again after each quiet second. ``nudge()`` (a
        new delivery, as Meta keeps sending) runs when nothing moves for a while: after a
        worker was killed, the next delivery is what wakes the processing at once.
        """
        started = quiet = time.monotonic()
        while self.odoo.pending(connection):
            assert time.monotonic() - started < deadline, "deliveries still pending"
            if next(self.refreshes(1), None) is not None:
                quiet = time.monotonic()
            elif nudge and time.monotonic() - quiet > 5:
                nudge()
                quiet = time.monotonic()

    def close(self):
        self.socket.close()


@pytest.fixture(scope="session")
def odoo():
    missing = [name for name in ("ODOO_URL", "ODOO_DB") if not os.environ.get(name)]
    if missing:
        pytest.fail(f"set {', '.join(missing)} (the README's test command does it)")
    return Odoo.from_env()


@pytest.fixture(scope="session")
def bus(odoo):
    client = Bus(odoo)
    yield client
    client.close()


def new_connection(odoo):
    """A fresh connection with its own ids and app secret."""
    suffix = secrets.token_hex(4)
    values = {
        "name": f"Black-box {suffix}",
        "phone_number_id": f"PNID-{suffix}",
        "waba_id": f"WABA-{suffix}",
        "app_secret": f"secret-{suffix}",
        "verify_token": f"verify-{suffix}",
        # nothing may call Meta: media downloads fail at once, and are retried later
        "api_base_url": "http://127.0.0.1:9/v23.0",
    }
    values["id"] = odoo.call("whatsapp.inbox.connection", "create", values)
    return values


@pytest.fixture
def connection(odoo):
    return new_connection(odoo)
