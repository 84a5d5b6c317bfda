/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { SelectMenu } from "@web/core/select_menu/select_menu";
import { useAutofocus, useService } from "@web/core/utils/hooks";
import { useDebounced } from "@web/core/utils/timing";

const MODEL = "whatsapp.inbox.conversation";

const PRESENCE = {
    online: { label: _t("Online"), icon: "fa-circle text-success" },
    away: { label: _t("Away"), icon: "fa-circle text-warning" },
    offline: { label: _t("Offline"), icon: "fa-circle-o text-muted" },
};

/**
 * Transfer to an agent and/or a department, with a note the receiver reads. The
 * other agents show their presence and load, available and least busy first.
 */
export class InboxTransferDialog extends Component {
    static template = "whatsapp_inbox.TransferDialog";
    static components = { Dialog, SelectMenu };
    static props = { model: Object, conversationId: Number, close: Function };

    setup() {
        this.orm = useService("orm");
        this.ui = useState({ userId: false, departmentId: false, note: "", sending: false });
        const setup = this.props.model.state.setup;
        this.agents = [];
        this.departments = setup.departments.map((d) => ({ value: d.id, label: d.name }));
        onWillStart(async () => {
            const agents = await this.orm.call(MODEL, "workspace_transfer_agents", []);
            this.agents = agents.map((agent) => ({
                value: agent.id,
                label: agent.name,
                load: agent.load,
                presence: PRESENCE[agent.im_status] || PRESENCE.offline,
            }));
        });
    }

    loadLabel(load) {
        return load === 1 ? _t("1 conversation") : _t("%s conversations", load);
    }

    async confirm() {
        this.ui.sending = true;
        try {
            await this.orm.call(MODEL, "workspace_transfer", [
                this.props.conversationId,
                this.ui.userId,
                this.ui.departmentId,
                this.ui.note,
            ]);
        } finally {
            this.ui.sending = false;
        }
        this.props.close();
        await this.props.model.afterAction();
    }
}

/** Find a contact by name, phone, e-mail or tax id, and link the conversation to it. */
export class InboxLinkDialog extends Component {
    static template = "whatsapp_inbox.LinkDialog";
    static components = { Dialog };
    static props = { model: Object, conversationId: Number, close: Function };

    setup() {
        this.orm = useService("orm");
        this.ui = useState({ query: "", results: [], searched: false });
        useAutofocus({ refName: "query" });
        this.search = useDebounced(this.search, 250);
    }

    onInput(ev) {
        this.ui.query = ev.target.value;
        this.search();
    }

    async search() {
        const query = this.ui.query;
        const results = await this.orm.call(MODEL, "workspace_search_partners", [query]);
        if (query === this.ui.query) {
            this.ui.results = results;
            this.ui.searched = query.trim().length >= 2;
        }
    }

    async pick(partner) {
        await this.orm.call(MODEL, "workspace_link_partner", [
            this.props.conversationId,
            partner.id,
        ]);
        this.props.close();
        await this.props.model.afterAction();
    }
}
