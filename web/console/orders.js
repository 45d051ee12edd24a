// Orders: the backlog with filters, an order's detail with its transitions and shipment updates.
import { api } from '../shared/api.js';
import { h, money, when, notice, errorText, field, badge } from '../shared/ui.js';
import { session, refresh } from './app.js';
import { pagedTable, filterTo, hashQuery } from './list.js';

const statuses = ['', 'pending', 'payment_pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded'];

/** The order list: status, backlog (stale pending/processing) and suspicious filters. */
export async function orders() {
  const q = hashQuery();
  const status = field('Status', { tag: 'select', name: 'status', options: statuses.map((s) => [s, s || 'Any status']) });
  status.input.value = q.get('status') || '';
  const backlog = field('Backlog only', { tag: 'select', name: 'backlog', options: [['', 'No'], ['true', 'Yes: older than 30 minutes']] });
  backlog.input.value = q.get('backlog') || '';
  const suspicious = field('Suspicious', { tag: 'select', name: 'suspicious', options: [['', 'Any'], ['true', 'Totals ≥ $50,000']] });
  suspicious.input.value = q.get('suspicious') || '';
  const form = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); filterTo('#/orders', form); } },
    status, backlog, suspicious, h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Filter')));
  const p = new URLSearchParams({ limit: '25' });
  for (const k of ['status', 'backlog', 'suspicious']) if (q.get(k)) p.set(k, q.get(k));
  const table = await pagedTable(`crm/orders?${p}`, ['Order', 'Customer', 'Status', 'Shipment', 'Total', 'Placed', 'Flags'], (o) => [
    h('a', { href: `#/orders/${o.id}` }, `#${o.id}`), o.customer_name, badge(o.status), o.shipment_status ? badge(o.shipment_status) : '',
    money(o.total), when(o.created_at), [o.backlog ? 'backlog ' : '', o.suspicious ? 'suspicious' : ''].join('')], { id: 'orders', caption: 'Orders' });
  return [h('h1', {}, 'Orders'), form, table];
}

/** One order: items, payment, shipment events, history; transitions and shipment updates by permission. */
export async function orderDetail(id) {
  const { data: o, headers } = await api(`crm/orders/${id}`, { session });
  const etag = headers.get('ETag');
  const out = h('div', { 'aria-live': 'polite' });
  const act = async (fn) => { try { await fn(); refresh(); } catch (e) { out.replaceChildren(notice('error', errorText(e))); } };
  const s = o.shipment;
  let transitions = null;
  if (session.can('crm.orders.transition') && o.allowed_transitions.length) {
    const reason = field('Reason (optional)', { name: 'reason', maxlength: '500' });
    transitions = h('section', { class: 'card', id: 'transitions' }, h('h2', {}, 'Move the order'), reason,
      h('div', { class: 'row' }, o.allowed_transitions.map((to) => h('button', { type: 'button', class: to === 'cancelled' || to === 'refunded' ? 'danger' : '',
        onclick: () => act(() => api(`crm/orders/${id}/transitions`, { method: 'POST', session, body: { to, reason: reason.input.value || undefined } })) }, `Mark ${to}`))));
  }
  let ship = null;
  if (s && session.can('crm.shipments.write') && s.allowed_statuses.length) {
    const st = field('New status', { tag: 'select', name: 'status', options: s.allowed_statuses.map((x) => [x, x.replace('_', ' ')]) });
    const carrier = field('Carrier', { name: 'carrier', value: s.carrier || '', maxlength: '50' });
    const loc = field('Location', { name: 'location', maxlength: '100' });
    ship = h('form', { class: 'card', id: 'ship', onsubmit: (e) => {
      e.preventDefault();
      act(() => api(`crm/shipments/${s.id}`, { method: 'PATCH', session, headers: { 'If-Match': etag },
        body: { status: st.input.value, carrier: carrier.input.value || undefined, location: loc.input.value || undefined } }));
    } }, h('h2', {}, 'Update the shipment'), st, carrier, loc, h('button', { type: 'submit' }, 'Update shipment'));
  }
  return [h('p', {}, h('a', { href: '#/orders' }, '← Orders')),
    h('h1', {}, `Order #${o.id} `, badge(o.status)), out,
    h('div', { class: 'two' },
      h('section', { class: 'card' }, h('h2', {}, 'Items'),
        h('table', {}, h('thead', {}, h('tr', {}, ['Product', 'Qty', 'Unit', 'Total'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, o.items.map((it) => h('tr', {}, h('td', {}, it.name), h('td', {}, it.quantity), h('td', {}, money(it.unit_price)), h('td', {}, money(it.line_total)))))),
        h('p', {}, `Subtotal ${money(o.subtotal)} · discount ${money(o.discount)}${o.coupon_code ? ` (${o.coupon_code})` : ''} · shipping ${money(o.shipping_cost)} · `, h('strong', {}, `total ${money(o.total)}`)),
        h('p', { class: 'muted' }, `Payment ${o.payment.method}, ${o.payment.status} · placed ${when(o.created_at)} · trace ${o.trace_id || '—'}`)),
      h('section', { class: 'card' }, h('h2', {}, 'Customer'), h('p', {}, o.customer.name), h('p', { class: 'muted' }, o.customer.email), h('p', {}, o.shipping_address))),
    s ? h('section', { class: 'card', id: 'shipment' }, h('h2', {}, 'Shipment '), h('p', {}, badge(s.status), ` ${s.carrier || ''} · ${s.tracking_number} · ${s.weight_kg} kg`),
      h('ol', {}, s.events.map((ev) => h('li', {}, `${ev.status} — ${ev.location || ''} ${ev.note || ''} (${when(ev.created_at)})`)))) : null,
    transitions, ship,
    o.status_history.length ? h('section', { class: 'card' }, h('h2', {}, 'Status history'),
      h('ol', {}, o.status_history.map((x) => h('li', {}, `${x.from_status || x.from || ''} → ${x.to_status || x.to || ''} ${x.reason || ''} (${when(x.created_at)})`)))) : null];
}
