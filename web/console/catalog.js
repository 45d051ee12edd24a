// The admin catalog: products, coupons, shops, services and warehouses, the admin-catalog function's
// routes (admin only). Each has a searchable keyset-paged list, a create form and an edit form that
// sends only the changed fields with If-Match (the ETag of the read); a product can also be archived
// (withdrawn from the storefront and every cart) or, when no order references it, deleted.
import { api } from '../shared/api.js';
import { h, mount, badge, money, notice, errorText } from '../shared/ui.js';
import { session, refresh } from './app.js';
import { orMissing, pagedTable, filterTo, hashQuery } from './list.js';
import { cell } from './generic.js';
import { inputs, writeError } from './form.js';
import { resources } from './catalog-fields.js';

/** A one-shot message for the next page shown (after a write that navigates). */
let flash = null;
const takeFlash = () => { const f = flash; flash = null; return f ? notice('ok', f) : null; };

/** active, inactive or archived. */
const status = (it) => (it.archived_at ? 'archived' : it.is_active ? 'active' : 'inactive');

/** The catalog's own navigation between its five lists. */
function tabs(current) {
  return h('nav', { class: 'tabs', 'aria-label': 'Catalog' }, Object.entries(resources).map(([key, r]) =>
    h('a', { href: `#/catalog/${key}`, 'aria-current': key === current ? 'page' : false }, r.title)));
}

/** The resource of a route's key (the router only matches the five). */
const spec = (key) => resources[key];

/** A list: search (the function's q), the keyset-paged table and a link to the create form. */
export function catalogList(key) {
  const r = spec(key);
  return orMissing(r.title, async () => {
    const q = hashQuery();
    const search = h('input', { type: 'search', id: `${key}-q`, name: 'q', value: q.get('q') || '', placeholder: r.searchHint });
    const form = h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); filterTo(`#/catalog/${key}`, form); } },
      h('div', { class: 'field' }, h('label', { for: `${key}-q` }, 'Search'), search),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Search')));
    const p = new URLSearchParams({ limit: '25' });
    if (q.get('q')) p.set('q', q.get('q'));
    const table = await pagedTable(`admin/${key}?${p}`, [...r.columns.map((c) => c.replace(/_/g, ' ')), 'status'], (it) => [
      ...r.columns.map((c, i) => (i === 0 ? h('a', { href: `#/catalog/${key}/${it.id}` }, String(it[c])) : r.moneyCols?.includes(c) ? money(it[c]) : cell(c, it[c]))),
      badge(status(it))], { id: key, caption: r.title });
    return [tabs(key), h('div', { class: 'row spread' }, h('h1', {}, r.title), h('a', { class: 'button', href: `#/catalog/${key}/new` }, `New ${r.noun}`)),
      takeFlash(), form, table];
  });
}

/** The create form; on 201 the new record's page. */
export function catalogNew(key) {
  const r = spec(key);
  return orMissing(r.title, async () => {
    const out = h('div', { 'aria-live': 'polite' });
    const { elements, body, mark } = inputs(r.fields, null);
    const submit = h('button', { type: 'submit' }, `Create ${r.noun}`);
    const form = h('form', { class: 'card', id: `new-${r.noun}`, onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        const { data } = await api(`admin/${key}`, { method: 'POST', session, body: body() });
        flash = `${r.Noun} ${r.name(data)} created.`;
        location.hash = `#/catalog/${key}/${data.id}`;
      } catch (err) {
        out.replaceChildren(writeError(err, r.noun));
        mark(err);
      } finally { submit.disabled = false; }
    } }, elements, submit);
    return [tabs(key), h('p', {}, h('a', { href: `#/catalog/${key}` }, `← ${r.title}`)), h('h1', {}, `New ${r.noun}`), out, form];
  });
}

/** One record: its figures, the edit form (If-Match) and, for a product, archive and delete. */
export function catalogDetail(key, id) {
  const r = spec(key);
  return orMissing(r.Noun, async () => {
    let read;
    try { read = await api(`admin/${key}/${id}`, { session }); } catch (e) {
      // The function's own 404 names the record ("product not found"); the gateway's (no such route
      // on this deployment) goes to orMissing.
      if (e.status !== 404 || e.message !== `${r.noun} not found`) throw e;
      return [tabs(key), h('h1', {}, `${r.Noun} #${id}`), notice('info', `There is no ${r.noun} #${id}: it was deleted or never existed (${errorText(e)}).`),
        h('p', {}, h('a', { href: `#/catalog/${key}` }, `← ${r.title}`))];
    }
    const { data: rec, headers } = read;
    const etag = headers.get('ETag'); // without one (a proxy dropped it) the PATCH is 428, which writeError explains
    const out = h('div', { 'aria-live': 'polite' }, takeFlash());
    // A stale or version-less edit is offered a reload (which drops the edit); a 400 or 409 keeps it to correct.
    const fail = (err) => mount(out, writeError(err, r.noun), [404, 412, 428].includes(err.status)
      ? h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => refresh() }, `Reload the ${r.noun}`)) : null);
    const { elements, body, mark } = inputs(r.fields, rec);
    const save = h('button', { type: 'submit' }, 'Save changes');
    const form = h('form', { class: 'card', id: `edit-${r.noun}`, onsubmit: async (e) => {
      e.preventDefault();
      const changes = body();
      if (!Object.keys(changes).length) { out.replaceChildren(notice('info', 'Nothing changed: there is nothing to save.')); return; }
      save.disabled = true;
      try {
        await api(`admin/${key}/${id}`, { method: 'PATCH', session, headers: etag ? { 'If-Match': etag } : {}, body: changes });
        flash = `Saved: ${Object.keys(changes).join(', ').replace(/_/g, ' ')}.`;
        refresh();
      } catch (err) { fail(err); mark(err); } finally { save.disabled = false; }
    } }, h('h2', {}, `Edit the ${r.noun}`), elements, save);
    return [tabs(key), h('p', {}, h('a', { href: `#/catalog/${key}` }, `← ${r.title}`)),
      h('h1', {}, `${r.name(rec)} `, badge(status(rec))), out,
      h('dl', { class: 'card facts', id: `${r.noun}-facts` }, r.facts(rec).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      rec.archived_at ? notice('info', `Archived ${cell('archived_at', rec.archived_at)}: the storefront no longer lists it and it cannot be re-activated.`) : null,
      form, key === 'products' ? productActions(rec, fail) : null];
  });
}

/** Archive (unless archived) and delete, each behind a confirmation step. */
function productActions(p, fail) {
  const box = h('section', { class: 'card', id: 'product-actions' });
  const step = (label, text, kind, run) => h('button', { type: 'button', class: kind, onclick: () => {
    const yes = h('button', { type: 'button', class: kind, onclick: async () => {
      yes.disabled = true;
      try { await run(); } catch (err) { show(); fail(err); }
    } }, `Yes, ${label.toLowerCase()}`);
    box.replaceChildren(h('h2', {}, label), h('p', {}, text), h('div', { class: 'row' }, yes,
      h('button', { type: 'button', class: 'secondary', onclick: show }, 'Cancel')));
    yes.focus();
  } }, label);
  const show = () => box.replaceChildren(h('h2', {}, 'Withdraw or remove'),
    h('p', { class: 'muted' }, p.orders ? `${p.orders} order(s) reference it: it can be archived, not deleted.` : 'No order references it yet.'),
    h('div', { class: 'row' },
      p.archived_at ? null : step('Archive product', `Archiving withdraws ${p.name} from the storefront and removes it from every open cart. Orders keep their lines. It cannot be re-activated.`, 'secondary', async () => {
        await api(`admin/products/${p.id}/archive`, { method: 'POST', session });
        flash = `${p.name} is archived: the storefront no longer lists it.`;
        refresh();
      }),
      step('Delete product', `Deleting removes ${p.name} for good, with its cart lines and reviews. A product that orders reference cannot be deleted: archive it.`, 'danger', async () => {
        await api(`admin/products/${p.id}`, { method: 'DELETE', session });
        flash = `${p.name} is deleted.`;
        location.hash = '#/catalog/products';
      })));
  show();
  return box;
}
