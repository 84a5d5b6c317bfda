"""Tests of the WhatsApp Cloud API simulator (whatsapp_inbox/tests/simulator.py).

They need no Odoo: the simulator and a tiny webhook receiver run in this process.
"""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

TESTS_DIR = Path(__file__).resolve().parents[1] / "whatsapp_inbox" / "tests"
sys.path.insert(0, str(TESTS_DIR))
import payloads  # noqa: E402
import simulator  # noqa: E402

ACCOUNTS = {
    "PNID1": {"token": "token-1", "app_secret": "secret-1", "waba_id": "WABA1"},
    "PNID2": {"token": "token-2", "app_secret": "secret-2", "waba_id": "WABA2"},
}
AUTH = {"Authorization": "Bearer token-1"}


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint that records (headers, body) of each POST and answers ``status``."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.received, self.status = [], 200
        self.changed = threading.Condition()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/webhook"

    def wait_for(self, count, timeout=5):
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.received) >= count, timeout), \
                f"got {len(self.received)} webhooks, expected {count}"
        return self.received


class _ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.changed:
            self.server.received.append((dict(self.headers), body))
            self.server.changed.notify_all()
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sim(receiver):
    with simulator.CloudApiSimulator(ACCOUNTS, callback_url=receiver.url) as running:
        yield running


def send(sim, to="5511999990000", headers=AUTH, pnid="PNID1", timeout=5, **body):
    body = body or {"type": "text", "text": {"body": "Olá!"}}
    return requests.post(f"{sim.api_base_url()}/{pnid}/messages", headers=headers, timeout=timeout,
                         json={"messaging_product": "whatsapp", "recipient_type": "individual",
                               "to": to, **body})


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["type"] == "OAuthException"
    assert error["message"] and error["fbtrace_id"]
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert error["error_data"]["details"]
    return error


def statuses_of(deliveries):
    return [s for d in deliveries for e in d["entry"] for c in e["changes"]
            for s in c["value"].get("statuses", [])]


def test_send_text_returns_wamid_and_signed_statuses(sim, receiver):
    response = send(sim)
    assert response.status_code == 200
    data = response.json()
    wamid = data["messages"][0]["id"]
    assert wamid.startswith("wamid.SIM")
    assert data["contacts"] == [{"input": "5511999990000", "wa_id": "5511999990000"}]
    assert sim.sent == [{"phone_number_id": "PNID1", "wamid": wamid, "body": {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511999990000",
        "type": "text", "text": {"body": "Olá!"}}}]
    pending = sim.pending()
    assert [(s["id"], s["status"], s["recipient_id"]) for s in statuses_of(pending)] == [
        (wamid, state, "5511999990000") for state in ("sent", "delivered", "read")]
    assert {d["entry"][0]["id"] for d in pending} == {"WABA1"}
    assert pending[0]["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] == "PNID1"

    assert sim.deliver_pending() == [200, 200, 200]
    assert sim.pending() == []
    for headers, body in receiver.wait_for(3):
        assert headers["Content-Type"] == "application/json"
        assert hmac.compare_digest(headers["X-Hub-Signature-256"],
                                   payloads.sign(body, "secret-1"))
    assert [json.loads(body) for _, body in receiver.received] == pending


def test_each_message_gets_its_own_wamid(sim):
    wamids = {send(sim).json()["messages"][0]["id"] for _ in range(5)}
    assert len(wamids) == 5


@pytest.mark.parametrize("body", [
    {"type": "image", "image": {"id": "123"}},
    {"type": "document", "document": {"link": "https://example.com/a.pdf", "filename": "a.pdf"}},
    {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
    {"type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}},
])
def test_other_message_types(sim, body):
    assert send(sim, **body).status_code == 200


BUTTONS = {"type": "button", "body": {"text": "Ok?"}, "action": {"buttons": [
    {"type": "reply", "reply": {"id": "1", "title": "Sim"}}]}}
OFFER = {"name": "oferta_imagem", "language": {"code": "pt_BR"}, "components": [
    {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://x.example/a.png"}}]},
    {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]},
    {"type": "button", "sub_type": "url", "index": "0",
     "parameters": [{"type": "text", "text": "4"}]},
    {"type": "button", "sub_type": "copy_code", "index": "1",
     "parameters": [{"type": "coupon_code", "coupon_code": "OI10"}]}]}


def _without(template, index):
    return {**template, "components": template["components"][:index]
            + template["components"][index + 1:]}


@pytest.mark.parametrize(("body", "code"), [
    ({"type": "interactive", "interactive": BUTTONS}, None),
    ({"type": "interactive", "interactive": {**BUTTONS, "action": {"buttons": [
        {"type": "reply", "reply": {"id": str(n), "title": f"B{n}"}} for n in range(4)]}}}, 131009),
    ({"type": "interactive", "interactive": {**BUTTONS, "action": {"buttons": [
        {"type": "reply", "reply": {"id": "1", "title": "x" * 21}}]}}}, 131009),
    ({"type": "interactive", "interactive": {"type": "list", "body": {"text": "?"}, "action": {
        "button": "Ver", "sections": [{"rows": [{"id": "1", "title": "y" * 25}]}]}}}, 131009),
    ({"type": "interactive", "interactive": {"type": "cta_url", "body": {"text": "?"}, "action": {
        "name": "cta_url", "parameters": {"display_text": "Abrir", "url": "https://x.example"}}}},
     None),
    ({"type": "template", "template": OFFER}, None),
    ({"type": "template", "template": _without(OFFER, 0)}, 131009),  # no header image
    ({"type": "template", "template": _without(OFFER, 2)}, 131009),  # no URL suffix
    ({"type": "template", "template": _without(OFFER, 1)}, 132000),  # no body parameter
    ({"type": "template", "template": {**OFFER, "name": "promo_natal"}}, 132001),  # pending
    ({"type": "reaction", "reaction": {"emoji": "👍"}}, 100),
    ({"type": "text", "text": {"body": "a"}, "context": {}}, 100),
])
def test_rich_messages_checked_as_meta_does(sim, body, code):
    response = send(sim, **body)
    if code is None:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 400, code)


def test_typing_indicator_and_template_creation(sim):
    typing = requests.post(f"{sim.api_base_url()}/PNID1/messages", headers=AUTH, timeout=5, json={
        "messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X",
        "typing_indicator": {"type": "text"}})
    assert typing.json() == {"success": True}
    url = f"{sim.api_base_url()}/WABA1/message_templates"
    template = {"name": "novo", "language": "pt_BR", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Oi {{1}}"}]}
    assert_error(requests.post(url, headers=AUTH, timeout=5, json=template), 400, 100)
    template["components"][0]["example"] = {"body_text": [["Ana"]]}
    created = requests.post(url, headers=AUTH, timeout=5, json=template).json()
    assert created["status"] == "PENDING"
    sim.post_template_status("WABA1", "novo", "APPROVED")
    listed = requests.get(url, headers=AUTH, timeout=5).json()["data"]
    assert next(t for t in listed if t["id"] == created["id"])["status"] == "APPROVED"


def test_configured_statuses(receiver):
    with simulator.CloudApiSimulator(ACCOUNTS, statuses=("sent", "delivered")) as sim:
        send(sim)
        assert [s["status"] for s in statuses_of(sim.pending())] == ["sent", "delivered"]
        assert sim.deliver_pending() == []  # no callback URL: they stay queued
        assert len(sim.pending()) == 2


def test_deliver_pending_returns_the_receivers_statuses(sim, receiver):
    receiver.status = 403
    send(sim)
    assert sim.deliver_pending() == [403, 403, 403]


def test_mark_as_read(sim):
    response = requests.post(f"{sim.api_base_url()}/PNID1/messages", headers=AUTH, timeout=5, json={
        "messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"})
    assert response.json() == {"success": True}
    assert sim.sent[0]["body"]["message_id"] == "wamid.IN1" and sim.sent[0]["wamid"] is None
    assert sim.pending() == []


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"},
                                     {"Authorization": "token-1"}])
def test_wrong_token(sim, headers):
    assert_error(send(sim, headers=headers), 401, 190)
    assert sim.sent == []


def test_token_of_another_number(sim):
    error = assert_error(send(sim, headers={"Authorization": "Bearer token-2"}), 400, 100)
    assert error["error_subcode"] == 33


@pytest.mark.parametrize("body", [{"type": "text"}, {"text": {"body": "x"}}, {"type": "nope"}])
def test_invalid_parameters(sim, body):
    assert_error(send(sim, **body), 400, 100)
    assert_error(send(sim, to=""), 400, 100)


@pytest.mark.parametrize("code, status, meta_code", [
    (130429, 400, 130429), (131056, 400, 131056), (132000, 400, 132000),
    (132001, 400, 132001), (131009, 400, 131009), (100, 400, 100), (190, 401, 190),
    (500, 500, 1), (1, 500, 1), (2, 500, 2),
])
def test_synchronous_failures_once(sim, code, status, meta_code):
    sim.fail("5511999990000", code)
    assert_error(send(sim), status, meta_code)
    assert sim.sent == [] and sim.pending() == []
    assert send(sim).status_code == 200  # times=1: the next send goes through
    assert send(sim, to="5511888880000").status_code == 200


@pytest.mark.parametrize("code, title", [(131047, "Re-engagement message"),
                                         (131026, "Message undeliverable")])
def test_asynchronous_failures(sim, code, title):
    sim.fail("5511999990000", code)
    response = send(sim)
    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    [failed] = statuses_of(sim.pending())
    assert failed["id"] == wamid and failed["status"] == "failed"
    [error] = failed["errors"]
    assert error["code"] == code and error["title"] == title
    assert error["message"] and error["error_data"]["details"]
    sim.clear_pending()
    send(sim)
    assert [s["status"] for s in statuses_of(sim.pending())] == ["sent", "delivered", "read"]


def test_failure_always_and_n_times(sim):
    sim.fail("5511999990000", 130429, times=None)
    sim.fail("5511888880000", 131009, times=2)
    for _ in range(3):
        assert send(sim).status_code == 400
    assert [send(sim, to="5511888880000").status_code for _ in range(3)] == [400, 400, 200]
    sim.reset()
    assert send(sim).status_code == 200


def test_unknown_failure_code(sim):
    with pytest.raises(ValueError):
        sim.fail("5511999990000", 42)
    response = requests.post(f"{sim.base_url}/_sim/fail", timeout=5,
                             json={"wa_id": "5511999990000", "code": 42})
    assert_error(response, 400, 100)


def test_timeout(sim):
    # the answer comes long after the client gave up, however slow the machine
    sim.timeout_seconds = 5
    sim.fail("5511999990000", "timeout")
    with pytest.raises(requests.Timeout):
        send(sim, timeout=0.3)
    assert send(sim).status_code == 200, "one failure: the next send is answered"


def test_failure_over_http(sim):
    response = requests.post(f"{sim.base_url}/_sim/fail", timeout=5,
                             json={"wa_id": "5511999990000", "code": 131047, "times": None})
    assert response.json() == {"success": True}
    for _ in range(2):
        send(sim)
    assert [s["status"] for s in statuses_of(sim.pending())] == ["failed", "failed"]


def test_media_upload_info_and_download(sim):
    data = bytes(range(256)) * 10
    response = requests.post(f"{sim.api_base_url()}/PNID1/media", headers=AUTH, timeout=5,
                             data={"messaging_product": "whatsapp", "type": "image/png"},
                             files={"file": ("photo.png", data, "image/png")})
    assert response.status_code == 200, response.text
    media_id = response.json()["id"]

    info = requests.get(f"{sim.api_base_url()}/{media_id}",
                        headers={"Authorization": "Bearer token-2"}, timeout=5).json()
    assert info["id"] == media_id and info["messaging_product"] == "whatsapp"
    assert info["mime_type"] == "image/png" and info["file_size"] == len(data)
    assert info["url"].startswith(f"{sim.base_url}/_media/{media_id}?hash=")
    download = requests.get(info["url"], headers=AUTH, timeout=5)
    assert download.content == data and download.headers["Content-Type"] == "image/png"
    assert info["sha256"] == hashlib.sha256(data).hexdigest()

    assert_error(requests.get(info["url"], timeout=5), 401, 190)
    assert_error(requests.get(f"{sim.api_base_url()}/999", headers=AUTH, timeout=5), 404, 100)


def test_media_upload_needs_a_file(sim):
    response = requests.post(f"{sim.api_base_url()}/PNID1/media", headers=AUTH, timeout=5,
                             files={"messaging_product": (None, "whatsapp")})
    assert_error(response, 400, 100)


def test_add_media(sim):
    media_id = sim.add_media(b"%PDF-1.4", "application/pdf", "invoice.pdf")
    info = requests.get(f"{sim.api_base_url('v21.0')}/{media_id}", headers=AUTH,
                        timeout=5).json()
    assert requests.get(info["url"], headers=AUTH, timeout=5).content == b"%PDF-1.4"


def test_templates_paging(sim):
    url = f"{sim.api_base_url()}/WABA1/message_templates?limit=2"
    names, pages = [], 0
    while url:
        page = requests.get(url, headers=AUTH, timeout=5).json()
        names += [t["name"] for t in page["data"]]
        assert set(page["paging"]["cursors"]) == {"before", "after"}
        url, pages = page["paging"].get("next"), pages + 1
    assert pages == 3
    assert names == ["boas_vindas", "pedido_enviado", "bienvenida", "hello_world", "promo_natal",
                     "oferta_imagem"]

    everything = requests.get(f"{sim.api_base_url()}/WABA1/message_templates", headers=AUTH,
                              timeout=5).json()
    assert "next" not in everything["paging"]
    by_name = {t["name"]: t for t in everything["data"]}
    assert by_name["promo_natal"]["status"] == "PENDING"
    assert by_name["promo_natal"]["category"] == "MARKETING"
    assert by_name["bienvenida"]["language"] == "es"
    body = next(c for c in by_name["pedido_enviado"]["components"] if c["type"] == "BODY")
    assert body["text"] == "Olá {{1}}, seu pedido {{2}} foi enviado."


def test_templates_per_waba(sim):
    sim.set_templates("WABA2", [simulator.new_template("oi", "pt_BR", "Oi {{1}}")])
    response = requests.get(f"{sim.api_base_url()}/WABA2/message_templates",
                            headers={"Authorization": "Bearer token-2"}, timeout=5)
    assert [t["name"] for t in response.json()["data"]] == ["oi"]
    denied = requests.get(f"{sim.api_base_url()}/WABA2/message_templates", headers=AUTH,
                          timeout=5)
    assert_error(denied, 400, 100)


def test_template_status_update(sim, receiver):
    sim.post_template_status("WABA1", "promo_natal", "APPROVED")
    [payload] = sim.pending()
    assert payload["entry"][0]["id"] == "WABA1"
    change = payload["entry"][0]["changes"][0]
    assert change["field"] == "message_template_status_update"
    assert change["value"]["event"] == "APPROVED"
    assert change["value"]["message_template_name"] == "promo_natal"
    assert change["value"]["message_template_language"] == "pt_BR"
    assert sim.deliver_pending() == [200]
    templates = requests.get(f"{sim.api_base_url()}/WABA1/message_templates", headers=AUTH,
                             timeout=5).json()["data"]
    assert {t["name"]: t["status"] for t in templates}["promo_natal"] == "APPROVED"


def test_customer_says_reaches_the_receiver_signed(sim, receiver):
    wamid = sim.customer_says("PNID2", "5491155554444", "¡Hola! ¿Tienen envío?", name="Carlos")
    assert sim.deliver_pending() == [200]
    [(headers, body)] = receiver.wait_for(1)
    assert headers["X-Hub-Signature-256"] == payloads.sign(body, "secret-2")
    assert body.isascii()  # encoded like Meta: \\uXXXX escapes
    value = json.loads(body)["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == "PNID2"
    assert value["contacts"] == [{"profile": {"name": "Carlos"}, "wa_id": "5491155554444"}]
    [message] = value["messages"]
    assert message["id"] == wamid and message["from"] == "5491155554444"
    assert message["text"] == {"body": "¡Hola! ¿Tienen envío?"}


def test_customer_sends_any_message(sim):
    message = payloads.inbound("5511999990000", "image", {"id": sim.add_media(b"x", "image/jpeg"),
                                                          "mime_type": "image/jpeg"})
    assert sim.customer_sends("PNID1", message) == message["id"]
    [payload] = sim.pending()
    assert payload["entry"][0]["changes"][0]["value"]["messages"] == [message]


def test_inbound_and_sent_over_http(sim, receiver):
    response = requests.post(f"{sim.base_url}/_sim/inbound", timeout=5, json={
        "phone_number_id": "PNID1", "wa_id": "5511999990000", "text": "Oi", "name": "Ana"})
    wamid = response.json()["wamid"]
    assert sim.pending()[0]["entry"][0]["changes"][0]["value"]["messages"][0]["id"] == wamid
    send(sim)
    sent = requests.get(f"{sim.base_url}/_sim/sent", timeout=5).json()["data"]
    assert sent == sim.sent and len(sent) == 1


def test_auto_deliver(receiver):
    with simulator.CloudApiSimulator(ACCOUNTS, callback_url=receiver.url, auto_deliver=True,
                                     delay=0.05) as sim:
        wamid = send(sim).json()["messages"][0]["id"]
        sim.customer_says("PNID1", "5511999990000", "Oi")
        received = receiver.wait_for(4)
    states = [s["status"] for s in statuses_of(json.loads(body) for _, body in received)]
    assert states == ["sent", "delivered", "read"]
    assert wamid in received[-1][1].decode()
    for headers, body in received:
        assert headers["X-Hub-Signature-256"] == payloads.sign(body, "secret-1")


def test_script(receiver):
    process = subprocess.Popen(
        [sys.executable, str(TESTS_DIR / "simulator.py"), "--port", "0",
         "--callback", receiver.url, "--account", "PNID1:token-1:secret-1:WABA1",
         "--chatter", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line
        api = line.split("listening on ")[1].split(",")[0]
        assert send_to(api).status_code == 200
        for headers, body in receiver.wait_for(5):
            assert headers["X-Hub-Signature-256"] == payloads.sign(body, "secret-1")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in stderr, stderr


def send_to(api_base_url):
    return requests.post(f"{api_base_url}/PNID1/messages", headers=AUTH, timeout=5, json={
        "messaging_product": "whatsapp", "to": "5511999990000", "type": "text",
        "text": {"body": "hi"}})


def test_script_stops_on_sigterm():
    process = subprocess.Popen(
        [sys.executable, str(TESTS_DIR / "simulator.py"), "--port", "0",
         "--account", "PNID1:token-1:secret-1:WABA1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=""))
    assert "listening on" in process.stdout.readline()
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in stderr, stderr
