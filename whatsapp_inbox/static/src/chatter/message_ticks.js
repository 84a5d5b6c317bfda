/** @odoo-module **/

import { Message } from "@mail/core/common/message";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";

const THREAD_MODEL = "whatsapp.inbox.conversation";
const PENDING = ["queued", "sent", "delivered"];

/** WhatsApp's ticks of each status, and what they mean. */
export const TICKS = {
    queued: { icon: "🕓", label: _t("Queued") },
    sent: { icon: "✓", label: _t("Sent") },
    delivered: { icon: "✓✓", label: _t("Delivered") },
    read: { icon: "✓✓", label: _t("Read") },
    failed: { icon: "⚠", label: _t("Failed") },
};

patch(Message.prototype, {
    get whatsappTicks() {
        return TICKS[this.message.whatsappStatus];
    },
});

/**
 * Ticks follow the statuses live: at each refresh, re-read the statuses of the
 * messages it names and of the conversation's lines still on their way, and
 * update the chatter's messages in place. One read at a time, in the order of the
 * refreshes: Meta's statuses come in quick succession, and an older answer landing
 * last would take a Read tick back to Delivered.
 */
export const ticksService = {
    dependencies: ["orm", "mail.store", "whatsapp_inbox.refresh"],
    start(env, { orm, "mail.store": store, "whatsapp_inbox.refresh": refresh }) {
        let reading = Promise.resolve();
        refresh.bus.addEventListener("refresh", ({ detail }) => {
            const read = () => readStatuses(detail);
            reading = reading.then(read, read);
        });
        async function readStatuses({ ids, message_ids }) {
            // only the conversations whose chatter this client has loaded
            const threads = ids
                .map((id) => store.Thread.get({ model: THREAD_MODEL, id }))
                .filter((thread) => thread?.messages.length);
            if (!threads.length) {
                return;
            }
            const pending = threads
                .flatMap((thread) => [...thread.messages])
                .filter((message) => PENDING.includes(message.whatsappStatus))
                .map((message) => message.id);
            const statuses = await orm.silent.searchRead(
                "whatsapp.inbox.message",
                [
                    ["conversation_id", "in", threads.map((thread) => thread.id)],
                    "|",
                    ["id", "in", message_ids],
                    ["mail_message_id", "in", pending],
                ],
                ["mail_message_id", "status"]
            );
            for (const { mail_message_id, status } of statuses) {
                const message = mail_message_id && store.Message.get(mail_message_id[0]);
                if (message) {
                    message.whatsappStatus = status;
                }
            }
        }
    },
};

registry.category("services").add("whatsapp_inbox.ticks", ticksService);
