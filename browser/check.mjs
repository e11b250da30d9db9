// Drives the system's Chromium through the public pages, GraphiQL and the REST docs of
// a running cemr-api, and prints what it found as JSON for tests/api/browser.rs to judge:
// the figures the charts and the map show, console errors, axe-core violations, and
// where the screenshots went. It decides nothing itself.
//
// usage: node check.mjs <base url> <screenshot folder> <chromium executable>
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, shots, executablePath] = process.argv.slice(2);
const axeSource = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const report = { pages: {} };

async function visit(name, url, ready, act) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()}: ${r.url()}`); });
  const started = Date.now();
  const response = await page.goto(base + url, { waitUntil: 'load' });
  await page.waitForSelector(ready, { timeout: 30000 });
  const entry = { status: response.status(), loadMs: Date.now() - started, errors };
  if (act) Object.assign(entry, await act(page));
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  entry.screenshot = `${shots}/${name}.png`;
  report.pages[name] = entry;
  await page.close();
}

// axe runs in the page through the DevTools protocol, so the page's own content
// security policy (no inline scripts) stays in force for everything else.
async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

const figures = (page, selector, key, value) =>
  page.$$eval(selector, (els, [k, v]) => Object.fromEntries(els.map((e) => [e.dataset[k], Number(e.dataset[v])])), [key, value]);

await visit('front', '/', '#county-map', async (page) => {
  const lang = await page.getAttribute('html', 'lang');
  const firstContentfulPaintMs = await page.evaluate(() =>
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  await page.keyboard.press('Tab');
  const firstFocus = await page.evaluate(() => document.activeElement.className);
  return {
    lang,
    firstContentfulPaintMs,
    firstFocus,
    mapSigned: await figures(page, '#county-map rect[data-county]', 'county', 'signed'),
    mapTotal: await figures(page, '#county-map rect[data-county]', 'county', 'total'),
    years: await figures(page, '#signings-per-year rect[data-year]', 'year', 'count'),
    plans: await figures(page, '#action-plan-status g[data-status]', 'status', 'count'),
    axe: await axe(page),
  };
});

await visit('county', '/', '#county-map', async (page) => {
  await Promise.all([page.waitForURL('**/counties/18'), page.click('#county-map a[href="/counties/18"]')]);
  return { url: page.url(), heading: await page.textContent('h1'), axe: await axe(page) };
});

await visit('english', '/counties/18', 'h1', async (page) => {
  await Promise.all([page.waitForURL('**/counties/18?lang=en'), page.click('nav a[hreflang="en"]')]);
  return {
    url: page.url(),
    lang: await page.getAttribute('html', 'lang'),
    heading: await page.textContent('h2'),
    axe: await axe(page),
  };
});

await visit('organisation', '/organisations/1880?lang=en', 'h1', async (page) => ({ axe: await axe(page) }));

await visit('graphiql', '/graphiql', '.graphiql-execute-button', async (page) => {
  // The answer is judged as it came over the wire: the response pane renders only the
  // lines in view, and fields come in the query's order.
  const answered = page.waitForResponse((r) => r.url().endsWith('/graphql')
    && (r.request().postData() || '').includes('FirstLook'), { timeout: 30000 });
  await page.click('.graphiql-execute-button');
  const body = await (await answered).json();
  await page.waitForFunction(() => document.querySelector('.graphiql-response')?.innerText.includes('"data"'), null, { timeout: 30000 });
  return {
    ranQuery: Array.isArray(body.data?.charterArticles) && body.data.charterArticles.length > 0
      && !body.errors,
    signInForm: await page.isVisible('#sign-in'),
  };
});

await visit('rest-docs', '/api/v1/docs/', '.swagger-ui .opblock', async () => ({}));

await browser.close();
console.log(JSON.stringify(report));
