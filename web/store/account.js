// Account: register, verify through the mailed link, sign in, reset the password; then the
// customer's orders and tickets.
import { api, signIn, signOut } from '../shared/api.js';
import { h, money, when, notice, errorText, field, badge } from '../shared/ui.js';
import { session } from './app.js';

const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

/** Sign-in form; after signing in, runs then() (default: show the account). */
function signInForm(then = rerender) {
  const email = field('Email', { type: 'email', name: 'email', required: true, autocomplete: 'username' });
  const pw = field('Password', { type: 'password', name: 'password', required: true, autocomplete: 'current-password' });
  const out = h('div', { 'aria-live': 'polite' });
  return h('form', { class: 'card', id: 'sign-in', onsubmit: async (e) => {
    e.preventDefault();
    try { await signIn(session, email.input.value, pw.input.value); then(); } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, h('h2', {}, 'Sign in'), email, pw, h('button', { type: 'submit' }, 'Sign in'), out);
}

function registerForm() {
  const name = field('Name', { name: 'name', required: true, autocomplete: 'name', maxlength: '200' });
  const email = field('Email', { type: 'email', name: 'email', required: true, autocomplete: 'email', maxlength: '254' });
  const pw = field('Password (12 characters or more)', { type: 'password', name: 'password', required: true, minlength: '12', maxlength: '128', autocomplete: 'new-password' });
  const out = h('div', { 'aria-live': 'polite' });
  return h('form', { class: 'card', id: 'register', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('auth/register', { method: 'POST', body: { name: name.input.value, email: email.input.value, password: pw.input.value } });
      out.replaceChildren(notice('ok', `We sent a verification link to ${email.input.value}. Sign in, then open the link.`));
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, h('h2', {}, 'Create an account'), name, email, pw, h('button', { type: 'submit' }, 'Create account'), out);
}

function forgotForm() {
  const email = field('Email', { type: 'email', name: 'email', required: true, autocomplete: 'email' });
  const out = h('div', { 'aria-live': 'polite' });
  return h('form', { class: 'card', id: 'forgot', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('auth/password/forgot', { method: 'POST', body: { email: email.input.value } });
      out.replaceChildren(notice('ok', 'If an account has that email, a reset link is on its way.'));
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, h('h2', {}, 'Forgot your password?'), email, h('button', { type: 'submit', class: 'secondary' }, 'Email me a reset link'), out);
}

/** The account page: forms when signed out; profile, orders and tickets when signed in. */
export async function account() {
  const me = session.get()?.me;
  if (!me) return [h('h1', {}, 'Your account'), h('div', { class: 'grid' }, signInForm(), registerForm(), forgotForm())];
  const [orders, tickets] = await Promise.all([api('orders?limit=20', { session }), api('tickets?limit=20', { session })]);
  const out = h('div', { 'aria-live': 'polite' });
  const verifyNote = me.email_verified ? null : h('div', {}, notice('info', 'Your email is not verified yet: open the link we mailed you to see your orders and open tickets.'),
    h('button', { class: 'secondary', type: 'button', onclick: async () => {
      try { await api('auth/verify/resend', { method: 'POST', session }); out.replaceChildren(notice('ok', 'A new link is on its way.')); } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
    } }, 'Send the link again'));
  return [h('h1', {}, `Hello, ${me.name}`),
    h('p', { class: 'muted' }, me.email, ' · ', h('button', { class: 'secondary', type: 'button', onclick: async () => { await signOut(session); rerender(); } }, 'Sign out')),
    verifyNote, out,
    h('h2', {}, 'Your orders'),
    orders.data.items.length ? h('table', { id: 'my-orders' }, h('thead', {}, h('tr', {}, ['Order', 'Placed', 'Status', 'Tracking', 'Total'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, orders.data.items.map((o) => h('tr', {}, h('td', {}, h('a', { href: `#/order/${o.id}` }, `#${o.id}`)), h('td', {}, when(o.created_at)),
        h('td', {}, badge(o.status)), h('td', {}, o.tracking_number || ''), h('td', {}, money(o.total)))))) : h('p', { class: 'muted' }, 'No orders yet.'),
    h('h2', {}, 'Support tickets'),
    tickets.data.items.length ? h('table', { id: 'my-tickets' }, h('thead', {}, h('tr', {}, ['Ticket', 'Status', 'Priority', 'Messages', 'Updated'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, tickets.data.items.map((t) => h('tr', {}, h('td', {}, h('a', { href: `#/tickets/${t.id}` }, t.title)), h('td', {}, badge(t.status)),
        h('td', {}, t.priority), h('td', {}, t.message_count), h('td', {}, when(t.updated_at)))))) : h('p', { class: 'muted' }, 'No tickets.'),
    me.customer_id ? newTicketForm() : null];
}

function newTicketForm() {
  const title = field('Subject', { name: 'title', required: true, maxlength: '200' });
  const msg = field('Message', { tag: 'textarea', name: 'message', required: true, maxlength: '4000' });
  const prio = field('Priority', { tag: 'select', name: 'priority', options: [['medium', 'Medium'], ['low', 'Low'], ['high', 'High'], ['urgent', 'Urgent']] });
  const out = h('div', { 'aria-live': 'polite' });
  return h('form', { class: 'card', id: 'new-ticket', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const { data } = await api('tickets', { method: 'POST', session, body: { title: title.input.value, message: msg.input.value, priority: prio.input.value } });
      location.hash = `#/tickets/${data.id}`;
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, h('h2', {}, 'Ask for help'), title, msg, prio, h('button', { type: 'submit' }, 'Open ticket'), out);
}

/** One of the customer's tickets with its conversation and a reply form. */
export async function ticket(id) {
  if (!session.token) return [h('h1', {}, 'Ticket'), signInForm()];
  const { data: t } = await api(`tickets/${id}`, { session });
  const msg = field('Your reply', { tag: 'textarea', name: 'message', required: true, maxlength: '4000' });
  const out = h('div', { 'aria-live': 'polite' });
  return [h('p', {}, h('a', { href: '#/account' }, '← Your account')), h('h1', {}, t.title, ' ', badge(t.status)),
    h('div', { class: 'chat card', id: 'ticket-messages' }, t.messages.map((m) => h('div', { class: `msg ${m.sender_type}` },
      h('strong', {}, m.sender_type === 'agent' ? 'Support' : 'You'), ` · ${when(m.created_at)}\n${m.message}`))),
    t.status === 'closed' ? notice('info', 'This ticket is closed.') : h('form', { class: 'card', onsubmit: async (e) => {
      e.preventDefault();
      try { await api(`tickets/${id}/messages`, { method: 'POST', session, body: { message: msg.input.value } }); rerender(); } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
    } }, msg, h('button', { type: 'submit' }, 'Send'), out)];
}

/** The mailed verification link: signs in first when needed, then verifies. */
export async function verify(token) {
  if (!token) return [h('h1', {}, 'Verify your email'), notice('error', 'This link has no token.')];
  if (!session.token) return [h('h1', {}, 'Verify your email'), notice('info', 'Sign in to finish verifying your email.'), signInForm(rerender)];
  try {
    await api('auth/verify', { method: 'POST', session, body: { token } });
    const me = await api('auth/me', { session });
    session.set({ ...session.get(), me: me.data });
    return [h('h1', {}, 'Email verified'), notice('ok', 'Thank you: your account now shows your orders and tickets.'), h('p', {}, h('a', { href: '#/account' }, 'Go to your account'))];
  } catch (e) {
    return [h('h1', {}, 'Verify your email'), notice('error', errorText(e))];
  }
}

/** The mailed password reset link: a new password form. */
export async function reset(token) {
  const pw = field('New password (12 characters or more)', { type: 'password', name: 'password', required: true, minlength: '12', maxlength: '128', autocomplete: 'new-password' });
  const out = h('div', { 'aria-live': 'polite' });
  return [h('h1', {}, 'Choose a new password'), h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('auth/password/reset', { method: 'POST', body: { token, password: pw.input.value } });
      await signOut(session);
      out.replaceChildren(notice('ok', 'Your password is changed. Sign in with it now.'), h('p', {}, h('a', { href: '#/account' }, 'Sign in')));
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, pw, h('button', { type: 'submit' }, 'Set password'), out)];
}
