/** @odoo-module **/

import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { InboxClientPanel } from "./client_panel";
import { InboxQueue } from "./queue";
import { InboxThread } from "./thread";
import { WorkspaceModel } from "./workspace_model";

/**
 * Inbox: the attendant's workspace, the whole inbox in one screen. Left the
 * queues, middle the open conversation, right the client panel; live through
 * the bus. Below 768 px one column shows at a time (``state.pane``).
 */
export class InboxWorkspace extends Component {
    static template = "whatsapp_inbox.Workspace";
    static components = { InboxQueue, InboxThread, InboxClientPanel };
    static props = ["*"];

    setup() {
        this.model = new WorkspaceModel({
            orm: useService("orm"),
            bus_service: useService("bus_service"),
            http: useService("http"),
            notification: useService("notification"),
            toast: useService("whatsapp_inbox.toast"),
        });
        this.ui = useState({ pane: "list", panelOpen: false });
        this.state = useState(this.model.state);
        onWillStart(() => this.model.start());
        onWillUnmount(() => this.model.stop());
    }

    async openConversation(id) {
        this.ui.pane = "thread";
        await this.model.open(id);
    }

    back() {
        this.ui.pane = "list";
        this.model.close();
    }

    togglePanel() {
        this.ui.panelOpen = !this.ui.panelOpen;
    }
}

registry.category("actions").add("whatsapp_inbox.workspace", InboxWorkspace);
