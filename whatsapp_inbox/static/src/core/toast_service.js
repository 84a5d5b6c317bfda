/** @odoo-module **/

import { registry } from "@web/core/registry";

export const TOAST = "whatsapp_inbox/toast";

/**
 * The server's toasts (``{conversation_id, title, message, new_message}``, see
 * ``_toast``), shown as Odoo's notifications, except a customer's new message in the
 * conversation the Inbox workspace shows: it simply appears there. (Other news of that
 * conversation, such as a colleague taking it, still shows.) The workspace says which
 * conversation it shows (``shown``).
 */
export const toastService = {
    dependencies: ["bus_service", "notification"],
    start(env, { bus_service, notification }) {
        const service = { shown: null };
        bus_service.subscribe(TOAST, ({ conversation_id, title, message, new_message }) => {
            if (new_message && conversation_id && conversation_id === service.shown) {
                return;
            }
            notification.add(message, { title, type: "info" });
        });
        return service;
    },
};

registry.category("services").add("whatsapp_inbox.toast", toastService);
