/** @odoo-module **/

import { useEffect } from "@odoo/owl";
import { useDebounced } from "@web/core/utils/timing";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { user } from "@web/core/user";
import { formView } from "@web/views/form/form_view";
import { FormController } from "@web/views/form/form_controller";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { useInboxRefresh } from "@whatsapp_inbox/core/refresh_service";

/**
 * Reload the view when the server says conversations changed (new messages,
 * transfers, state changes, ticks), so tabs stay live without F5.
 */
function useReloadOnRefresh(model) {
    useInboxRefresh(useDebounced(() => model.load(), 300));
}

export class InboxKanbanController extends KanbanController {
    setup() {
        super.setup();
        useReloadOnRefresh(this.model);
    }
}

export class InboxListController extends ListController {
    setup() {
        super.setup();
        useReloadOnRefresh(this.model);
    }
}

/** The assigned agent opening a conversation has seen it: clear unread, send read receipts. */
export class InboxFormController extends FormController {
    setup() {
        super.setup();
        this.orm = useService("orm");
        useInboxRefresh(({ ids }) => {
            const record = this.model.root;
            if (ids.includes(record.resId) && !record.dirty) {
                record.load();
            }
        });
        useEffect(
            (resId) => {
                const data = this.model.root.data;
                // a many2one's value is [id, display_name]
                if (resId && data.unread && data.user_id && data.user_id[0] === user.userId) {
                    this.orm
                        .call("whatsapp.inbox.conversation", "action_mark_seen", [[resId]])
                        .then(() => this.model.root.load());
                }
            },
            () => [this.model.root.resId]
        );
    }
}

registry.category("views").add("whatsapp_inbox_kanban", {
    ...kanbanView,
    Controller: InboxKanbanController,
});
registry.category("views").add("whatsapp_inbox_list", {
    ...listView,
    Controller: InboxListController,
});
registry.category("views").add("whatsapp_inbox_form", {
    ...formView,
    Controller: InboxFormController,
});
