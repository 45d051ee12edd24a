// Campaigns (with their lead funnel) and leads: the crm-marketing function's routes.
import { api } from '../shared/api.js';
import { h, badge, notice, errorText, field } from '../shared/ui.js';
import { session, refresh } from './app.js';
import { orMissing, pagedTable, filterTo, hashQuery } from './list.js';
import { columnsOf, cell, details } from './generic.js';
import { barChart } from './analytics.js';

/** Campaigns: name, type, status, budget and spend, leads. */
export function campaigns() {
  return orMissing('Campaigns', async () => {
    const { data } = await api('crm/campaigns?limit=50', { session });
    const items = data.items || [];
    const cols = columnsOf(items, ['name', 'code', 'type', 'status', 'budget', 'spent', 'leads', 'converted', 'conversion_rate']);
    return [h('h1', {}, 'Campaigns'),
      h('table', { id: 'campaigns' }, h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c.replace(/_/g, ' '))))),
        h('tbody', {}, items.map((it) => h('tr', {}, cols.map((c) => h('td', {},
          c === 'name' ? h('a', { href: `#/campaigns/${it.id}` }, it.name) : c === 'status' ? badge(it.status) : cell(c, it[c]))))))),
      items.length ? null : h('p', { class: 'muted' }, 'No campaigns yet.')];
  });
}

/** One campaign and its lead funnel (counts per lead status) as a chart. */
export function campaignDetail(id) {
  return orMissing('Campaign', async () => {
    const [{ data: c }, funnel] = await Promise.all([api(`crm/campaigns/${id}`, { session }),
      api(`crm/campaigns/${id}/funnel`, { session }).then((r) => r.data, () => null)]);
    const stages = funnelStages(funnel);
    return [h('p', {}, h('a', { href: '#/campaigns' }, '← Campaigns')), h('h1', {}, c.name || `Campaign ${id}`), details(c),
      h('h2', {}, 'Lead funnel'), stages.length ? barChart('campaign-funnel', 'Leads by status', stages.map((s) => s[0]), stages.map((s) => s[1])) : h('p', { class: 'muted' }, 'No funnel for this campaign.')];
  });
}

/** [[stage, count]] from a funnel answer: {stages:[{status,count}]}, [{...}] or {status: count}. */
function funnelStages(f) {
  if (!f) return [];
  const list = Array.isArray(f) ? f : Array.isArray(f.stages) ? f.stages : Array.isArray(f.items) ? f.items : null;
  if (list) return list.map((s) => [s.status || s.stage || s.name, Number(s.count ?? s.leads ?? s.value ?? 0)]);
  const counts = f.counts || f.by_status || f;
  return Object.entries(counts).filter(([, v]) => typeof v === 'number');
}

/** Leads: status and source filters, score. */
export function leads() {
  return orMissing('Leads', async () => {
    const q = hashQuery();
    const status = h('select', { name: 'status', id: 'lead-status' }, ['', 'new', 'contacted', 'qualified', 'converted', 'lost'].map((s) => h('option', { value: s }, s || 'Any status')));
    status.value = q.get('status') || '';
    const form = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); filterTo('#/leads', form); } },
      h('div', { class: 'field' }, h('label', { for: 'lead-status' }, 'Status'), status), h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Filter')));
    const p = new URLSearchParams({ limit: '25' });
    if (q.get('status')) p.set('status', q.get('status'));
    const first = (await api(`crm/leads?${p}`, { session })).data.items || [];
    const cols = columnsOf(first, ['id', 'email', 'name', 'company', 'status', 'source', 'score', 'campaign_code', 'created_at']);
    const table = await pagedTable(`crm/leads?${p}`, cols.map((c) => c.replace(/_/g, ' ')), (l) => cols.map((c) =>
      c === 'status' ? badge(l.status) : c === 'id' ? h('a', { href: `#/leads/${l.id}` }, `#${l.id}`) : cell(c, l[c])), { id: 'leads', caption: 'Leads' });
    return [h('h1', {}, 'Leads'), form, table];
  });
}

/** One lead: its fields, the moves its status may make (If-Match with the lead's ETag) and notes. */
export function leadDetail(id) {
  return orMissing('Lead', async () => {
    const { data: l, headers } = await api(`crm/leads/${id}`, { session });
    const etag = headers.get('ETag');
    const out = h('div', { 'aria-live': 'polite' });
    const patch = async (body) => {
      try { await api(`crm/leads/${id}`, { method: 'PATCH', session, headers: { 'If-Match': etag }, body }); refresh(); } catch (e) { out.replaceChildren(notice('error', errorText(e))); }
    };
    const notes = field('Notes', { tag: 'textarea', name: 'notes', maxlength: '2000' });
    notes.input.value = l.notes || '';
    return [h('p', {}, h('a', { href: '#/leads' }, '← Leads')), h('h1', {}, `Lead #${l.id} `, badge(l.status)), out, details(l),
      (l.allowed_transitions || []).length ? h('section', { class: 'card', id: 'lead-moves' }, h('h2', {}, 'Move the lead'),
        h('div', { class: 'row' }, l.allowed_transitions.map((to) => h('button', { type: 'button', onclick: () => patch({ status: to }) }, `Mark ${to}`)))) : null,
      h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); patch({ notes: notes.input.value }); } }, notes, h('button', { type: 'submit' }, 'Save notes'))];
  });
}
