"""Fill a bench database with an inbox at scale, as the addon stores it, in minutes.

Default size: 100,000 conversations, 1,000,000 WhatsApp messages and 100,000 contacts
(``--conversations``, ``--messages``, ``--contacts``). What one customer message leaves in
the database is written for each message: its ``whatsapp.inbox.message`` row and its
line (``mail.message``) in the conversation's thread; each cycle of a conversation is an
attendance (``whatsapp.inbox.attendance``, numbered from the company's protocol sequence)
and each Finalize its "Conversation finalized by" line. Contacts are ``res.partner`` rows
with Brazilian mobiles (a few Portuguese), landlines, e-mails, and the match keys the
inbox finds them by.

The mix: 80 % Finalized, 7 % Open, 5 % Waiting, 5 % Not started, 2 % Automated, 1 %
Errors; 3 in 10 attended conversations go to 3 agents (about 9,000 each at
100,000 conversations), the rest to 17 others; most conversations hold 2 to 14 messages,
1 in 100 holds about 120 and 1 in 2,000 about 1,500 (spread over weeks). Four in five
conversations have a contact. Agents log in as ``scale_agent_01`` to ``scale_agent_20``,
password ``scale``.

Rows go in with ``INSERT ... SELECT`` over ``generate_series`` in one transaction (ids
reserved from each table's sequence), then ``VACUUM ANALYZE``. A database already filled
(the ``whatsapp_inbox.bench_scale`` parameter says with what) is left as it is.

Environment: ODOO_DB, PGHOST/PGPORT/PGUSER, ODOO_SRC, WAI_REPO (set by ``make bench``).
"""

import argparse
import json
import os
import sys
import time

import psycopg2
from workspace import load_registry

import odoo
from odoo import api

MARKER = "whatsapp_inbox.bench_scale"
PASSWORD = "scale"  # of every agent
AGENTS, HEAVY_AGENTS = 20, 3
FIRST_NAMES = ["Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia",
               "Fernanda", "Patrícia", "Aline", "José", "João", "Antônio", "Francisco",
               "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos", "Gabriel", "Rafael",
               "Beatriz", "Camila", "Larissa", "Letícia", "Bruno", "Rodrigo", "Thiago",
               "Felipe", "Mariana", "Amanda", "Bruna", "Jéssica", "Vanessa", "Diego",
               "Gustavo", "Leandro", "Renata", "Eduardo"]
LAST_NAMES = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves",
              "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho",
              "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha",
              "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado",
              "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira",
              "Araújo", "Pinto", "Correia", "Moura", "Cavalcanti"]
INBOUND = ["Olá, bom dia!", "Boa tarde, tudo bem?", "Oi, preciso de ajuda com meu pedido",
           "Quando chega a minha entrega?", "Quero trocar o produto, veio com defeito",
           "Pode me enviar a segunda via do boleto?", "Qual o prazo de reembolso?",
           "Obrigado pela ajuda!", "O cartão foi recusado, o que faço?",
           "Vocês têm esse modelo em outra cor?", "Meu cupom de desconto não funcionou",
           "Gostaria de cancelar a assinatura"]
OUTBOUND = ["Olá! Como posso ajudar?", "Um momento, vou verificar",
            "Seu pedido foi enviado e chega em 3 dias úteis",
            "Enviei a segunda via do boleto no seu e-mail", "O reembolso é feito em até 7 dias",
            "Já abri a troca, o protocolo segue abaixo", "Posso ajudar em algo mais?",
            "Obrigada pelo contato!"]
DDD = [11, 21, 31, 41, 47, 51, 61, 71, 81, 85, 19, 27, 62, 92]

# Every per-row value is a function of the row's number, so that a run is reproducible.
FUNCTIONS = """
CREATE FUNCTION pg_temp.pick(options text[], n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT options[1 + (n %% cardinality(options))] $$;
-- a customer's number as digits: Brazilian mobiles (DDD, 9, 8 digits), 1 in 20 Portuguese
CREATE FUNCTION pg_temp.mobile(c bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN c %% 20 = 13 THEN '3519' || (1 + c %% 3)::text
                                     || lpad((c * 7919 %% 10000000)::text, 7, '0')
                ELSE '55' || pg_temp.pick(%(ddd)s, c) || '9'
                     || (60000000 + c * 7919 %% 40000000)::text END $$;
-- as people type it: +55 11 98765-4321
CREATE FUNCTION pg_temp.typed(digits text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN digits LIKE '55%%'
                THEN '+55 ' || substr(digits, 3, 2) || ' ' || substr(digits, 5, 5) || '-'
                     || substr(digits, 10)
                ELSE '+351 ' || substr(digits, 4, 3) || ' ' || substr(digits, 7, 3) || ' '
                     || substr(digits, 10) END $$;
-- the inbox's match key (tools/phone.py): Brazilian mobiles without their ninth digit
CREATE FUNCTION pg_temp.match_key(digits text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN digits LIKE '55%%' AND length(digits) = 13
                THEN substr(digits, 1, 4) || substr(digits, 6) ELSE digits END $$;
CREATE FUNCTION pg_temp.person(c bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.pick(%(first)s, c * 31) || ' ' || pg_temp.pick(%(last)s, c * 17 + c / 40) $$;
CREATE FUNCTION pg_temp.body(g bigint, k bigint, direction text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.pick(CASE direction WHEN 'in' THEN %(inbound)s ELSE %(outbound)s END,
                        g * 7 + k * 13 + k / 5)
           || CASE WHEN (g + k) %% 4 = 0
                   THEN ' (pedido ' || (100000 + (g * 31 + k) %% 900000)::text || ')'
                   ELSE '' END $$;
"""

CONTACTS = """
INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, type, active,
                         is_company, partner_share, lang, tz, country_id, mobile, phone,
                         phone_sanitized, whatsapp_inbox_mobile_key, whatsapp_inbox_phone_key,
                         email, email_normalized, vat, color, message_bounce,
                         create_uid, write_uid, create_date, write_date)
SELECT %(partner0)s + c, %(partner0)s + c, name, name, 'contact', true, false, true, 'en_US',
       'America/Sao_Paulo', CASE WHEN digits LIKE '55%%' THEN %(brazil)s ELSE %(portugal)s END,
       pg_temp.typed(digits), landline, '+' || digits, pg_temp.match_key(digits),
       CASE WHEN landline IS NOT NULL THEN '55' || substr(digits, 3, 2) || '3'
                                           || (1000000 + c %% 8999999)::text END,
       email, email, CASE WHEN c %% 5 < 2 THEN lpad((c * 104729 %% 1000000000)::text, 9, '0')
                                               || lpad((c %% 100)::text, 2, '0') END,
       0, 0, 1, 1, %(now)s - interval '400 days', %(now)s - interval '400 days'
  FROM (SELECT c, pg_temp.mobile(c) AS digits, pg_temp.person(c) AS name,
               CASE WHEN c %% 10 < 3 AND pg_temp.mobile(c) LIKE '55%%'
                    THEN '+55 ' || substr(pg_temp.mobile(c), 3, 2) || ' 3'
                         || (1000000 + c %% 8999999)::text END AS landline,
               CASE WHEN c %% 5 < 3 THEN lower(translate(replace(pg_temp.person(c), ' ', '.'),
                    'áâãçéêíóôúÁÂÃÇÉÊÍÓÔÚ', 'aaaceeioouAAACEEIOOU')) || c::text || '@example.com.br'
               END AS email
          FROM generate_series(1::bigint, %(contacts)s) AS c) AS contact
"""

# One row per conversation g, with everything its messages and attendances derive from.
CONVERSATIONS = """
CREATE TEMP TABLE bench_conversation ON COMMIT DROP AS
SELECT g, n, state, interval_ AS step, finish - interval_ * (n - 1) AS start, finish,
       %(conversation0)s + g AS id,
       %(connections)s::int[] AS connections_, digits,
       CASE WHEN g %% 5 <> 0 AND g <= %(contacts)s THEN %(partner0)s + g END AS partner_id,
       CASE WHEN state IN ('open', 'done', 'error') OR (state = 'waiting' AND g %% 2 = 0)
            THEN CASE WHEN g %% 10 < 3 THEN (%(agents)s::int[])[1 + g / 10 %% %(heavy)s]
                      ELSE (%(agents)s::int[])[1 + %(heavy)s + g %% (cardinality(%(agents)s::int[])
                                                                    - %(heavy)s)] END
       END AS user_id,
       CASE WHEN n >= 100 AND state <> 'new' THEN n / 60 ELSE 1 END AS cycles
  FROM (SELECT g, n, state, digits,
               CASE WHEN n >= 100 THEN interval '45 minutes' ELSE interval '3 minutes' END
                   AS interval_,
               CASE WHEN state = 'done'
                    THEN %(now)s - interval '2 days'
                         - interval '360 days' * (%(conversations)s - g) / %(conversations)s
                    ELSE %(now)s - interval '1 minute' * (g * 7919 %% 4320) END AS finish
          FROM (SELECT g, n, pg_temp.mobile(CASE WHEN g %% 5 = 0 THEN %(contacts)s + g ELSE g END)
                           AS digits,
                       CASE WHEN h < 800 THEN 'done' WHEN h < 870 THEN 'open'
                            WHEN h < 920 THEN 'waiting' WHEN h < 970 THEN 'new'
                            WHEN h < 990 THEN 'bot' ELSE 'error' END AS state
                  FROM (SELECT g::bigint, n, (g * 2654435761) %% 4294967296 %% 1000 AS h
                          FROM unnest(%(counts)s::int[]) WITH ORDINALITY AS t(n, g)) AS t
               ) AS t
       ) AS t;
ALTER TABLE bench_conversation ADD PRIMARY KEY (g);
"""

# One row per message; ids in time order, as the webhook would have given them.
MESSAGES = """
CREATE TEMP TABLE bench_message ON COMMIT DROP AS
SELECT %(mail0)s + row_number() OVER (ORDER BY ts, g, k) AS mail_id,
       %(message0)s + row_number() OVER (ORDER BY ts, g, k) AS id,
       pg_temp.body(g, k, direction) AS body, *
  FROM (SELECT c.g, k, c.id AS conversation_id, c.state, c.start + c.step * k AS ts,
               CASE WHEN c.state = 'new' THEN 'out'
                    WHEN k = c.n - 1 AND c.state IN ('waiting', 'bot') THEN 'in'
                    WHEN k %% 2 = 0 THEN 'in' ELSE 'out' END AS direction,
               c.user_id, c.n
          FROM bench_conversation c, generate_series(0, c.n - 1) AS k) AS t;
CREATE INDEX ON bench_message (g, k);
ANALYZE bench_message;
"""

INSERT_CONVERSATIONS = """
INSERT INTO whatsapp_inbox_conversation (
    id, connection_id, company_id, partner_id, user_id, department_id, origin_id, name,
    channel, wa_id, phone, phone_digits, contact_name, state, handled_by, unread,
    opted_out, marketing_opted_out, last_inbound_at, last_outbound_at, last_message_at,
    window_expires_at, waiting_since, first_response_at, closed_at, closed_by_id, close_method,
    last_message_preview, error_reason, create_uid, write_uid, create_date, write_date)
SELECT c.id, c.connections_[1 + c.g %% cardinality(c.connections_)], %(company)s,
       c.partner_id, c.user_id, (%(departments)s::int[])[1 + c.g %% 3], %(origin)s,
       COALESCE(partner.name, profile_name), 'whatsapp', wa_id, '+' || c.digits,
       CASE WHEN wa_id = c.digits THEN c.digits ELSE c.digits || ' ' || wa_id END,
       profile_name, c.state, 'inbox',
       c.state IN ('waiting', 'new', 'bot') OR (c.state = 'open' AND c.g %% 3 = 0),
       false, false, last_in, last_out, c.finish, last_in + interval '24 hours',
       CASE WHEN c.state = 'waiting' THEN last_in END, first_out,
       CASE WHEN c.state = 'done' THEN c.finish + interval '10 minutes' END,
       CASE WHEN c.state = 'done' THEN c.user_id END,
       CASE WHEN c.state = 'done' THEN 'agent' END,
       left(last.body, 120),
       CASE WHEN c.state = 'error' THEN 'Message failed to send because more than 24 hours '
                                        'have passed since the customer last replied.' END,
       1, 1, c.start, c.finish
  FROM bench_conversation c
  LEFT JOIN res_partner partner ON partner.id = c.partner_id
  JOIN bench_message last ON last.g = c.g AND last.k = c.n - 1
 CROSS JOIN LATERAL (
     SELECT max(m.ts) FILTER (WHERE m.direction = 'in') AS last_in,
            max(m.ts) FILTER (WHERE m.direction = 'out') AS last_out,
            min(m.ts) FILTER (WHERE m.direction = 'out') AS first_out
       FROM bench_message m WHERE m.g = c.g) AS times
 CROSS JOIN LATERAL (
     -- 1 in 50 customers kept the WhatsApp id of before Brazil's ninth digit
     SELECT CASE WHEN c.g %% 50 = 3 AND c.digits LIKE '55%%'
                 THEN pg_temp.match_key(c.digits) ELSE c.digits END AS wa_id,
            CASE WHEN c.g %% 7 = 0 THEN pg_temp.pick(%(first)s, c.g * 31) || ' 🌻'
                 ELSE pg_temp.pick(%(first)s, c.g * 31) END AS profile_name) AS identity
"""

INSERT_MAIL_MESSAGES = """
INSERT INTO mail_message (id, model, res_id, message_type, subtype_id, body, date, author_id,
                          email_from, record_name, message_id, email_add_signature,
                          create_uid, write_uid, create_date, write_date)
SELECT m.mail_id, 'whatsapp.inbox.conversation', m.conversation_id, 'comment', %(comment)s,
       '<p>' || m.body || '</p>', m.ts,
       CASE WHEN m.direction = 'in' THEN c.partner_id
            WHEN m.user_id IS NULL THEN %(odoobot)s
            ELSE author.partner_id END,
       CASE WHEN m.direction = 'in' THEN COALESCE(partner.email, conversation.name) END,
       conversation.name,
       '<' || m.mail_id::text || '.bench-openerp-' || m.conversation_id::text
           || '-whatsapp.inbox.conversation@bench>', true, 1, 1, m.ts, m.ts
  FROM bench_message m
  JOIN bench_conversation c ON c.g = m.g
  JOIN whatsapp_inbox_conversation conversation ON conversation.id = m.conversation_id
  LEFT JOIN res_partner partner ON partner.id = c.partner_id
  LEFT JOIN res_users author ON author.id = m.user_id
 ORDER BY m.mail_id
"""

INSERT_WA_MESSAGES = """
INSERT INTO whatsapp_inbox_message (id, conversation_id, company_id, mail_message_id,
                                    direction, message_type, body, wamid, status,
                                    failure_type, failure_code, failure_reason, timestamp,
                                    author_id, read_receipt, create_uid, write_uid,
                                    create_date, write_date)
SELECT m.id, m.conversation_id, %(company)s, m.mail_id, m.direction, 'text', m.body,
       'wamid.BENCH' || lpad(m.id::text, 12, '0'),
       CASE WHEN m.direction = 'in' THEN 'received'
            WHEN failed THEN 'failed'
            WHEN m.ts > %(now)s - interval '1 hour' THEN 'delivered' ELSE 'read' END,
       CASE WHEN failed THEN 'window_closed' END, CASE WHEN failed THEN '131047' END,
       CASE WHEN failed THEN 'Re-engagement message' END,
       m.ts, CASE WHEN m.direction = 'out' THEN m.user_id END,
       CASE WHEN m.direction = 'in' THEN 'sent' END, 1, 1, m.ts, m.ts
  FROM bench_message m
 CROSS JOIN LATERAL (SELECT m.state = 'error' AND m.k = m.n - 1
                            AND m.direction = 'out' AS failed) AS f
 ORDER BY m.id
"""

# Each conversation's cycles: the last is the current attendance, open unless Finalized.
ATTENDANCES = """
CREATE TEMP TABLE bench_attendance ON COMMIT DROP AS
SELECT %(attendance0)s + row_number() OVER (ORDER BY opened_at, g, cycle) AS id,
       row_number() OVER (ORDER BY opened_at, g, cycle) AS number, *
  FROM (SELECT c.g, cycle, c.id AS conversation_id, c.user_id, c.state,
               c.start + c.step * (c.n * cycle / c.cycles) AS opened_at,
               c.start + c.step * (c.n * cycle / c.cycles + 1) AS first_response_at,
               c.start + c.step * (c.n * (cycle + 1) / c.cycles - 1)
                   + interval '10 minutes' AS closed_at,
               cycle = c.cycles - 1 AS current_, c.n / c.cycles AS messages
          FROM bench_conversation c, generate_series(0, c.cycles - 1) AS cycle
         WHERE c.state <> 'new') AS t;

INSERT INTO whatsapp_inbox_attendance (
    id, conversation_id, company_id, protocol, state, channel, connection_id, user_id,
    department_id, opened_by, opened_at, opened_hour, first_response_at, first_response_minutes,
    first_response_business_minutes, first_response_in_target, closed_at, closed_by_id,
    close_method, resolution_minutes, resolution_business_minutes, resolved_in_target,
    message_in_count, message_out_count, transfer_count, bot_since,
    create_uid, write_uid, create_date, write_date)
SELECT a.id, a.conversation_id, %(company)s,
       to_char(a.opened_at, 'YYYYMMDD') || '-'
           || lpad((%(protocol0)s + a.number)::text, %(padding)s, '0'),
       CASE WHEN closed THEN 'closed' ELSE 'open' END, 'whatsapp', conversation.connection_id,
       a.user_id, conversation.department_id, 'customer', a.opened_at,
       extract(hour FROM a.opened_at AT TIME ZONE 'UTC' AT TIME ZONE 'America/Sao_Paulo'),
       CASE WHEN a.user_id IS NOT NULL THEN a.first_response_at END,
       CASE WHEN a.user_id IS NOT NULL THEN 3 END, CASE WHEN a.user_id IS NOT NULL THEN 3 END,
       CASE WHEN a.user_id IS NOT NULL THEN 100 END,
       CASE WHEN closed THEN a.closed_at END,
       -- cycles nobody took were finalized by an automation (as the superuser)
       CASE WHEN closed THEN COALESCE(a.user_id, %(superuser)s) END,
       CASE WHEN closed THEN CASE WHEN a.user_id IS NULL THEN 'automation' ELSE 'agent' END END,
       CASE WHEN closed THEN round(extract(epoch FROM a.closed_at - a.opened_at) / 60, 2) END,
       CASE WHEN closed THEN round(extract(epoch FROM a.closed_at - a.opened_at) / 60, 2) END,
       CASE WHEN closed THEN CASE WHEN a.closed_at - a.opened_at <= interval '24 hours'
                                  THEN 100 ELSE 0 END END,
       CASE WHEN closed THEN (a.messages + 1) / 2 ELSE 0 END,
       CASE WHEN closed THEN a.messages / 2 ELSE 0 END, 0,
       CASE WHEN a.state = 'bot' AND NOT closed THEN a.opened_at END,
       1, 1, a.opened_at, COALESCE(CASE WHEN closed THEN a.closed_at END, a.opened_at)
  FROM bench_attendance a
  JOIN whatsapp_inbox_conversation conversation ON conversation.id = a.conversation_id
 CROSS JOIN LATERAL (SELECT NOT a.current_ OR a.state = 'done' AS closed) AS f
 ORDER BY a.id;

-- what Finalize writes in the thread, once per closed attendance
INSERT INTO mail_message (model, res_id, message_type, subtype_id, is_internal, body, date,
                          author_id, record_name, message_id, email_add_signature,
                          create_uid, write_uid, create_date, write_date)
SELECT 'whatsapp.inbox.conversation', a.conversation_id, 'notification', %(note)s, true,
       '<p>Conversation finalized by ' || agent.name || '.</p>', a.closed_at,
       agent.id, conversation.name,
       '<finalized.' || a.id::text || '.bench-openerp@bench>', true,
       a.closed_by_id, a.closed_by_id, a.closed_at, a.closed_at
  FROM whatsapp_inbox_attendance a
  JOIN res_users users ON users.id = a.closed_by_id
  JOIN res_partner agent ON agent.id = users.partner_id
  JOIN whatsapp_inbox_conversation conversation ON conversation.id = a.conversation_id
 WHERE a.id > %(attendance0)s AND a.state = 'closed'
 ORDER BY a.closed_at;

UPDATE whatsapp_inbox_conversation conversation
   SET current_attendance_id = a.id
  FROM bench_attendance a
 WHERE a.current_ AND conversation.id = a.conversation_id;

UPDATE whatsapp_inbox_conversation conversation
   SET last_failed_message_id = m.id
  FROM bench_message m
 WHERE m.state = 'error' AND m.k = m.n - 1 AND m.direction = 'out'
   AND conversation.id = m.conversation_id;
"""


def message_counts(conversations, messages):
    """Messages of each conversation (summing to ``messages``): mostly 2 to 14, 1 in 100
    conversations about 15 times more, 1 in 2,000 about 190 times more."""
    weights = [1500 if g % 2000 == 0 else 120 if g % 100 == 7 else 2 + (g * 7919) % 13
               for g in range(1, conversations + 1)]
    scale = messages / sum(weights)
    counts = [max(1, int(weight * scale)) for weight in weights]
    for index in range(messages - sum(counts)):
        counts[index % conversations] += 1
    return counts


def reserve(cr, table, count):
    """The first of ``count`` ids taken from ``table``'s sequence, minus one."""
    cr.execute("SELECT nextval(%s)", [f"{table}_id_seq"])
    first = cr.fetchone()[0]
    cr.execute("SELECT setval(%s, %s)", [f"{table}_id_seq", first + max(count, 1) - 1])
    return first - 1


def setup_records(env):
    """The connections, departments and agents the rows point at (through the ORM)."""
    company = env.ref("base.main_company")
    connections = env["whatsapp.inbox.connection"].create([{
        "name": f"Bench {name}",
        "phone_number_id": f"PNID-BENCH-SCALE-{index}",
        "waba_id": "WABA-BENCH-SCALE",
        "display_phone_number": f"+55 11 4000-000{index}",
        "app_secret": "bench-scale-secret",
        "verify_token": f"bench-scale-{index}",
        # nothing may call Meta from the bench database
        "api_base_url": "http://127.0.0.1:9/v23.0",
        "company_id": company.id,
    } for index, name in enumerate(("Vendas", "Suporte"), 1)])
    departments = env["whatsapp.inbox.department"].create([
        {"name": name, "company_id": company.id} for name in ("Vendas", "Suporte", "Financeiro")])
    group = env.ref("whatsapp_inbox.group_agent")
    agents = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"{FIRST_NAMES[index * 7 % 40]} {LAST_NAMES[index * 11 % 40]} (agent {index:02d})",
        "login": f"scale_agent_{index:02d}",
        "groups_id": [(6, 0, [group.id])],
        "company_id": company.id,
        "company_ids": [(6, 0, [company.id])],
        "tz": "America/Sao_Paulo",
    } for index in range(1, AGENTS + 1)])
    # one password for all, hashed once (hashing takes a good fraction of a second)
    agents[0].password = PASSWORD
    env.flush_all()
    env.cr.execute("UPDATE res_users SET password = (SELECT password FROM res_users WHERE id = %s)"
                   " WHERE id IN %s", [agents[0].id, tuple(agents.ids)])
    departments[0].member_ids = agents[:10]
    departments[1].member_ids = agents[10:]
    return company, connections, departments, agents


def fill(env, conversations, messages, contacts):
    cr = env.cr
    company, connections, departments, agents = setup_records(env)
    Attendance = env["whatsapp.inbox.attendance"]
    sequence = Attendance._protocol_sequence(company)
    env.flush_all()
    cr.execute("SET LOCAL synchronous_commit = off")
    params = {
        "now": odoo.fields.Datetime.now(), "conversations": conversations,
        "contacts": contacts, "company": company.id, "connections": connections.ids,
        "departments": departments.ids, "agents": agents.ids, "heavy": HEAVY_AGENTS,
        "origin": connections[0].default_origin_id.id or None,
        "brazil": env.ref("base.br").id, "portugal": env.ref("base.pt").id,
        "comment": env.ref("mail.mt_comment").id, "note": env.ref("mail.mt_note").id,
        "odoobot": env.ref("base.partner_root").id, "superuser": odoo.SUPERUSER_ID,
        "ddd": [str(ddd) for ddd in DDD], "first": FIRST_NAMES, "last": LAST_NAMES,
        "inbound": INBOUND, "outbound": OUTBOUND,
        "counts": message_counts(conversations, messages), "padding": sequence.padding,
    }
    cr.execute(FUNCTIONS, params)

    def step(label, sql, **more):
        started = time.monotonic()
        params.update(more)
        cr.execute(sql, params)
        print(f"  {label:<44} {time.monotonic() - started:6.1f} s", flush=True)

    step(f"{contacts} contacts", CONTACTS, partner0=reserve(cr, "res_partner", contacts))
    step("conversations (staging)", CONVERSATIONS,
         conversation0=reserve(cr, "whatsapp_inbox_conversation", conversations))
    step("messages (staging)", MESSAGES, mail0=reserve(cr, "mail_message", messages),
         message0=reserve(cr, "whatsapp_inbox_message", messages))
    step(f"{conversations} conversations", INSERT_CONVERSATIONS)
    step(f"{messages} thread lines (mail.message)", INSERT_MAIL_MESSAGES)
    step(f"{messages} WhatsApp messages", INSERT_WA_MESSAGES)
    cr.execute("SELECT sum(cycles) FROM bench_conversation WHERE state <> 'new'")
    cycles = cr.fetchone()[0] or 0
    pg_sequence = f"ir_sequence_{sequence.id:03d}"
    cr.execute("SELECT nextval(%s)", [pg_sequence])
    protocol0 = cr.fetchone()[0] - 1
    cr.execute("SELECT setval(%s, %s)", [pg_sequence, protocol0 + max(cycles, 1)])
    step(f"{cycles} attendances, finalize lines", ATTENDANCES,
         attendance0=reserve(cr, "whatsapp_inbox_attendance", cycles), protocol0=protocol0)
    started = time.monotonic()
    env["whatsapp.inbox.conversation"]._fill_unanswered_since()
    print(f"  {'unanswered since':<44} {time.monotonic() - started:6.1f} s", flush=True)
    env["ir.config_parameter"].set_param(MARKER, json.dumps({
        "conversations": conversations, "messages": messages, "contacts": contacts,
        "agents": agents.mapped("login"), "password": PASSWORD,
        "heavy_agents": agents[:HEAVY_AGENTS].mapped("login"),
    }))
    env.invalidate_all()


def vacuum(db):
    """What autovacuum would have done by the time real data is this big."""
    connection = psycopg2.connect(**odoo.sql_db.connection_info_for(db)[1])
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            for table in ("res_partner", "whatsapp_inbox_conversation", "mail_message",
                          "whatsapp_inbox_message", "whatsapp_inbox_attendance"):
                cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, help="default: 10 per conversation")
    parser.add_argument("--contacts", type=int, help="default: as many as conversations")
    args = parser.parse_args()
    conversations = args.conversations
    messages = args.messages or conversations * 10
    contacts = conversations if args.contacts is None else args.contacts
    if conversations < 1 or messages < conversations:
        parser.error("at least one conversation, and one message per conversation")
    db = os.environ["ODOO_DB"]
    registry = load_registry()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        done = json.loads(env["ir.config_parameter"].get_param(MARKER) or "{}")
        if done:
            print(f"{db} is already filled ({done['conversations']} conversations, "
                  f"{done['messages']} messages, {done['contacts']} contacts): nothing to do")
            return 0
        print(f"filling {db}: {conversations} conversations, {messages} messages, "
              f"{contacts} contacts", flush=True)
        started = time.monotonic()
        fill(env, conversations, messages, contacts)
        cr.commit()
    vacuum_started = time.monotonic()
    vacuum(db)
    print(f"  {'VACUUM ANALYZE':<44} {time.monotonic() - vacuum_started:6.1f} s")
    print(f"filled {db} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
