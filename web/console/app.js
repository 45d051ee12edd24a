// The staff console: a hash-routed single page. The signed-in account's scopes (from /api/auth/me,
// the same the gateway checks) decide which pages and actions are offered: a role never sees a
// page or a button its token would be refused.
import { Session, signIn, signOut } from '../shared/api.js';
import { h, mount, notice, errorText, field } from '../shared/ui.js';
import { orders, orderDetail } from './orders.js';
import { tickets, ticketDetail } from './tickets.js';
import { campaigns, campaignDetail, leads, leadDetail } from './marketing.js';
import { analytics } from './analytics.js';
import { audit, security } from './admin.js';
import { catalogList, catalogNew, catalogDetail } from './catalog.js';
import { lab } from './lab.js';

export const session = new Session('octo.console.session');

/** The console's pages: path, nav label (current: the path prefix it is current for), the scope it needs, the view. */
const pages = [
  { re: /^\/orders$/, nav: '#/orders', label: 'Orders', scope: 'crm.orders.read', view: () => orders() },
  { re: /^\/orders\/(\d+)$/, scope: 'crm.orders.read', view: (m) => orderDetail(m[1]) },
  { re: /^\/tickets$/, nav: '#/tickets', label: 'Tickets', scope: 'crm.support', view: () => tickets() },
  { re: /^\/tickets\/(\d+)$/, scope: 'crm.support', view: (m) => ticketDetail(m[1]) },
  { re: /^\/campaigns$/, nav: '#/campaigns', label: 'Campaigns', scope: 'marketing', view: () => campaigns() },
  { re: /^\/campaigns\/(\d+)$/, scope: 'marketing', view: (m) => campaignDetail(m[1]) },
  { re: /^\/leads$/, nav: '#/leads', label: 'Leads', scope: 'marketing', view: () => leads() },
  { re: /^\/leads\/(\d+)$/, scope: 'marketing', view: (m) => leadDetail(m[1]) },
  { re: /^\/analytics$/, nav: '#/analytics', label: 'Analytics', scope: 'analytics', view: () => analytics() },
  { re: /^\/catalog\/(products|coupons|shops|services|warehouses)$/, nav: '#/catalog/products', current: '/catalog/', label: 'Catalog', scope: 'admin', view: (m) => catalogList(m[1]) },
  { re: /^\/catalog\/(products|coupons|shops|services|warehouses)\/new$/, scope: 'admin', view: (m) => catalogNew(m[1]) },
  { re: /^\/catalog\/(products|coupons|shops|services|warehouses)\/(\d+)$/, scope: 'admin', view: (m) => catalogDetail(m[1], m[2]) },
  { re: /^\/audit$/, nav: '#/audit', label: 'Audit', scope: 'admin', view: () => audit() },
  { re: /^\/security$/, nav: '#/security', label: 'Security', scope: 'admin', view: () => security() },
  { re: /^\/lab$/, nav: '#/lab', label: 'Query lab', scope: 'ops', view: () => lab() },
];

/** The pages the signed-in account may open. */
export const allowed = () => pages.filter((p) => session.can(p.scope));

function signInPage() {
  const email = field('Email', { type: 'email', name: 'email', required: true, autocomplete: 'username' });
  const pw = field('Password', { type: 'password', name: 'password', required: true, autocomplete: 'current-password' });
  const out = h('div', { 'aria-live': 'polite' });
  return [h('h1', {}, 'Staff sign in'), h('form', { class: 'card', id: 'sign-in', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const me = await signIn(session, email.input.value, pw.input.value);
      if (!me.scope.includes('staff')) {
        await signOut(session);
        out.replaceChildren(notice('error', 'This console is for staff accounts; shoppers use the storefront.'));
        return;
      }
      location.hash = allowed()[0]?.nav || '#/';
      render();
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, email, pw, h('button', { type: 'submit' }, 'Sign in'), out)];
}

function home() {
  const me = session.get().me;
  return [h('h1', {}, `Welcome, ${me.name}`), h('p', {}, `Role: ${me.role}. Your pages:`),
    h('ul', {}, allowed().filter((p) => p.nav).map((p) => h('li', {}, h('a', { href: p.nav }, p.label))))];
}

let rendering = 0; // the newest render: a slower earlier view never replaces a newer one

async function render() {
  const seq = ++rendering;
  const main = document.getElementById('main');
  const me = session.get()?.me;
  const path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  mount(document.getElementById('nav'), me ? allowed().filter((p) => p.nav).map((p) =>
    h('a', { href: p.nav, 'aria-current': path.startsWith(p.current || p.nav.slice(1)) ? 'page' : false }, p.label)) : []);
  mount(document.getElementById('who'), me ? [h('span', {}, `${me.name} (${me.role}) `),
    h('button', { class: 'secondary', type: 'button', onclick: async () => { await signOut(session); location.hash = '#/'; render(); } }, 'Sign out')] : []);
  if (!me) { mount(main, signInPage()); return; }
  const page = pages.find((p) => p.re.test(path));
  let view;
  try {
    if (!page) view = home();
    else if (!session.can(page.scope)) view = [h('h1', {}, 'Not available'), notice('info', `Your role (${me.role}) does not include this page.`)];
    else view = await page.view(path.match(page.re));
  } catch (e) {
    if (e.status === 401) { await signOut(session); view = signInPage(); } else view = [h('h1', {}, 'Something went wrong'), notice('error', errorText(e))];
  }
  if (seq !== rendering) return;
  mount(main, view);
}

/** Re-renders the current page (after a write). */
export const refresh = () => render();

window.addEventListener('hashchange', render);
render();
