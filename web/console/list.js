// A keyset-paged table for the console's lists, and the clean answer for a route not deployed.
import { api } from '../shared/api.js';
import { h, notice } from '../shared/ui.js';
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
 * Runs view(); when the route answers 404 not_found (its function is not deployed here yet) the page
 * says so instead of failing.
 */
export async function orMissing(what, view) {
  try {
    return await view();
  } catch (e) {
    if (e.status === 404) {
      return [h('h1', {}, what), notice('info', `${what} is not available on this deployment yet: the API answered 404 for it. The page will work once its function is deployed.`)];
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
