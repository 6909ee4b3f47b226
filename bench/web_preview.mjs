/*
 * web_preview.mjs - how long the web page takes to draw the first page
 * of a large import's preview: an instance re-imports its own pack of N
 * member records (every item already applied, N + 2 problems), ferry
 * serve starts on it, Chromium signs in and opens the import; the figure
 * is from navigation to the first problem row drawn.  Too slow to set up
 * for make check at N = 100000 (docs/performance.md).
 *
 *   FERRY_BIN=build/ferry node bench/web_preview.mjs [N]
 *
 * Needs what the browser tests need (scripts/install-deps).
 */
import fs from 'node:fs';

import { bulkImport, launchChromium, openBrowser, requireTools,
	setPassword, signIn, startServer, tmpdir } from
	'../tests/web/harness.mjs';

const n = Number(process.argv[2] || 100000);
const PW = 'bench-password-1';
const dir = tmpdir('bench');
let srv, chromium;
try {
	const pw = await requireTools();
	let t = Date.now();
	const db = bulkImport(dir, n);
	console.log(`set up ${n} records, exported and loaded: ` +
		`${Date.now() - t} ms`);
	setPassword(db, 'alice', PW);
	srv = await startServer(db, 'bench');
	chromium = await launchChromium(pw);
	const { page } = await openBrowser(chromium);
	await signIn(page, srv.url, 'alice', PW);
	for (const round of ['first', 'second']) {
		await page.goto(srv.url + '/#/');
		await page.locator('main[data-ready]').waitFor();
		t = Date.now();
		await page.goto(srv.url + '/#/imports/1');
		await page.locator('tr[data-item]').first().waitFor({
			timeout: 600000 });
		console.log(`${round} visit: first row of ${n + 2} problems ` +
			`drawn in ${Date.now() - t} ms`);
	}
	t = Date.now();
	const pager = page.locator('nav.pager span');
	await page.getByRole('button', { name: 'Next' }).click();
	await pager.filter({ hasText: /^51/ }).waitFor({ timeout: 600000 });
	console.log(`next page drawn in ${Date.now() - t} ms`);
} finally {
	if (chromium)
		await chromium.close();
	if (srv)
		await srv.stop();
	fs.rmSync(dir, { recursive: true, force: true });
}
