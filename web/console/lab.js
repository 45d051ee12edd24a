// The query lab (workflow gateway): the fixed catalog of named read-only queries, run with typed
// parameters; each run is recorded with its executions and shown with its result.
import { api } from '../shared/api.js';
import { h, when, notice, errorText, field, badge } from '../shared/ui.js';
import { session } from './app.js';
import { pagedTable } from './list.js';

export async function lab() {
  const { data } = await api('workflows/queries', { session });
  const out = h('div', { id: 'lab-result', 'aria-live': 'polite' });
  const forms = data.items.map((q) => {
    const inputs = (q.params || []).map((p) => {
      const f = field(p.label || p.name, { name: p.name, type: p.type === 'int' ? 'number' : 'text', value: p.default ?? '' });
      f.param = p;
      return f;
    });
    return h('form', { class: 'card', onsubmit: async (e) => {
      e.preventDefault();
      const params = {};
      for (const f of inputs) if (f.input.value !== '') params[f.param.name] = f.param.type === 'int' ? Number(f.input.value) : f.input.value;
      try {
        const { data: run } = await api(`workflows/queries/${q.name}/run`, { method: 'POST', session, body: { params, max_rows: 50 } });
        const r = run.result || { columns: [], rows: [] };
        out.replaceChildren(h('h2', {}, `${q.label}: `, badge(run.status)),
          h('p', { class: 'muted' }, (run.executions || []).map((x) => `SQL_ID ${x.sql_id} · ${x.row_count} rows · ${x.duration_ms ?? ''} ms`).join('; ')),
          h('table', {}, h('thead', {}, h('tr', {}, r.columns.map((c) => h('th', { scope: 'col' }, c.name || c)))),
            h('tbody', {}, r.rows.map((row) => h('tr', {}, row.map((v) => h('td', {}, v === null ? '' : String(v))))))));
      } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
    } }, h('h2', {}, q.label), h('p', { class: 'muted' }, `${q.component}${q.sweep ? ' · in the scheduled sweep' : ''}`), inputs, h('button', { type: 'submit' }, 'Run'));
  });
  const runs = await pagedTable('workflows/runs?limit=10', ['Run', 'Key', 'Mode', 'Status', 'Summary', 'When'], (r) => [
    `#${r.id}`, r.key, r.mode, badge(r.status), r.summary || '', when(r.created_at || r.started_at)], { id: 'runs', caption: 'Recent runs' });
  return [h('h1', {}, 'Query lab'), h('div', { class: 'two lab' }, h('div', { class: 'grid' }, forms), h('div', {}, out)), h('h2', {}, 'Recent runs'), runs];
}
