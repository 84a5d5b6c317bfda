/** @odoo-module **/

import { EventBus } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";

export const REFRESH = "whatsapp_inbox/refresh";

/**
 * One subscription to the server's ``whatsapp_inbox/refresh`` notifications
 * (``{ids: [conversation ids], message_ids: [whatsapp.inbox.message ids]}``,
 * ``message_ids`` possibly missing), dispatched to the inbox's views, the tab counts
 * and the chatter's ticks as a ``refresh`` event with both lists.
 */
export const refreshService = {
    dependencies: ["bus_service"],
    start(env, { bus_service }) {
        const bus = new EventBus();
        /** What the websocket delivers, handed to every listener of the client. */
        function dispatch(payload) {
            bus.trigger("refresh", {
                ids: payload?.ids || [],
                message_ids: payload?.message_ids || [],
            });
        }
        bus_service.subscribe(REFRESH, dispatch);
        return { bus, dispatch };
    },
};

registry.category("services").add("whatsapp_inbox.refresh", refreshService);

/** Call ``callback({ids, message_ids})`` while the component lives, at each refresh. */
export function useInboxRefresh(callback) {
    const { bus } = useService("whatsapp_inbox.refresh");
    useBus(bus, "refresh", (ev) => callback(ev.detail));
}
