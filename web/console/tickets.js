// The support queue and one ticket: conversation, internal notes, replies, assignment, status.
import { api } from '../shared/api.js';
import { h, when, notice, errorText, field, badge } from '../shared/ui.js';
import { session, refresh } from './app.js';
import { pagedTable, filterTo, hashQuery } from './list.js';

/** The queue: open and in-progress by default, unassigned first, oldest first, with the SLA. */
export async function tickets() {
  const q = hashQuery();
  const status = field('Status', { tag: 'select', name: 'status', options: [['', 'Open and in progress'], ['open', 'Open'], ['in_progress', 'In progress'], ['resolved', 'Resolved'], ['closed', 'Closed'], ['all', 'All']] });
  status.input.value = q.get('status') || '';
  const prio = field('Priority', { tag: 'select', name: 'priority', options: [['', 'Any'], ['urgent', 'Urgent'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']] });
  prio.input.value = q.get('priority') || '';
  const who = field('Assignee', { tag: 'select', name: 'assignee', options: [['', 'Anyone'], ['none', 'Unassigned'], ['me', 'Me']] });
  who.input.value = q.get('assignee') || '';
  const form = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); filterTo('#/tickets', form); } },
    status, prio, who, h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Filter')));
  const p = new URLSearchParams({ limit: '25' });
  for (const k of ['status', 'priority', 'assignee']) if (q.get(k)) p.set(k, q.get(k));
  const table = await pagedTable(`crm/tickets?${p}`, ['Ticket', 'Customer', 'Status', 'Priority', 'Assignee', 'Age', 'SLA'], (t) => [
    h('a', { href: `#/tickets/${t.id}` }, `#${t.id} ${t.subject}`), t.customer_name, badge(t.status), badge(t.priority), t.assignee || '—',
    `${Math.round(t.age_hours)} h`, t.sla_breached ? h('strong', {}, 'breached') : `due ${when(t.sla_due_at)}`], { id: 'tickets', caption: 'Tickets' });
  return [h('h1', {}, 'Support tickets'), form, table];
}

/** A ticket: messages (notes marked), reply or note, assign to me, status and priority. */
export async function ticketDetail(id) {
  const { data: t, headers } = await api(`crm/tickets/${id}`, { session });
  const etag = headers.get('ETag');
  const out = h('div', { 'aria-live': 'polite' });
  const act = async (fn) => { try { await fn(); refresh(); } catch (e) { out.replaceChildren(notice('error', errorText(e))); } };
  const msg = field('Message', { tag: 'textarea', name: 'message', required: true, maxlength: '4000', rows: 4 });
  const internal = h('input', { type: 'checkbox', id: 'internal', name: 'internal' });
  const reply = t.status === 'closed' ? notice('info', 'This ticket is closed.') : h('form', { class: 'card', id: 'reply', onsubmit: (e) => {
    e.preventDefault();
    act(() => api(`crm/tickets/${id}/messages`, { method: 'POST', session, body: { message: msg.input.value, internal: internal.checked } }));
  } }, h('h2', {}, 'Reply'), msg, h('p', {}, internal, ' ', h('label', { for: 'internal' }, 'Internal note (not shown to the customer)')),
  h('button', { type: 'submit' }, 'Send'));
  const st = field('Status', { tag: 'select', name: 'status', options: [[t.status, t.status.replace('_', ' ')], ...t.allowed_statuses.map((s) => [s, s.replace('_', ' ')])] });
  const pr = field('Priority', { tag: 'select', name: 'priority', options: ['low', 'medium', 'high', 'urgent'].map((x) => [x, x]) });
  pr.input.value = t.priority;
  const change = h('form', { class: 'card', id: 'ticket-status', onsubmit: (e) => {
    e.preventDefault();
    const body = {};
    if (st.input.value !== t.status) body.status = st.input.value;
    if (pr.input.value !== t.priority) body.priority = pr.input.value;
    act(() => api(`crm/tickets/${id}`, { method: 'PATCH', session, headers: { 'If-Match': etag }, body }));
  } }, h('h2', {}, 'Status'), st, pr, h('button', { type: 'submit' }, 'Save'));
  const mine = session.get().me.id;
  return [h('p', {}, h('a', { href: '#/tickets' }, '← Tickets')),
    h('h1', {}, `#${t.id} ${t.subject} `, badge(t.status), ' ', badge(t.priority)), out,
    h('p', { class: 'muted' }, `${t.customer.name} <${t.customer.email}> · opened ${when(t.created_at)} · assignee ${t.assignee || 'none'} `,
      t.assignee_id === mine ? null : h('button', { class: 'secondary', type: 'button', onclick: () => act(() => api(`crm/tickets/${id}/assign`, { method: 'POST', session, body: { assignee_id: mine } })) }, 'Assign to me')),
    t.description ? h('p', {}, t.description) : null,
    h('div', { class: 'two' },
      h('div', {}, h('div', { class: 'chat card', id: 'messages' }, t.messages.map((m) => h('div', { class: `msg ${m.sender_type}${m.internal ? ' internal' : ''}` },
        h('strong', {}, m.internal ? 'Internal note' : m.sender_type === 'agent' ? `Agent ${m.author || ''}` : 'Customer'), ` · ${when(m.created_at)}\n${m.message}`))), reply),
      change)];
}
