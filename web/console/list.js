// A keyset-paged table for the console's lists, and the clean answer for a route not deployed.
import { api } from '../shared/api.js';
import { h, notice, errorText } from '../shared/ui.js';
import { session } from './app.js';

/**
 * A table of path's items: heads are the column titles, row(item) the cells. "More" follows
 * next_cursor. Resolves once the first page is in; throws the first page's ApiError.
 */
export async function pagedTable(path, heads, row, { id, caption } = {}) {
  const body = h('tbody');
  const more = h('button', { class: 'secondary', type: 'button' }, 'More');
  const table = h('table', { id }, caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))), body);
  const load = async (cursor) => {
    const sep = path.includes('?') ? '&' : '?';
    const { data } = await api(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path, { session });
    const items = data.items || [];
    body.append(...items.map((it) => h('tr', {}, row(it).map((c) => h('td', {}, c)))));
    if (!items.length && !cursor) body.append(h('tr', {}, h('td', { colspan: String(heads.length) }, 'Nothing here.')));
    more.hidden = !data.next_cursor;
    more.onclick = () => load(data.next_cursor);
  };
  await load();
  return h('div', {}, table, h('p', {}, more));
}

/**
 * Whether a 404 says the route itself is missing, i.e. its function is not deployed here: the local
 * gateway and a function's router answer "no route for <method> <path>", and OCI API Gateway answers
 * its own body, not the API's error shape (no code). A function's 404 for a record names the record
 * ("campaign not found") and is not this.
 */
export const routeMissing = (e) => e?.status === 404 && (!e.code || e.message.startsWith('no route for '));

/**
 * Runs view(); when its route is missing (routeMissing) the page says the function is not deployed
 * here yet, and when the function answers 404 for the record the page says there is no such record,
 * instead of failing.
 */
export async function orMissing(what, view) {
  try {
    return await view();
  } catch (e) {
    if (routeMissing(e)) {
      return [h('h1', {}, what), notice('info', `${what} is not available on this deployment yet: the API has no route for it. The page will work once its function is deployed.`)];
    }
    if (e.status === 404) {
      return [h('h1', {}, what), notice('info', `There is no such ${what.toLowerCase()}: it was deleted or never existed (${errorText(e)}).`)];
    }
    throw e;
  }
}

/** Sets a query string from a form's non-empty fields and navigates there. */
export function filterTo(base, form) {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
  location.hash = `${base}?${p}`;
}

/** The current hash's query parameters. */
export const hashQuery = () => new URLSearchParams(location.hash.split('?')[1] || '');
