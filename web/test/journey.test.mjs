// The browser journeys against a fresh local stack in Debian's Chromium: a shopper registers,
// verifies through the mailed link, buys a drone with a coupon and opens a ticket; support ships
// the order and answers; the shopper sees both. Every main page gets a screenshot and an axe-core
// check (no serious or critical violation); each API call carries the page's traceparent, and the
// gateway logs the checkout under that trace id. Run by `make test-browser`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './stack.mjs';
import { launch, newPage, screenshot, seriousViolations } from './browser.mjs';

let stack;
let browser;
const errors = [];
const a11y = {};

before(async () => {
  stack = await startStack();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Screenshot and accessibility check of a main page, once the locator is visible. */
async function capture(page, name, ready) {
  await ready.first().waitFor();
  await screenshot(page, name);
  a11y[name] = await seriousViolations(page);
}

async function signInConsole(page, email, password) {
  await page.goto(`${stack.base}/console/`);
  await page.locator('#sign-in').getByLabel('Email').fill(email);
  await page.locator('#sign-in').getByLabel('Password').fill(password);
  await page.locator('#sign-in button').click();
  await page.locator('#who').getByText('Sign out').waitFor();
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/;
const shopper = { name: 'Pat Pilot', email: 'pat.pilot@example.com', password: 'a long passphrase for pat' };
let orderId;
let productId;
let checkoutTrace;

test('a shopper registers, verifies by the mailed link, buys a drone with a coupon and opens a ticket', async () => {
  const page = await newPage(browser, errors);
  await page.goto(`${stack.base}/`);
  await capture(page, 'index', page.getByRole('link', { name: 'Storefront' }));
  await page.getByRole('link', { name: 'Storefront' }).click();
  await capture(page, 'store-home', page.locator('#products article'));

  await page.goto(`${stack.base}/store/#/account`);
  const reg = page.locator('#register');
  await reg.getByLabel('Name').fill(shopper.name);
  await reg.getByLabel('Email').fill(shopper.email);
  await reg.getByLabel(/Password/).fill(shopper.password);
  await reg.getByRole('button', { name: 'Create account' }).click();
  await reg.getByText('We sent a verification link').waitFor();
  await capture(page, 'store-account', page.locator('#sign-in'));
  await page.locator('#sign-in').getByLabel('Email').fill(shopper.email);
  await page.locator('#sign-in').getByLabel('Password').fill(shopper.password);
  await page.locator('#sign-in button').click();
  await page.getByRole('heading', { name: `Hello, ${shopper.name}` }).waitFor();

  // The link in the mail, as the local stack delivers it (a file under the data directory).
  const link = await stack.mailLink(shopper.email, /https?:\/\/\S+\/account\/verify\?token=[A-Za-z0-9_-]+/);
  assert.ok(link, 'a verification mail with its link');
  await page.goto(link);
  await page.getByRole('heading', { name: 'Email verified' }).waitFor();

  // Search and filter, then the product page with its reviews.
  await page.goto(`${stack.base}/store/#/`);
  await page.getByLabel('Search').fill('mapping');
  await page.getByLabel('Category').selectOption('drones');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'OCTO Surveyor Q4 Mapping Quadcopter' }).click();
  await capture(page, 'store-product', page.getByRole('heading', { name: 'Reviews' }));
  productId = page.url().match(/#\/p\/(\d+)$/)[1];
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('is in your cart').waitFor();

  await page.goto(`${stack.base}/store/#/cart`);
  await page.getByLabel('Coupon code').fill('WELCOME10');
  await page.getByRole('button', { name: 'Apply coupon' }).click();
  await page.getByText('WELCOME10: 10% off').waitFor();
  await page.getByLabel('Shipping address').fill('1 Hangar Road, Springfield');
  await capture(page, 'store-cart', page.getByRole('button', { name: 'Place order' }));
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/#\/order\/\d+$/);
  orderId = page.url().match(/order\/(\d+)$/)[1];
  await capture(page, 'store-order', page.locator('#shipment'));
  // $6,499.00 - 10% = $5,849.10, shipping free from $5,000 before discount.
  assert.match(await page.locator('#order-total').textContent(), /\$5,849\.10/);

  // The checkout's trace: the page's traceparent, and the gateway logged it under the same trace id.
  const checkout = page.apiCalls.find((c) => c.method === 'POST' && c.url.endsWith('/api/checkout'));
  const tid = checkout.traceparent.match(TRACEPARENT)?.[1];
  assert.ok(tid, `checkout traceparent ${checkout.traceparent}`);
  checkoutTrace = tid;
  assert.ok(stack.requests().some((r) => r.method === 'POST' && r.path === '/api/checkout' && r.status === 201 && r.trace_id === tid),
    'the gateway logged the checkout under the page\'s trace id');
  const fetched = page.apiCalls.filter((c) => c.type === 'fetch');
  assert.ok(fetched.length > 5 && fetched.every((c) => TRACEPARENT.test(c.traceparent)), 'every fetch carries a traceparent');
  assert.equal(new Set(fetched.map((c) => c.traceparent)).size, fetched.length, 'one new traceparent per call');

  // A ticket about it.
  await page.goto(`${stack.base}/store/#/account`);
  await page.locator('#my-orders').getByRole('link', { name: `#${orderId}` }).waitFor();
  const form = page.locator('#new-ticket');
  await form.getByLabel('Subject').fill(`Delivery date for order ${orderId}`);
  await form.getByLabel('Message').fill('When will my Surveyor ship?');
  await form.getByRole('button', { name: 'Open ticket' }).click();
  await page.waitForURL(/#\/tickets\/\d+$/);

  await page.goto(`${stack.base}/store/#/assistant`);
  await page.getByLabel(/Ask about/).fill('Which drone is best for mapping?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.assistant').waitFor({ timeout: 60000 });
  await capture(page, 'store-assistant', page.locator('.msg.assistant'));
  assert.ok(stack.requests().some((r) => r.method === 'POST' && r.path === '/api/assistant/chat' && r.status === 200));
  await page.context().close();
});

test('support ships the order and answers the ticket; what support may not do is not offered', async () => {
  const page = await newPage(browser, errors);
  await page.goto(`${stack.base}/console/`);
  await capture(page, 'console-sign-in', page.locator('#sign-in'));
  await signInConsole(page, 'support@octo-drone-shop.example', 'OctoSupport!2026');
  const nav = page.locator('#nav');
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Orders', 'Tickets']);

  await page.goto(`${stack.base}/console/#/orders`);
  await capture(page, 'console-orders', page.locator('#orders tbody tr'));
  await page.locator('#orders').getByRole('link', { name: `#${orderId}`, exact: true }).click();
  await page.locator('#ship').waitFor();
  assert.equal(await page.locator('#transitions').count(), 0, 'support may not move orders: no transitions offered');
  await page.locator('#ship').getByLabel('New status').selectOption('shipped');
  await page.locator('#ship').getByLabel('Location').fill('Reno hub');
  await page.getByRole('button', { name: 'Update shipment' }).click();
  await page.locator('#shipment .badge', { hasText: 'shipped' }).waitFor();
  await capture(page, 'console-order', page.locator('#shipment'));
  // The checkout function stored the trace it ran in: the one the shopper's page started.
  assert.match(await page.locator('main').textContent(), new RegExp(`trace ${checkoutTrace}`));

  await page.goto(`${stack.base}/console/#/tickets`);
  await capture(page, 'console-tickets', page.locator('#tickets tbody tr'));
  await page.getByRole('link', { name: new RegExp(`Delivery date for order ${orderId}`) }).click();
  await page.locator('#reply').getByLabel('Message').fill('Your Surveyor left our Reno hub today.');
  await page.locator('#reply').getByRole('button', { name: 'Send' }).click();
  await page.locator('#messages').getByText('Your Surveyor left our Reno hub today.').waitFor();
  await capture(page, 'console-ticket', page.locator('#messages'));
  await page.goto(`${stack.base}/console/#/analytics`);
  await page.getByText('does not include this page').waitFor();
  // The admin catalog is neither offered nor opened by its address (and nothing is asked of its API).
  await page.goto(`${stack.base}/console/#/catalog/products`);
  await page.reload();
  await page.getByText('does not include this page').waitFor();
  assert.ok(!page.apiCalls.some((c) => c.url.includes('/api/admin/')), 'support\'s console never called /api/admin/');
  await page.context().close();
});

test('the shopper resets the password by the mailed link, then sees the shipment and the answer', async () => {
  const page = await newPage(browser, errors);
  // A new browser: the order confirmation's link alone shows the order (its token is in the link).
  const orderLink = await stack.mailLink(shopper.email, /https?:\/\/\S+\/orders\/\d+\?token=[A-Za-z0-9_-]+/);
  assert.ok(orderLink, 'the order confirmation links the order with its token');
  await page.goto(orderLink);
  await page.locator('#shipment .badge', { hasText: 'shipped' }).waitFor();

  await page.goto(`${stack.base}/store/#/account`);
  await page.locator('#forgot').getByLabel('Email').fill(shopper.email);
  await page.locator('#forgot').getByRole('button').click();
  await page.locator('#forgot').getByText('reset link is on its way').waitFor();
  const resetLink = await stack.mailLink(shopper.email, /https?:\/\/\S+\/account\/reset-password\?token=[A-Za-z0-9_-]+/);
  assert.ok(resetLink, 'a reset mail with its link');
  await page.goto(resetLink);
  shopper.password = 'a brand new passphrase for pat';
  await page.getByLabel(/New password/).fill(shopper.password);
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText('Your password is changed').waitFor();

  await page.goto(`${stack.base}/store/#/account`);
  await page.locator('#sign-in').getByLabel('Email').fill(shopper.email);
  await page.locator('#sign-in').getByLabel('Password').fill(shopper.password);
  await page.locator('#sign-in button').click();
  await page.locator('#my-orders').getByText('shipped').waitFor();
  await page.locator('#my-orders').getByRole('link', { name: `#${orderId}` }).click();
  await page.locator('#shipment .badge', { hasText: 'shipped' }).waitFor();
  // The reply's mail links the ticket in the account.
  const ticketLink = await stack.mailLink(shopper.email, /https?:\/\/\S+\/account\/tickets\/\d+/);
  assert.ok(ticketLink, 'the reply was mailed with a link to the ticket');
  await page.goto(ticketLink);
  await page.locator('#ticket-messages').getByText('Your Surveyor left our Reno hub today.').waitFor();
  await capture(page, 'store-ticket', page.locator('#ticket-messages'));

  // A signed-in review of the drone, shown newest first as a verified purchase.
  await page.goto(`${stack.base}/store/#/p/${productId}`);
  await page.getByLabel('Rating').selectOption('4');
  await page.getByLabel('Title').fill('Maps the whole farm');
  await page.getByRole('button', { name: 'Publish review' }).click();
  await page.getByText('your review is published').waitFor();
  await page.reload();
  await page.locator('article', { hasText: 'Maps the whole farm' }).getByText('verified purchase').waitFor();
  await page.context().close();
});

test('admin sees analytics charts, the query lab, campaigns, audit; other roles get their own pages', async () => {
  const page = await newPage(browser, errors);
  await signInConsole(page, 'admin@octo-drone-shop.example', 'OctoAdmin!2026');
  await page.goto(`${stack.base}/console/#/analytics`);
  await page.locator('#chart-revenue').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('canvas').length === 6 && window.Chart && Object.keys(window.Chart.instances).length === 6);
  await capture(page, 'console-analytics', page.locator('#chart-products'));
  await page.goto(`${stack.base}/console/#/lab`);
  await page.locator('form', { hasText: 'Inventory watch' }).getByRole('button', { name: 'Run' }).click();
  await page.locator('#lab-result table').waitFor();
  await capture(page, 'console-lab', page.locator('#runs'));
  // Built on other branches: a table when the route is deployed, a clear message when it answers 404.
  for (const hash of ['campaigns', 'leads', 'audit', 'security', 'campaigns/1', 'leads/1']) {
    await page.goto(`${stack.base}/console/#/${hash}`);
    await page.reload(); // a fresh load: the h1 waited for is this page's
    const h1 = await page.locator('main h1').first().textContent();
    assert.notEqual(h1, 'Something went wrong', `#/${hash}: ${await page.locator('main').textContent()}`);
    if (!hash.includes('/')) await capture(page, `console-${hash}`, page.locator('main h1'));
  }
  // A record that does not exist says so: the function's 404 is not a route that is not deployed.
  await page.goto(`${stack.base}/console/#/campaigns/999999`);
  await page.reload();
  await page.getByText('There is no such campaign').waitFor();
  assert.equal(await page.getByText('not available on this deployment').count(), 0);
  await page.context().close();

  const mkt = await newPage(browser, errors);
  await signInConsole(mkt, 'marketing@octo-drone-shop.example', 'OctoMarketing!2026');
  assert.deepEqual(await mkt.locator('#nav').getByRole('link').allTextContents(), ['Campaigns', 'Leads', 'Analytics']);
  await mkt.context().close();

  const ful = await newPage(browser, errors);
  await signInConsole(ful, 'fulfillment@octo-drone-shop.example', 'OctoFulfillment!2026');
  assert.ok(!(await ful.locator('#nav').getByRole('link').allTextContents()).includes('Catalog'), 'fulfillment is not offered the catalog');
  await ful.goto(`${stack.base}/console/#/orders/${orderId}`);
  await ful.locator('#transitions').getByRole('button', { name: 'Mark delivered' }).waitFor();
  await ful.context().close();
});

test('admin adds a product, edits it (a stale edit is refused), archives it (the storefront drops it) and deletes it; coupons and warehouses', async () => {
  const page = await newPage(browser, errors);
  await signInConsole(page, 'admin@octo-drone-shop.example', 'OctoAdmin!2026');
  await page.locator('#nav').getByRole('link', { name: 'Catalog' }).click();
  await capture(page, 'console-products', page.locator('#products tbody tr'));
  // Keyset paging: "More" appends the next page, no product twice.
  const skus = () => page.locator('#products tbody tr td:nth-child(2)').allTextContents();
  assert.equal((await skus()).length, 25);
  await page.getByRole('button', { name: 'More', exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('#products tbody tr').length > 25);
  assert.equal(new Set(await skus()).size, (await skus()).length, 'the second page repeats no product');
  await page.getByRole('link', { name: 'New product' }).click();
  const form = page.locator('#new-product');
  await form.getByLabel('Name').fill('OCTO Scout Mini Trainer');
  await form.getByLabel('SKU').fill('drn-mini-trn'); // lower case: refused, nothing created
  await form.getByLabel('Category').fill('drones');
  await form.getByLabel('Price').fill('899.00');
  await form.getByLabel('Stock').fill('25');
  await form.getByLabel('Description').fill('A small trainer quadcopter for first flights.');
  await form.getByRole('button', { name: 'Create product' }).click();
  await page.getByRole('alert').getByText(/sku must be upper-case/).waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Not saved: check the fields\..*invalid_request 400/);
  assert.equal(await form.getByLabel('SKU').getAttribute('aria-invalid'), 'true', 'the field the API named is marked');
  await capture(page, 'console-product-new', page.getByRole('alert'));
  await form.getByLabel('SKU').fill('DRN-MINI-TRN');
  await form.getByRole('button', { name: 'Create product' }).click();
  await page.waitForURL(/#\/catalog\/products\/\d+$/);
  const newProductId = page.url().match(/(\d+)$/)[1];
  await page.getByText('Product OCTO Scout Mini Trainer created.').waitFor();

  // The storefront lists it.
  const shop = await newPage(browser, errors);
  await shop.goto(`${stack.base}/store/#/?q=Mini+Trainer`);
  await shop.getByRole('link', { name: 'OCTO Scout Mini Trainer' }).waitFor();

  // Another admin opens it, then this one reprices it: the other's edit, made on the older read, is
  // refused (412) with a clear message and changes nothing.
  const other = await newPage(browser, errors);
  await signInConsole(other, 'admin@octo-drone-shop.example', 'OctoAdmin!2026');
  await other.goto(`${stack.base}/console/#/catalog/products/${newProductId}`);
  await other.locator('#edit-product').waitFor();
  const edit = page.locator('#edit-product');
  await edit.getByLabel('Price').fill('849.00');
  await edit.getByLabel('Stock').fill('30');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved: price, stock.').waitFor();
  assert.equal(await page.locator('#edit-product').getByLabel('Stock').inputValue(), '30');
  await capture(page, 'console-product', page.locator('#product-facts'));
  await other.locator('#edit-product').getByLabel('Stock').fill('0');
  await other.locator('#edit-product').getByRole('button', { name: 'Save changes' }).click();
  const stale = other.getByRole('alert');
  await stale.getByText(/Someone changed this product after you opened it/).waitFor();
  assert.match(await stale.textContent(), /precondition_failed 412/);
  await capture(other, 'console-product-stale', stale);
  await other.getByRole('button', { name: 'Reload the product' }).click();
  await other.locator('#product-facts').getByText('$849.00').waitFor();
  assert.equal(await other.locator('#edit-product').getByLabel('Stock').inputValue(), '30', 'the stale edit changed nothing');
  await other.context().close();

  // A product that orders reference cannot be deleted (409): the message says to archive it.
  // (Each goto waits for the new page's heading: a click must not land on the previous page's button.)
  await page.goto(`${stack.base}/console/#/catalog/products/${productId}`);
  await page.getByRole('heading', { name: 'OCTO Surveyor Q4 Mapping Quadcopter' }).waitFor();
  await page.getByRole('button', { name: 'Delete product' }).click();
  await page.getByRole('button', { name: 'Yes, delete product' }).click();
  assert.match(await page.getByRole('alert').textContent(), /archive it instead.*product_ordered 409/);

  // Archive the new one: the storefront's search and product page no longer show it.
  await page.goto(`${stack.base}/console/#/catalog/products/${newProductId}`);
  await page.getByRole('heading', { name: 'OCTO Scout Mini Trainer' }).waitFor();
  await page.getByRole('button', { name: 'Archive product' }).click();
  await page.getByRole('button', { name: 'Yes, archive product' }).click();
  await page.getByText('OCTO Scout Mini Trainer is archived').waitFor();
  await page.locator('main h1 .badge', { hasText: 'archived' }).waitFor();
  assert.equal(await page.locator('#edit-product').getByLabel('Active').isDisabled(), true, 'an archived product cannot be re-activated');
  await shop.goto(`${stack.base}/store/#/?q=Mini+Trainer`);
  await shop.reload();
  await shop.getByText('No product matches that search.').waitFor();
  await shop.goto(`${stack.base}/store/#/p/${newProductId}`);
  await shop.reload();
  await shop.locator('main').getByText(/404/).waitFor();
  await shop.context().close();
  // The admin list still has it, marked archived.
  await page.locator('nav.tabs').getByRole('link', { name: 'Products' }).click();
  await page.getByRole('search').getByLabel('Search').fill('Mini Trainer');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => location.hash.includes('q=Mini') && document.querySelectorAll('#products tbody tr').length === 1);
  await page.locator('#products tbody tr', { hasText: 'DRN-MINI-TRN' }).locator('.badge', { hasText: 'archived' }).waitFor();

  // A coupon with a minimum subtotal and an end date, as the README's curl example makes it.
  await page.locator('nav.tabs').getByRole('link', { name: 'Coupons' }).click();
  await capture(page, 'console-coupons', page.locator('#coupons tbody tr'));
  await page.getByRole('link', { name: 'New coupon' }).click();
  const cf = page.locator('#new-coupon');
  await cf.getByLabel('Code').fill('DRONE100');
  await cf.getByLabel('Description').fill('$100 off orders over $1,000');
  await cf.getByLabel('Discount amount').fill('100.00');
  await cf.getByLabel('Minimum subtotal').fill('1000.00');
  await cf.getByLabel('Uses per customer').fill('1');
  await cf.getByLabel('Valid until').fill('2030-01-01T00:00');
  await cf.getByRole('button', { name: 'Create coupon' }).click();
  await page.getByText('Coupon DRONE100 created.').waitFor();
  await capture(page, 'console-coupon', page.locator('#edit-coupon'));
  assert.equal(await page.locator('#edit-coupon').getByLabel('Minimum subtotal').inputValue(), '1000.00');

  // A warehouse whose code is taken is refused (409 code_taken) with what it means; another code is created.
  await page.locator('nav.tabs').getByRole('link', { name: 'Warehouses' }).click();
  await capture(page, 'console-warehouses', page.locator('#warehouses tbody tr'));
  await page.getByRole('link', { name: 'New warehouse' }).click();
  const wf = page.locator('#new-warehouse');
  await wf.getByLabel('Code').fill('WH-SEA');
  await wf.getByLabel('Name').fill('Seattle Overflow');
  await wf.getByLabel('Region').fill('us-west');
  await wf.getByLabel('Capacity').fill('4000');
  await wf.getByRole('button', { name: 'Create warehouse' }).click();
  assert.match(await page.getByRole('alert').textContent(), /Not saved: this conflicts with the warehouse as stored\..*code_taken 409/);
  await wf.getByLabel('Code').fill('WH-SEA-2');
  await wf.getByRole('button', { name: 'Create warehouse' }).click();
  await page.getByText('Warehouse WH-SEA-2 Seattle Overflow created.').waitFor();
  // The archived product has no order: it can be deleted, and its page then says it is gone.
  await page.goto(`${stack.base}/console/#/catalog/products/${newProductId}`);
  await page.getByRole('heading', { name: 'OCTO Scout Mini Trainer' }).waitFor();
  await page.getByRole('button', { name: 'Delete product' }).click();
  await page.getByRole('button', { name: 'Yes, delete product' }).click();
  await page.getByText('OCTO Scout Mini Trainer is deleted.').waitFor();
  await page.goto(`${stack.base}/console/#/catalog/products/${newProductId}`);
  await page.getByText(`There is no product #${newProductId}`).waitFor();
  // A record that does not exist says so (not "not deployed").
  await page.goto(`${stack.base}/console/#/catalog/warehouses/999999`);
  await page.getByText('There is no warehouse #999999').waitFor();
  // Shops and services list their seeded rows.
  for (const key of ['shops', 'services']) {
    await page.locator('nav.tabs').getByRole('link', { name: key[0].toUpperCase() + key.slice(1) }).click();
    await page.locator(`#${key} tbody tr a`).first().waitFor();
  }
  await page.context().close();
});

test('the pages run under their own Content-Security-Policy without a violation', async () => {
  const page = await newPage(browser, errors, { bypassCSP: false });
  await page.goto(`${stack.base}/store/`);
  await page.locator('#products article').first().waitFor();
  await page.goto(`${stack.base}/store/#/p/1`);
  await page.getByRole('heading', { name: 'Reviews' }).waitFor();
  await signInConsole(page, 'admin@octo-drone-shop.example', 'OctoAdmin!2026');
  await page.goto(`${stack.base}/console/#/analytics`);
  await page.waitForFunction(() => window.Chart && Object.keys(window.Chart.instances).length === 6);
  await page.goto(`${stack.base}/console/#/orders/${orderId}`);
  await page.locator('#shipment').waitFor();
  await page.goto(`${stack.base}/console/#/catalog/products`);
  await page.locator('#products tbody tr').first().waitFor();
  await page.goto(`${stack.base}/console/#/catalog/products/${productId}`);
  await page.locator('#edit-product').waitFor();
  await page.goto(`${stack.base}/console/#/catalog/coupons/new`);
  await page.locator('#new-coupon').waitFor();
  assert.deepEqual(page.cspViolations, []);
  await page.context().close();
});

test('page views went out as beacons, no page failed, no serious accessibility violation', () => {
  const views = stack.requests().filter((r) => r.method === 'POST' && r.path === '/api/page-views');
  assert.ok(views.length >= 5 && views.every((r) => r.status === 204), `page views: ${JSON.stringify(views.map((r) => r.status))}`);
  assert.deepEqual(errors, []);
  assert.ok(Object.keys(a11y).length >= 26, `pages checked: ${Object.keys(a11y)}`);
  console.log(`axe-core checked ${Object.keys(a11y).length} pages: ${Object.keys(a11y).join(', ')}`);
  const bad = Object.entries(a11y).filter(([, v]) => v.length);
  assert.deepEqual(bad, [], 'serious or critical axe-core violations');
});
