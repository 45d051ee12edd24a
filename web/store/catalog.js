// Browse, search and filter the catalog; a product page with its reviews and a review form.
import { api } from '../shared/api.js';
import { h, money, when, notice, errorText, field } from '../shared/ui.js';
import { session, store } from './app.js';

const sorts = [['name', 'Name'], ['price', 'Price: low to high'], ['-price', 'Price: high to low'], ['newest', 'Newest'], ['rating', 'Rating']];

/** The catalog page: search, category and sort in the hash query, keyset "More" paging. */
export async function browse() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const cats = (await api('categories')).data.items;
  const search = field('Search', { type: 'search', name: 'q', value: q.get('q') || '', placeholder: 'mapping drone, battery…' });
  const cat = field('Category', { tag: 'select', name: 'category', options: [['', 'All categories'], ...cats.map((c) => [c.name, `${c.name} (${c.product_count})`])] });
  const sort = field('Sort by', { tag: 'select', name: 'sort', options: sorts });
  cat.input.value = q.get('category') || '';
  sort.input.value = q.get('sort') || 'name';
  const form = h('form', { class: 'row', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = `#/?${p}`;
  } }, search, cat, sort, h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Search')));
  const grid = h('div', { class: 'grid', id: 'products' });
  const more = h('button', { class: 'secondary', type: 'button' }, 'More products');
  const params = new URLSearchParams({ limit: '12', sort: sort.input.value });
  if (q.get('q')) params.set('q', q.get('q'));
  if (q.get('category')) params.set('category', q.get('category'));
  const load = async (cursor) => {
    if (cursor) params.set('cursor', cursor);
    const { data } = await api(`products?${params}`);
    grid.append(...data.items.map(card));
    if (!data.items.length && !cursor) grid.append(notice('info', 'No product matches that search.'));
    more.hidden = !data.next_cursor;
    more.onclick = () => load(data.next_cursor);
  };
  await load();
  return [h('h1', {}, 'Drones, payloads and parts'), form, grid, h('p', {}, more)];
}

function card(p) {
  return h('article', { class: 'card product' },
    h('div', { class: 'thumb', 'aria-hidden': 'true' }, p.category),
    h('h2', {}, h('a', { href: `#/p/${p.id}` }, p.name)),
    h('p', { class: 'muted' }, p.sku, ' · ', p.in_stock ? (p.low_stock ? `only ${p.stock} left` : 'in stock') : 'out of stock'),
    h('p', { class: 'price' }, money(p.price, p.currency)),
    p.rating_count ? h('p', { class: 'muted' }, `★ ${p.rating_avg.toFixed(1)} (${p.rating_count})`) : null);
}

/** One product: details, add to cart, reviews newest first and a review form. */
export async function product(id) {
  const [{ data: p }, { data: reviews }] = await Promise.all([api(`products/${id}`), api(`products/${id}/reviews?limit=20`)]);
  const status = h('div', { 'aria-live': 'polite' });
  const qty = field('Quantity', { type: 'number', name: 'quantity', min: '1', max: '20', value: '1' });
  const add = h('form', { class: 'row', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const cartId = await store.ensureCart();
      await api(`carts/${cartId}/items`, { method: 'POST', body: { product_id: p.id, quantity: Number(qty.input.value) } });
      status.replaceChildren(notice('ok', `${p.name} is in your cart.`), h('p', {}, h('a', { href: '#/cart' }, 'Go to the cart')));
    } catch (err) {
      if (err.status === 404 && store.cartId) store.cartId = '';
      status.replaceChildren(notice('error', errorText(err)));
    }
  } }, qty, h('div', { class: 'field' }, h('button', { type: 'submit', disabled: !p.in_stock }, p.in_stock ? 'Add to cart' : 'Out of stock')));
  return [
    h('p', {}, h('a', { href: '#/' }, '← All products')),
    h('div', { class: 'two' },
      h('section', { class: 'card' }, h('h1', {}, p.name), h('p', { class: 'muted' }, `${p.sku} · ${p.category}`),
        h('p', {}, p.description), h('p', { class: 'price' }, money(p.price, p.currency)),
        h('p', {}, p.in_stock ? `${p.stock} in stock` : 'Out of stock'), add, status),
      h('section', { class: 'card' }, h('h2', {}, 'Rating'),
        h('p', { class: 'price' }, reviews.review_count ? `★ ${Number(reviews.average_rating).toFixed(1)} of 5` : 'No reviews yet'),
        h('p', { class: 'muted' }, `${reviews.review_count} review${reviews.review_count === 1 ? '' : 's'}`))),
    h('h2', {}, 'Reviews'),
    reviews.items.length ? h('div', { class: 'grid' }, reviews.items.map((r) => h('article', { class: 'card' },
      h('h3', {}, `${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)} ${r.title || ''}`),
      h('p', {}, r.comment || ''), h('p', { class: 'muted' }, `${r.author_name || 'Customer'} · ${when(r.created_at)}${r.verified ? ' · verified purchase' : ''}`)))) : h('p', { class: 'muted' }, 'Be the first to review it.'),
    reviewForm(p.id),
  ];
}

function reviewForm(id) {
  const signedIn = !!session.get()?.me;
  const rating = field('Rating', { tag: 'select', name: 'rating', options: [['5', '5 – excellent'], ['4', '4'], ['3', '3'], ['2', '2'], ['1', '1 – poor']] });
  const title = field('Title', { name: 'title', maxlength: '200' });
  const comment = field('Comment', { tag: 'textarea', name: 'comment', maxlength: '2000' });
  const author = signedIn ? null : field('Your name', { name: 'author_name', required: true, maxlength: '100' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const body = { rating: Number(rating.input.value), title: title.input.value || undefined, comment: comment.input.value || undefined };
    if (author) body.author_name = author.input.value;
    try {
      await api(signedIn ? `account/products/${id}/reviews` : `products/${id}/reviews`, { method: 'POST', body, session: signedIn ? session : undefined });
      out.replaceChildren(notice('ok', 'Thank you: your review is published.'));
      form.reset();
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, h('h2', {}, 'Write a review'), rating, title, comment, author, h('button', { type: 'submit' }, 'Publish review'), out);
  return form;
}
