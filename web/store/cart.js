// The cart, checkout with a coupon, and the order page.
import { api } from '../shared/api.js';
import { h, money, when, notice, errorText, field, badge } from '../shared/ui.js';
import { session, store } from './app.js';

/** The cart with quantities, a coupon preview and the checkout form. */
export async function cart() {
  if (!store.cartId) return [h('h1', {}, 'Your cart'), notice('info', 'Your cart is empty.'), h('p', {}, h('a', { href: '#/' }, 'Browse the shop'))];
  let c;
  try { c = (await api(`carts/${store.cartId}`)).data; } catch (e) {
    if (e.status === 404) { store.cartId = ''; return cart(); }
    throw e;
  }
  const out = h('div', { 'aria-live': 'polite' });
  const refresh = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const lines = c.items.map((it) => {
    const q = h('input', { type: 'number', min: '1', max: '20', value: String(it.quantity), 'aria-label': `Quantity of ${it.name}`, class: 'qty' });
    return h('tr', {},
      h('td', {}, h('a', { href: `#/p/${it.product_id}` }, it.name), it.available ? null : h('span', { class: 'badge s-cancelled' }, ' unavailable')),
      h('td', {}, money(it.unit_price)),
      h('td', {}, q, ' ', h('button', { class: 'secondary', type: 'button', onclick: async () => {
        try { await api(`carts/${c.cart_id}/items/${it.id}`, { method: 'PATCH', body: { quantity: Number(q.value) } }); refresh(); } catch (e) { out.replaceChildren(notice('error', errorText(e))); }
      } }, 'Update')),
      h('td', {}, money(it.line_total)),
      h('td', {}, h('button', { class: 'secondary', type: 'button', onclick: async () => {
        await api(`carts/${c.cart_id}/items/${it.id}`, { method: 'DELETE' }); refresh();
      } }, 'Remove')));
  });
  if (!c.items.length) return [h('h1', {}, 'Your cart'), notice('info', 'Your cart is empty.'), h('p', {}, h('a', { href: '#/' }, 'Browse the shop'))];
  const me = session.get()?.me;
  const coupon = field('Coupon code', { name: 'coupon', autocomplete: 'off', maxlength: '50' });
  const preview = h('div', { 'aria-live': 'polite' });
  const name = field('Full name', { name: 'name', required: true, autocomplete: 'name', value: me?.name || '', maxlength: '200' });
  const email = field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'email', value: me?.email || '', maxlength: '254' });
  const address = field('Shipping address', { tag: 'textarea', name: 'address', required: true, rows: 2, maxlength: '500' });
  const pay = field('Payment', { tag: 'select', name: 'payment', options: [['card', 'Card'], ['paypal', 'PayPal'], ['bank_transfer', 'Bank transfer'], ['invoice', 'Invoice']] });
  const check = h('button', { class: 'secondary', type: 'button', onclick: async () => {
    try {
      const { data } = await api('coupons/validate', { method: 'POST', body: { code: coupon.input.value.trim(), subtotal: c.subtotal } });
      preview.replaceChildren(notice('ok', `${data.code}: ${data.description} — discount ${money(data.discount)}, shipping ${money(data.shipping_cost)}, total ${money(data.total)}`));
    } catch (e) { preview.replaceChildren(notice('error', errorText(e))); }
  } }, 'Apply coupon');
  // One idempotency key per cart and attempt: a double click or a retry answers the same order.
  const key = `web-${c.cart_id}`;
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const body = { cart_id: c.cart_id, customer: { name: name.input.value, email: email.input.value },
        shipping_address: address.input.value, payment_method: pay.input.value };
      if (coupon.input.value.trim()) body.coupon_code = coupon.input.value.trim();
      const { data } = await api('checkout', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
      if (data.order_token) store.keepOrderToken(data.order.id, data.order_token);
      store.cartId = '';
      location.hash = `#/order/${data.order.id}`;
    } catch (err) {
      btn.disabled = false;
      out.replaceChildren(notice('error', errorText(err)));
    }
  } }, h('h2', {}, 'Checkout'), h('div', { class: 'row' }, coupon, h('div', { class: 'field' }, check)), preview, name, email, address, pay,
  h('button', { type: 'submit' }, 'Place order'));
  return [h('h1', {}, 'Your cart'),
    h('table', {}, h('caption', { class: 'sr-only' }, 'Cart lines'),
      h('thead', {}, h('tr', {}, ['Product', 'Price', 'Quantity', 'Total', ''].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, lines)),
    h('p', { class: 'price' }, `Subtotal ${money(c.subtotal)}`),
    h('p', { class: 'muted' }, 'Shipping is free from $5,000.00 before discount, else $149.00.'),
    out, form];
}

/** An order: with its token (kept at checkout or from the mailed link), or the signed-in owner's. */
export async function order(id, linkToken) {
  if (linkToken) store.keepOrderToken(id, linkToken);
  const token = store.orderToken(id);
  let o;
  if (token) o = (await api(`orders/${id}`, { headers: { 'X-Order-Token': token } })).data;
  else if (session.token) o = (await api(`account/orders/${id}`, { session })).data;
  else return [h('h1', {}, `Order ${id}`), notice('info', 'Sign in, or open the link from your confirmation email, to see this order.')];
  const s = o.shipment;
  return [h('h1', {}, `Order ${o.id} `, badge(o.status)),
    h('div', { class: 'two' },
      h('section', { class: 'card' }, h('h2', {}, 'Items'),
        h('table', {}, h('thead', {}, h('tr', {}, ['Product', 'Qty', 'Total'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, o.items.map((it) => h('tr', {}, h('td', {}, it.name), h('td', {}, it.quantity), h('td', {}, money(it.line_total)))))),
        h('p', {}, `Subtotal ${money(o.subtotal)} · discount ${money(o.discount)}${o.coupon_code ? ` (${o.coupon_code})` : ''} · shipping ${money(o.shipping_cost)}`),
        h('p', { class: 'price', id: 'order-total' }, `Total ${money(o.total)}`),
        h('p', { class: 'muted' }, `Placed ${when(o.created_at)} · payment ${o.payment_status}`)),
      s ? h('section', { class: 'card', id: 'shipment' }, h('h2', {}, 'Shipment'),
        h('p', {}, badge(s.status), ` ${s.carrier || ''} · tracking ${s.tracking_number}`),
        s.estimated_delivery ? h('p', { class: 'muted' }, `Estimated delivery ${when(s.estimated_delivery)}`) : null,
        h('ol', {}, (s.history || s.events || []).map((ev) => h('li', {}, `${ev.status} — ${ev.location || ''} ${ev.note || ''} (${when(ev.created_at)})`)))) : null),
    h('p', {}, h('a', { href: '#/account' }, 'Your orders and tickets'))];
}
