// The storefront: a hash-routed single page (works from any static host, Object Storage included).
// Each view is a function of the route that renders into <main>; every navigation sends a page view
// with navigator.sendBeacon.
import { api, beacon, Session } from '../shared/api.js';
import { h, mount, notice, errorText } from '../shared/ui.js';
import { browse, product } from './catalog.js';
import { cart, order } from './cart.js';
import { account, verify, reset, ticket } from './account.js';
import { assistant } from './assistant.js';

export const session = new Session('octo.store.session');

/** The visitor's page-view session id: random, per browser tab. */
const visit = sessionStorage.getItem('octo.visit') || crypto.randomUUID().replace(/-/g, '');
sessionStorage.setItem('octo.visit', visit);

/** The stored cart id (the cart's only credential), and small helpers shared by the views. */
export const store = {
  get cartId() { return localStorage.getItem('octo.cart') || ''; },
  set cartId(v) { if (v) localStorage.setItem('octo.cart', v); else localStorage.removeItem('octo.cart'); },
  orderToken(id) { return JSON.parse(localStorage.getItem('octo.orders') || '{}')[id] || ''; },
  keepOrderToken(id, token) {
    const m = JSON.parse(localStorage.getItem('octo.orders') || '{}');
    m[id] = token;
    localStorage.setItem('octo.orders', JSON.stringify(m));
  },
  async ensureCart() {
    if (this.cartId) return this.cartId;
    const { data } = await api('carts', { method: 'POST' });
    this.cartId = data.cart_id;
    return data.cart_id;
  },
};

const routes = [
  [/^\/$/, () => browse()],
  [/^\/p\/(\d+)$/, (m) => product(m[1])],
  [/^\/cart$/, () => cart()],
  [/^\/order\/(\d+)$/, (m, q) => order(m[1], q.get('token'))],
  [/^\/account$/, () => account()],
  [/^\/verify$/, (m, q) => verify(q.get('token'))],
  [/^\/reset$/, (m, q) => reset(q.get('token'))],
  [/^\/tickets\/(\d+)$/, (m) => ticket(m[1])],
  [/^\/assistant$/, () => assistant()],
];

let firstView = true;
let rendering = 0; // the newest render: a slower earlier view never replaces a newer one

async function render() {
  const seq = ++rendering;
  const main = document.getElementById('main');
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  const q = new URLSearchParams(query);
  const start = performance.now();
  for (const a of document.querySelectorAll('header nav a')) {
    if (a.getAttribute('href') === `#${path}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.getElementById('nav-account').textContent = session.get()?.me ? `Account (${session.get().me.name})` : 'Account';
  const hit = routes.find(([re]) => re.test(path));
  let view;
  try {
    view = hit ? await hit[1](path.match(hit[0]), q) : [h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the shop'))];
  } catch (e) {
    view = [h('h1', {}, 'Something went wrong'), notice('error', errorText(e))];
  }
  if (seq !== rendering) return;
  mount(main, view);
  // The first view counts the whole page load; later ones the view's own rendering.
  const ms = firstView ? performance.now() : performance.now() - start;
  firstView = false;
  beacon(`/store${path}`, visit, ms);
}

window.addEventListener('hashchange', render);
render();
