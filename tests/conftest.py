"""Black-box tests against a running Odoo with the addon installed.

The README's test command starts that server and sets ODOO_URL, ODOO_DB,
ODOO_LOGIN and ODOO_PASSWORD; these tests only talk to it over HTTP.
"""

import os
import secrets
import sys
from pathlib import Path

import pytest
import requests

# payload builders shared with the addon's own tests (standard library only)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"))
import payloads  # noqa: E402


class Odoo:
    """Minimal JSON-RPC client."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url.rstrip("/"), db, password
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

    def post_webhook(self, payload, app_secret, signature=None):
        body = payloads.encode(payload)
        return self.session.post(f"{self.url}/whatsapp_inbox/webhook", data=body, timeout=60,
                                 headers={"Content-Type": "application/json",
                                          "X-Hub-Signature-256": signature
                                          or payloads.sign(body, app_secret)})


@pytest.fixture(scope="session")
def odoo():
    missing = [name for name in ("ODOO_URL", "ODOO_DB") if not os.environ.get(name)]
    if missing:
        pytest.fail(f"set {', '.join(missing)} (the README's test command does it)")
    return Odoo.from_env()


@pytest.fixture
def connection(odoo):
    """A fresh connection with its own ids and app secret."""
    suffix = secrets.token_hex(4)
    values = {
        "name": f"Black-box {suffix}",
        "phone_number_id": f"PNID-{suffix}",
        "waba_id": f"WABA-{suffix}",
        "app_secret": f"secret-{suffix}",
        "verify_token": f"verify-{suffix}",
    }
    values["id"] = odoo.call("whatsapp.inbox.connection", "create", values)
    return values
