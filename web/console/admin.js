// Audit log and security events: the admin-audit function's routes (admin only).
import { api } from '../shared/api.js';
import { h } from '../shared/ui.js';
import { session } from './app.js';
import { orMissing, pagedTable } from './list.js';
import { columnsOf, cell } from './generic.js';

async function listPage(title, path, preferred, id) {
  return orMissing(title, async () => {
    const first = (await api(`${path}?limit=1`, { session })).data.items || [];
    const cols = columnsOf(first, preferred);
    return [h('h1', {}, title), await pagedTable(`${path}?limit=25`, cols.map((c) => c.replace(/_/g, ' ')), (it) => cols.map((c) => cell(c, it[c])), { id, caption: title })];
  });
}

/** Every staff write: who, what, when, the trace id. */
export const audit = () => listPage('Audit log', 'admin/audit-logs', ['created_at', 'actor', 'user_id', 'action', 'entity', 'entity_type', 'entity_id', 'trace_id'], 'audit');

/** Security events: type, severity, endpoint, source. */
export const security = () => listPage('Security events', 'admin/security-events', ['created_at', 'attack_type', 'severity', 'endpoint', 'source_ip', 'trace_id'], 'security-events');
