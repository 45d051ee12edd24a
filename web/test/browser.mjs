// Debian's Chromium driven by playwright-core (never a downloaded browser), an axe-core check and
// screenshots for the browser tests.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { root } from './stack.mjs';

export const screensDir = resolve(root, process.env.OCTO_SCREENS_DIR || '.cache/screens');

/** Launches Chromium headless with the flags this machine's closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * A new page in its own context (own storage: a shopper and a staff member never share a session).
 * bypassCSP (default) lets the test inject axe-core; without it the pages run under their own policy
 * and page.cspViolations collects what the browser refused.
 * Every /api/ request the page sends is recorded with its traceparent; page errors fail the test.
 */
export async function newPage(browser, errors, { bypassCSP = true } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP });
  const page = await ctx.newPage();
  page.cspViolations = [];
  page.on('console', (m) => { if (m.text().includes('Content Security Policy')) page.cspViolations.push(m.text()); });
  page.apiCalls = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/')) page.apiCalls.push({ method: r.method(), url: r.url(), type: r.resourceType(), traceparent: r.headers().traceparent || '' });
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return page;
}

/** Writes a full-page screenshot name.png into the screens directory. */
export async function screenshot(page, name) {
  mkdirSync(screensDir, { recursive: true });
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Runs axe-core on the page; returns the serious and critical violations as readable lines. */
export async function seriousViolations(page) {
  await page.addScriptTag({ path: join(root, 'node_modules/axe-core/axe.min.js') });
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
