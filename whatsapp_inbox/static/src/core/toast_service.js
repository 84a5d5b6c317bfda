/** @odoo-module **/

import { registry } from "@web/core/registry";

export const TOAST = "whatsapp_inbox/toast";

/**
 * The server's toasts (``{conversation_id, title, message}``, see ``_toast``), shown as
 * Odoo's notifications, except those of the conversation the Inbox workspace shows:
 * its new message simply appears there. The workspace says which one it shows
 * (``shown``).
 */
export const toastService = {
    dependencies: ["bus_service", "notification"],
    start(env, { bus_service, notification }) {
        const service = { shown: null };
        bus_service.subscribe(TOAST, ({ conversation_id, title, message }) => {
            if (conversation_id && conversation_id === service.shown) {
                return;
            }
            notification.add(message, { title, type: "info" });
        });
        return service;
    },
};

registry.category("services").add("whatsapp_inbox.toast", toastService);
