/** @odoo-module **/

import { reactive, useEffect, useState } from "@odoo/owl";
import { rpcBus } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { NavBar } from "@web/webclient/navbar/navbar";

const APP = "whatsapp_inbox.whatsapp_inbox_menu_root";

/**
 * How many conversations each tab holds (``{menu xmlid: count}``), kept live while
 * the inbox app is open: reloaded when the server notifies a change, when the
 * agent moves between views and after each button on the inbox's records.
 */
export const tabCountsService = {
    dependencies: ["orm", "menu", "whatsapp_inbox.refresh"],
    start(env, { orm, menu, "whatsapp_inbox.refresh": refresh }) {
        const counts = reactive({});
        // at most one reload a second, however fast messages flow in
        let lastLoad = 0;
        let timer = null;
        let request = 0;
        function load() {
            if (timer || menu.getCurrentApp()?.xmlid !== APP) {
                return;
            }
            timer = setTimeout(async () => {
                timer = null;
                lastLoad = Date.now();
                const sent = ++request;
                const answer = await orm.silent.call("ir.ui.menu", "whatsapp_inbox_tab_counts");
                if (sent === request) {
                    // a slow answer read before the next one may come after it
                    Object.assign(counts, answer);
                }
            }, Math.max(0, lastLoad + 1000 - Date.now()));
        }
        refresh.bus.addEventListener("refresh", load);
        env.bus.addEventListener("MENUS:APP-CHANGED", load);
        env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", load);
        rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => {
            const { model, method } = detail.data.params || {};
            if (typeof method === "string" && method.startsWith("action_") &&
                    model?.startsWith("whatsapp.inbox.")) {
                load();
            }
        });
        return { counts };
    },
};

registry.category("services").add("whatsapp_inbox.tab_counts", tabCountsService);

patch(NavBar.prototype, {
    setup() {
        super.setup();
        this.whatsappInboxTabCounts = useState(useService("whatsapp_inbox.tab_counts").counts);
        // the counts widen the tabs: check again what fits in the bar
        useEffect(
            () => {
                this.adapt();
            },
            () => [Object.values(this.whatsappInboxTabCounts).join()]
        );
    },
});
