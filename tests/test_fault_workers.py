"""Workers killed mid-batch, bursts of concurrent deliveries, two servers on one database:
every message is stored once."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import psycopg2
import pytest
from conftest import new_connection, payloads


def deliveries(connection, count, per_delivery, customers, tag):
    return [payloads.delivery(payloads.change(connection["phone_number_id"], messages=[
        payloads.text(customers[(index * per_delivery + k) % len(customers)], f"{tag} {index}.{k}",
                      wamid=f"wamid.{connection['phone_number_id']}.{tag}.{index}.{k}")
        for k in range(per_delivery)])) for index in range(count)]


def post_all(odoo, connection, bodies, url=None, threads=8):
    def post(body):
        return odoo.post_webhook(body, connection["app_secret"], url=url).status_code

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(post, bodies))


def stored(odoo, connection):
    """``{wamid: count}`` of the connection's messages, and its conversations per customer."""
    messages = odoo.call("whatsapp.inbox.message", "search_read",
                         [("conversation_id.connection_id", "=", connection["id"])],
                         fields=["wamid"])
    conversations = odoo.call("whatsapp.inbox.conversation", "search_read",
                              [("connection_id", "=", connection["id"])], fields=["wa_id"])
    counts = {}
    for message in messages:
        counts[message["wamid"]] = counts.get(message["wamid"], 0) + 1
    return counts, sorted(c["wa_id"] for c in conversations)


def events(odoo, connection, state):
    return odoo.call("whatsapp.inbox.event", "search_count",
                     [("connection_ids", "in", connection["id"]), ("state", "=", state)])


@contextlib.contextmanager
def database():
    connection = psycopg2.connect(dbname=os.environ["ODOO_DB"])
    connection.autocommit = True
    try:
        yield connection.cursor()
    finally:
        connection.close()


def blocked_behind(cr, locker, server):
    """The process of the Odoo server whose PostgreSQL connection waits for a lock held by
    backend ``locker``, or None (found by the connection's port: the workers inherit the
    backend name ``odoo-<pid>`` of the server that preloaded the registry)."""
    cr.execute("SELECT client_port FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
               [locker])
    ports = {port for (port,) in cr.fetchall()}
    for process in server.children():
        with contextlib.suppress(psutil.NoSuchProcess):
            if any(c.laddr.port in ports for c in process.connections("tcp")):
                return process
    return None


@contextlib.contextmanager
def conversation_locked(conversation):
    """Hold a row lock on ``conversation`` during the block: the batch that stores a message
    of it waits inside its transaction. Yields ``kill()``, which SIGKILLs the Odoo worker so
    waiting (a cron worker: the processing is not the request's); at the exit the lock is
    released."""
    server = psutil.Process(int(os.environ["ODOO_PID"]))
    locker = psycopg2.connect(dbname=os.environ["ODOO_DB"])
    try:
        with locker.cursor() as lock, database() as cr:
            lock.execute("SELECT id FROM whatsapp_inbox_conversation WHERE id = %s FOR UPDATE",
                         [conversation])
            lock.execute("SELECT pg_backend_pid()")
            locker_pid = lock.fetchone()[0]

            def kill():
                # PostgreSQL tells nobody when a backend starts waiting: poll
                for _poll in range(600):
                    if worker := blocked_behind(cr, locker_pid, server):
                        assert worker.nice() == 10, "Odoo runs its cron workers at nice 10"
                        worker.send_signal(signal.SIGKILL)
                        worker.wait(30)
                        return
                    time.sleep(0.05)
                pytest.fail("no Odoo process started processing the delivery")

            yield kill
    finally:
        locker.rollback()  # releases the conversation: the dead transaction rolls back
        locker.close()


def conversation_of(odoo, connection, customer):
    [conversation] = odoo.call("whatsapp.inbox.conversation", "search", [
        ("connection_id", "=", connection["id"]), ("wa_id", "=", customer)])
    return conversation


def test_worker_killed_mid_batch_then_batch_redelivered(odoo, bus):
    connection = new_connection(odoo)
    customers = [f"55219{index:08d}" for index in range(60)]
    bodies = deliveries(connection, 150, 20, customers, "kill")
    assert set(post_all(odoo, connection, bodies[:50])) == {200}
    bus.wait_processed(connection)

    # the batch that reaches the first customer waits on it, the others behind it
    with conversation_locked(conversation_of(odoo, connection, customers[0])) as kill:
        assert set(post_all(odoo, connection, bodies[50:])) == {200}
        kill()
        assert events(odoo, connection, "done") and events(odoo, connection, "pending"), \
            "killed in the middle of the deliveries"

    nudges = iter(range(1000))
    assert set(post_all(odoo, connection, bodies)) == {200}, "Meta delivers the batch again"
    bus.wait_processed(connection, nudge=lambda: odoo.post_webhook(
        deliveries(connection, 1, 1, customers, f"nudge{next(nudges)}")[0],
        connection["app_secret"]))
    counts, conversations = stored(odoo, connection)
    expected = {m["id"] for body in bodies for m in body["entry"][0]["changes"][0]["value"]
                ["messages"]}
    assert expected <= set(counts), "every message stored"
    assert set(counts.values()) == {1}, "and once"
    assert conversations == customers
    assert not events(odoo, connection, "failed")


def test_processing_killed_between_journal_and_commit_is_done_once_later(odoo, bus,
                                                                       connection):
    customer = "5521987650001"
    first = payloads.delivery(payloads.change(connection["phone_number_id"], messages=[
        payloads.text(customer, "before", wamid=f"wamid.{connection['phone_number_id']}.0")]))
    assert odoo.post_webhook(first, connection["app_secret"]).status_code == 200
    bus.wait_processed(connection)
    wamid = f"wamid.{connection['phone_number_id']}.1"
    survivor = payloads.delivery(payloads.change(connection["phone_number_id"], messages=[
        payloads.text(customer, "survivor", wamid=wamid)]))

    with conversation_locked(conversation_of(odoo, connection, customer)) as kill:
        assert odoo.post_webhook(survivor, connection["app_secret"]).status_code == 200, \
            "acknowledged once journaled, while its processing waits"
        kill()
        # the killed worker's transaction can never commit; whatever runs next waits
        assert events(odoo, connection, "pending") == 1, "the journal kept the delivery"
        assert wamid not in stored(odoo, connection)[0]

    assert odoo.post_webhook(survivor, connection["app_secret"]).status_code == 200, \
        "Meta delivers it again"
    nudges = iter(range(1000))
    bus.wait_processed(connection, nudge=lambda: odoo.post_webhook(payloads.delivery(
        payloads.change(connection["phone_number_id"], messages=[
            payloads.text(customer, "nudge", wamid=f"{wamid}.nudge{next(nudges)}")])),
        connection["app_secret"]))
    counts, conversations = stored(odoo, connection)
    assert (counts[wamid], counts[f"wamid.{connection['phone_number_id']}.0"]) == (1, 1), \
        "processed once, after the kill and the redelivery"
    assert conversations == [customer]
    assert not events(odoo, connection, "failed")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def other_server():
    """Another Odoo server on the same database, with its own cron worker and 7 HTTP
    workers: Odoo listens with a backlog of 8 connections per worker, so 7 absorb a burst of
    50 connections at once (2 reset some of them)."""
    port, source = free_port(), os.environ["ODOO_SRC"]
    command = [sys.executable, f"{source}/odoo-bin",
               f"--addons-path={source}/odoo/addons,{os.environ['WAI_REPO']}",
               f"--db_host={os.environ['PGHOST']}", f"--db_port={os.environ['PGPORT']}",
               f"--db_user={os.environ['PGUSER']}", f"--database={os.environ['ODOO_DB']}",
               "--workers=7", "--max-cron-threads=1", f"--http-port={port}",
               f"--gevent-port={free_port()}"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    listening = threading.Event()

    def read_log():
        for line in server.stdout:
            if "HTTP service (werkzeug) running" in line:
                listening.set()

    threading.Thread(target=read_log, daemon=True).start()
    try:
        assert listening.wait(120), "the second server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_burst_of_50_concurrent_posts_is_absorbed_with_enough_workers(
        odoo, bus, connection, other_server):
    customers = [f"55319{index:08d}" for index in range(10)]
    bodies = deliveries(connection, 50, 2, customers, "burst")
    start = threading.Barrier(50)

    def post(body):
        start.wait()
        return odoo.post_webhook(body, connection["app_secret"], url=other_server).status_code

    with ThreadPoolExecutor(50) as pool:
        assert list(pool.map(post, bodies)) == [200] * 50
    bus.wait_processed(connection)
    counts, conversations = stored(odoo, connection)
    assert (len(counts), set(counts.values()), conversations) == (100, {1}, customers)


def test_two_servers_on_one_database_store_every_message_once(
        odoo, bus, connection, other_server):
    customers = [f"55419{index:08d}" for index in range(20)]
    bodies = deliveries(connection, 240, 5, customers, "two")
    # some reach both servers, as Meta's retries do
    first, second = bodies[0::2] + bodies[1::6], bodies[1::2] + bodies[0::6]
    results = {}

    def burst(url, share):
        results[url] = post_all(odoo, connection, share, url=url, threads=4)

    threads = [threading.Thread(target=burst, args=(url, share))
               for url, share in ((odoo.url, first), (other_server, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for statuses in results.values() for status in statuses} == {200}
    bus.wait_processed(connection)
    counts, conversations = stored(odoo, connection)
    assert (len(counts), set(counts.values())) == (240 * 5, {1})
    assert conversations == customers
    assert not events(odoo, connection, "failed")
