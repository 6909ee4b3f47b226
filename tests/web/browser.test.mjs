/*
 * The web admin page in a real Chromium, against real `ferry serve`
 * processes: sign in; a whole promotion dev -> prod through two servers'
 * pages; the entity unpack wizard (seed 002); a non-admin's view; failed
 * actions' messages; the seed's export-as-application warning; an import
 * whose load did not finish; every main page at 1280x800 and 390x844
 * (screenshots into FERRY_SHOTS).
 *
 * Instances are set up with the CLI before their servers start, so the
 * starting point is known: dev holds the entities member, org and event
 * and the pack `base`; prod imported `base` (as an application, so its
 * records are vendor records) and then changed member "Ann" locally.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { bulkImport, ferry, launchChromium, openBrowser, requireTools,
	setPassword, shot, signIn, SIZES, startServer, tmpdir } from
	'./harness.mjs';

const SEED_APP_WARNING = 'Use this option cautiously. In case the local ' +
	'pack contains updated vendor records, it may cause collisions while ' +
	'updating the system.';
const SEED_APP_VENDOR = 'Do not use the option Export \u2192 As a New ' +
	'Application for local packs containing vendor records. It may cause ' +
	'collisions while updating the system. Instead, use the Export Local ' +
	'Pack option.';
const PW = 'correct horse battery';

let pw, chromium, dir, dev, prod, devSrv, prodSrv, bulkSrv, ann;
const opened = [];

async function browser(size) {
	const b = await openBrowser(chromium, size);
	opened.push(b);
	return b;
}

/* The two instances, as the file's opening comment describes. */
function setUp() {
	dir = tmpdir('t');
	dev = path.join(dir, 'dev.db');
	prod = path.join(dir, 'prod.db');
	ferry(dev, ['init', '--name', 'dev', '--admin', 'alice', '--tz',
		'Europe/Moscow']);
	ferry(dev, ['pack', 'create', 'base', '--use']);
	ferry(dev, ['entity', 'create', 'member', '--display', 'Member']);
	ferry(dev, ['field', 'add', 'member', 'name', 'nvarchar(40)',
		'--display', 'Name']);
	ferry(dev, ['field', 'add', 'member', 'code', 'nvarchar(10)']);
	ferry(dev, ['entity', 'create', 'org']);
	ferry(dev, ['field', 'add', 'org', 'title', 'nvarchar(40)']);
	ann = ferry(dev, ['record', 'put', 'member',
		'{"name":"Ann","code":"A1"}']).trim();
	ferry(dev, ['pack', 'complete', 'base']);
	const base = path.join(dir, 'base.sop');
	ferry(dev, ['pack', 'export', 'base', '--as-application', '--output',
		base]);
	ferry(dev, ['formula', 'create', 'tax', '--inputs', 'a:decimal',
		'--outputs', 'total', '--body', 'a * 2']);
	ferry(dev, ['dataset', 'create', 'rates', '--columns', 'a:int']);

	/* the entity packs for the unpack wizard: org grows a field and
	 * gains one; event is new to prod.  (Not member: the promotion's
	 * package declares member's schema, which its commit applies.) */
	ferry(dev, ['field', 'set', 'org', 'title', '--type',
		'nvarchar(60)']);
	ferry(dev, ['field', 'add', 'org', 'note', 'text']);
	ferry(dev, ['entity', 'create', 'event']);
	ferry(dev, ['field', 'add', 'event', 'title', 'nvarchar(40)']);
	fs.mkdirSync(path.join(dir, 'ep'));
	ferry(dev, ['entity', 'pack', 'member', 'org', 'event', '--dir',
		path.join(dir, 'ep')]);
	ferry(dev, ['pack', 'use', 'Default']);

	ferry(prod, ['init', '--name', 'prod', '--admin', 'alice', '--tz',
		'Europe/Moscow']);
	ferry(prod, ['user', 'add', 'bob', '--tz', 'Asia/Tokyo']);
	ferry(prod, ['import', 'load', base]);
	ferry(prod, ['import', 'preview', '1']);
	ferry(prod, ['import', 'commit', '1', '--no-backup']);
	ferry(prod, ['record', 'put', 'member',
		JSON.stringify({ sys_id: ann, name: 'Prod Ann' })]);
	/* a pack of vendor records, for the export-as-application warning */
	ferry(prod, ['pack', 'create', 'vendor-fix', '--use']);
	ferry(prod, ['record', 'put', 'member',
		JSON.stringify({ sys_id: ann, code: 'P1' })]);
	ferry(prod, ['pack', 'complete', 'vendor-fix']);
	for (const db of [dev, prod])
		setPassword(db, 'alice', PW);
	setPassword(prod, 'bob', PW);
}

before(async () => {
	pw = await requireTools();
	setUp();
	devSrv = await startServer(dev, 'dev');
	prodSrv = await startServer(prod, 'prod');
	chromium = await launchChromium(pw);
});

after(async () => {
	for (const b of opened)
		await b.close().catch(() => {});
	if (chromium)
		await chromium.close();
	const stopped = [];
	for (const s of [devSrv, prodSrv, bulkSrv])
		if (s)
			stopped.push([s, await s.stop()]);
	if (dir)
		fs.rmSync(dir, { recursive: true, force: true });
	/* a clean stop: exit 0 (under the sanitizers: no leak, no error) */
	for (const [s, how] of stopped)
		assert.deepEqual(how, { code: 0, signal: null },
			`ferry serve (${s.name}) stopped badly:\n` +
			s.log.join('').split('\n').filter((l) =>
				!/ (GET|POST|PUT|PATCH|DELETE) \//.test(l))
				.join('\n'));
});

/* The API's own answer to a request, for comparing with the page. */
async function apiAs(page, method, p, body) {
	return page.evaluate(async ([m, u, b]) => {
		const s = JSON.parse(sessionStorage.getItem('ferry.session'));
		const res = await fetch('/api/v1' + u, { method: m, headers: {
			'Content-Type': 'application/json',
			'X-CSRF-Token': s.csrf }, body: b === undefined ?
			undefined : JSON.stringify(b) });
		return { status: res.status, body: await res.json()
			.catch(() => null) };
	}, [method, p, body]);
}

describe('sign in and out', () => {
	test('a wrong password shows the API\'s message next to the form; ' +
	    'the right one opens the page; sign out returns', async () => {
		const { page } = await browser();
		await page.goto(prodSrv.url + '/');
		await page.getByLabel('User name').fill('alice');
		await page.getByLabel('Password').fill('wrong');
		await page.getByRole('button', { name: 'Sign in' }).click();
		const alert = page.locator('form[aria-label="Sign in"] ' +
			'[role=alert]');
		await alert.waitFor();
		const direct = await fetch(prodSrv.url + '/api/v1/session', {
			method: 'POST', headers: { 'Content-Type':
				'application/json' }, body: JSON.stringify(
				{ user: 'alice', password: 'wrong' }) });
		const doc = await direct.json();
		assert.equal(direct.status, 401);
		assert.equal(await alert.textContent(), doc.error.message);
		await shot(page, 'signin');

		await page.getByLabel('Password').fill(PW);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'Local packs' })
			.waitFor();
		assert.equal(await page.locator('#who-name').textContent(),
			'alice');
		assert.equal(await page.locator('#who-role').textContent(),
			'admin');
		assert.equal(await page.locator('#instance-name')
			.textContent(), 'prod');
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.getByRole('heading', { name: 'Sign in to ferry' })
			.waitFor();
		/* the session is gone on the server as well */
		const after2 = await page.evaluate(async () =>
			(await fetch('/api/v1/packs')).status);
		assert.equal(after2, 401);
	});

	test('keyboard alone signs in, with visible focus', async () => {
		const { page } = await browser();
		await page.goto(prodSrv.url + '/');
		await page.getByLabel('User name').waitFor();
		await page.keyboard.type('alice');
		await page.keyboard.press('Tab');
		const outline = await page.evaluate(() => getComputedStyle(
			document.activeElement).outlineStyle);
		assert.notEqual(outline, 'none');
		assert.equal(await page.evaluate(() =>
			document.activeElement.name), 'password');
		await page.keyboard.type(PW);
		await page.keyboard.press('Enter');
		await page.getByRole('heading', { name: 'Local packs' })
			.waitFor();
	});
});

describe('a promotion dev -> prod through both servers\' pages', () => {
	let file, importId;

	test('dev: create a pack, change and create records, complete, ' +
	    'export', async () => {
		const { page } = await browser();
		await signIn(page, devSrv.url, 'alice', PW);
		await page.getByLabel('Name', { exact: true }).fill('rename');
		await page.getByRole('button', { name: 'Create pack' }).click();
		await page.getByRole('heading', { name: /Local pack .rename./ })
			.waitFor();

		await page.goto(`${devSrv.url}/#/records/member/${ann}`);
		const edit = page.locator('form[aria-label="Edit record"]');
		await edit.getByLabel('Name').fill('Dev Ann');
		await edit.getByRole('button', { name: 'Save' }).click();
		await page.locator('tr[data-version]').nth(1).waitFor();
		assert.equal(await page.locator('h1').textContent(),
			'member \u201cDev Ann\u201d');
		await shot(page, 'record');

		await page.goto(devSrv.url + '/#/records/member');
		const create = page.locator('form[aria-label="New record"]');
		await create.getByLabel('Name').fill('Zed');
		await create.getByLabel('code').fill('Z9');
		await create.getByRole('button', { name: 'Create record' })
			.click();
		await page.getByRole('heading', { name: 'member \u201cZed\u201d' })
			.waitFor();

		await page.goto(devSrv.url + '/#/packs/rename');
		const rows = page.locator('tr[data-sys-id]');
		await rows.nth(1).waitFor();
		const names = await rows.locator('td:nth-child(2)')
			.allTextContents();
		assert.deepEqual(names.sort(), ['Dev Ann', 'Zed']);
		await page.getByRole('button', { name: 'Complete' }).click();
		await page.getByRole('button', { name: 'Reopen' }).waitFor();
		/* completed_at in alice's zone (Europe/Moscow, UTC+3) */
		const packDoc = ferry(dev, ['--json', 'pack', 'show', 'rename'],
			{ json: true });
		const utc = new Date(packDoc.completed_at);
		const msk = new Date(utc.getTime() + 3 * 3600 * 1000);
		const hhmm = msk.toISOString().slice(11, 19);
		assert.match(await page.locator('dd time').last().textContent(),
			new RegExp(hhmm));
		await shot(page, 'pack');

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Export',
				exact: true }).click()]);
		/* the seed's name, completion time in alice's zone; on disk
		 * Chromium writes the colons as _ */
		const name = `rename_${msk.toISOString().slice(0, 10)} ${hhmm}.sop`;
		await page.locator('.export-result .file-name', { hasText: name })
			.waitFor();
		assert.equal(download.suggestedFilename(), name.replace(/:/g,
			'_'));
		file = path.join(dir, 'rename.sop');
		await download.saveAs(file);
		const info = ferry(dev, ['--json', 'inspect', file],
			{ json: true });
		assert.equal(info.valid, true);
		assert.equal(info.pack.name, 'rename');
	});

	test('prod: upload, preview the conflict, resolve, commit, back out',
	    async () => {
		assert.ok(file, 'the dev step exported the pack');
		const { page } = await browser();
		await signIn(page, prodSrv.url, 'alice', PW);
		await page.goto(prodSrv.url + '/#/imports');
		await page.getByLabel('Package file (.sop)').setInputFiles(file);
		await page.getByRole('button', { name: 'Upload and load' })
			.click();
		await page.getByRole('heading', { name: /^Import \d+$/ })
			.waitFor();
		importId = /#\/imports\/(\d+)/.exec(page.url())[1];
		await page.getByRole('heading', { name: 'Load result' })
			.waitFor();

		const row = page.locator('tr.sev-error');
		await row.waitFor();
		assert.match(await row.textContent(), /local_change/);
		assert.match(await row.textContent(), /Dev Ann|member/);
		await shot(page, 'import-preview');
		await page.setViewportSize(SIZES.phone);
		await shot(page, 'import-preview');
		assert.ok(await page.evaluate(() => document.documentElement
			.scrollWidth) <= SIZES.phone.width + 1);
		await page.setViewportSize(SIZES.desktop);

		/* filters: no warning; error again */
		await page.getByLabel('Severity').selectOption('warning');
		await page.locator('td.empty').waitFor();
		await page.getByLabel('Severity').selectOption('error');
		await row.waitFor();

		const item = await row.getAttribute('data-item');
		const resolution = page.locator(
			`tr[data-item="${item}"] td:nth-child(8)`);

		/* the conflict's diff: base, target and package of name */
		await row.getByRole('button', { name: 'Diff of item ' + item })
			.click();
		const nameRow = page.locator('.diff tr[data-field="name"]');
		await nameRow.waitFor();
		assert.match(await nameRow.textContent(),
			/"Ann".*"Prod Ann".*"Dev Ann".*conflict/);
		const diff = await apiAs(page, 'GET',
			`/imports/${importId}/items/${item}/diff`);
		assert.deepEqual(diff.body, ferry(prod, ['--json', 'import',
			'diff', importId, item], { json: true }));
		await shot(page, 'import-diff');

		/* resolve by merge: take the package's name */
		await nameRow.getByLabel('Take package').check();
		await page.getByRole('button', { name: /merge/ }).click();
		await resolution.filter({ hasText: 'merge' }).waitFor();
		assert.equal(ferry(prod, ['--json', 'import', 'diff', importId,
			item], { json: true }).items[0].resolution, 'merge');

		/* clear: back to unresolved */
		await row.getByRole('button', { name: 'Clear item ' + item })
			.click();
		await resolution.filter({ hasText: '\u2014' }).waitFor();
		assert.match(await page.locator('.unresolved').textContent(),
			/^[1-9]\d* unresolved/);

		await row.getByRole('button', { name: 'Accept item ' + item })
			.click();
		await page.locator(`tr[data-item="${item}"] td:nth-child(8)`,
			{ hasText: 'accept' }).waitFor();

		await page.getByRole('button', { name: 'Commit' }).click();
		await page.getByRole('button', { name: 'Back out' }).waitFor();
		const backup = await page.locator('.backup-path').textContent();
		assert.ok(fs.existsSync(path.isAbsolute(backup) ? backup :
			path.join(path.dirname(prod), path.basename(backup))),
		'the backup file ' + backup + ' exists');
		let rec = await apiAs(page, 'GET', `/records/member/${ann}`);
		assert.equal(rec.body.name, 'Dev Ann');
		await shot(page, 'import-committed');

		page.once('dialog', (d) => d.accept());
		await page.getByRole('button', { name: 'Back out' }).click();
		await page.locator('.steps li[aria-current="step"]',
			{ hasText: 'Back out' }).waitFor();
		rec = await apiAs(page, 'GET', `/records/member/${ann}`);
		assert.equal(rec.body.name, 'Prod Ann');

		await page.goto(prodSrv.url + '/#/imports');
		const state = page.locator(`tr[data-import="${importId}"] ` +
			'.badge');
		assert.equal(await state.textContent(), 'backed out');
		await shot(page, 'imports');
	});
});

describe('a large preview, a page at a time', () => {
	test('the server filters and pages; the page reads matched and kinds',
	    async () => {
		const db = bulkImport(dir, 120);
		setPassword(db, 'alice', PW);
		bulkSrv = await startServer(db, 'bulk');
		const { page } = await browser();
		await signIn(page, bulkSrv.url, 'alice', PW);
		const t0 = Date.now();
		await page.goto(bulkSrv.url + '/#/imports/1');
		const rows = page.locator('tr[data-item]');
		await rows.first().waitFor();
		const ms = Date.now() - t0;
		const pager = page.locator('nav.pager span');
		/* rule: one page of 50 problems; matched counts them all */
		assert.equal(await rows.count(), 50);
		assert.equal(await pager.textContent(), '1\u201350 of 122');
		assert.match(await page.locator('.kinds').textContent(),
			/already_applied 122/);
		const firstItem = await rows.first().getAttribute('data-item');
		await page.getByRole('button', { name: 'Next' }).click();
		await pager.filter({ hasText: '51\u2013100 of 122' }).waitFor();
		assert.notEqual(await rows.first().getAttribute('data-item'),
			firstItem);
		await page.getByRole('button', { name: 'Next' }).click();
		await pager.filter({ hasText: '101\u2013122 of 122' })
			.waitFor();
		assert.equal(await rows.count(), 22);
		/* a filter goes to the server and starts at the first page */
		await page.getByLabel('Entity').fill('member');
		await pager.filter({ hasText: '1\u201350 of 120' }).waitFor();
		await page.getByLabel('Severity').selectOption('error');
		await page.locator('td.empty').waitFor();
		assert.equal(await pager.textContent(), '0\u20130 of 0');
		console.log(`122-problem preview: first row in ${ms} ms`);
	});
});

describe('the entity unpack wizard (seed 002)', () => {
	test('all packs selected by default; Uncheck All, pick two, upgrade ' +
	    'existing entities, finish with a report', async () => {
		const { page } = await browser();
		await signIn(page, prodSrv.url, 'alice', PW);
		await page.getByRole('link', { name: 'Install entities' }).click();
		const files = ['member', 'org', 'event'].map((e) =>
			path.join(dir, 'ep', e + '.sop'));
		await page.getByLabel('Entity pack files').setInputFiles(files);
		await page.getByRole('button', { name: 'Next' }).click();
		const boxes = page.locator('input[name="unpack"]');
		await boxes.nth(2).waitFor();
		for (let i = 0; i < 3; i++)
			assert.equal(await boxes.nth(i).isChecked(), true);
		await page.getByRole('button', { name: 'Uncheck All' }).click();
		for (let i = 0; i < 3; i++)
			assert.equal(await boxes.nth(i).isChecked(), false);
		await page.getByRole('button', { name: 'Check All',
			exact: true }).click();
		assert.equal(await boxes.nth(1).isChecked(), true);
		await page.getByRole('button', { name: 'Uncheck All' }).click();
		await page.getByLabel('Un-Pack org').check();
		await page.getByLabel('Un-Pack event').check();
		const upgrade = page.getByLabel('Upgrade Existing Entities');
		assert.equal(await upgrade.isChecked(), true);
		await shot(page, 'unpack');
		await page.getByRole('button', { name: 'Finish' }).click();

		const org = page.locator('.unpacked[data-entity="org"]');
		await org.waitFor();
		assert.match(await org.locator('h3').textContent(),
			/merged/);
		assert.match(await org.textContent(), /note\s*added/);
		assert.match(await org.textContent(), /title\s*grown/);
		assert.match(await page.locator(
			'.unpacked[data-entity="event"] h3').textContent(),
		/created/);
		assert.equal(await page.locator(
			'.unpacked[data-entity="member"]').count(), 0);
		await page.locator('.backup-path').waitFor();
		await shot(page, 'unpack-report');

		const shown = ferry(prod, ['--json', 'entity', 'show',
			'org'], { json: true });
		const title = shown.fields.find((f) => f.name === 'title');
		assert.equal(title.type, 'nvarchar(60)');
		assert.ok(shown.fields.some((f) => f.name === 'note'));
	});
});

describe('a non-admin\'s view', () => {
	test('bob sees no admin action, and the server refuses them anyway',
	    async () => {
		const { page } = await browser();
		await signIn(page, prodSrv.url, 'bob', PW);
		assert.equal(await page.locator('#who-role').textContent(),
			'user');
		assert.equal(await page.getByRole('link',
			{ name: 'Install entities' }).count(), 0);
		assert.equal(await page.getByRole('link',
			{ name: 'Users and tokens' }).count(), 0);
		await page.goto(prodSrv.url + '/#/imports');
		await page.getByRole('heading', { name: 'Imports' }).waitFor();
		await page.locator('tr[data-import]').first().waitFor();
		assert.equal(await page.getByRole('heading',
			{ name: 'Load a package' }).count(), 0);
		await page.locator('tr[data-import] a').first().click();
		await page.getByRole('heading', { name: /^Import \d+$/ })
			.waitFor();
		for (const name of ['Back out', 'Commit', 'Discard'])
			assert.equal(await page.getByRole('button', { name })
				.count(), 0);
		await shot(page, 'nonadmin-import');
		await page.goto(prodSrv.url + '/#/unpack');
		await page.getByText('Non-admin users cannot run the Install ' +
			'Entities wizard.').waitFor();

		const add = await apiAs(page, 'POST', '/users', { name: 'eve' });
		assert.equal(add.status, 403);
		assert.ok(add.body.error.message.length > 0);
		const back = await apiAs(page, 'POST',
			'/imports/1/backout?wait=true', {});
		assert.equal(back.status, 403);
		/* anyone may upload entity packs to list them; only an admin
		 * may unpack them */
		const bytes = [...fs.readFileSync(path.join(dir, 'ep',
			'member.sop'))];
		const listed = await page.evaluate(async (b) => {
			const s = JSON.parse(sessionStorage.getItem(
				'ferry.session'));
			const res = await fetch('/api/v1/entity-packs?name=' +
				'member.sop', { method: 'POST', headers: {
				'X-CSRF-Token': s.csrf }, body: new Uint8Array(b) });
			return res.json();
		}, bytes);
		assert.equal(listed.packs[0].entity, 'member');
		const unpack = await apiAs(page, 'POST',
			'/entity-packs/unpack?wait=true', { upload: listed.upload,
				select: ['member'], upgrade: true, backup: false });
		assert.equal(unpack.status, 403);
		assert.ok(unpack.body.error.message.length > 0);
	});
});

describe('users and tokens (admins)', () => {
	test('add a user, set a password, create a token that works, revoke ' +
	    'it', async () => {
		const { page } = await browser();
		await signIn(page, prodSrv.url, 'alice', PW);
		await page.getByRole('link', { name: 'Users and tokens' }).click();
		const add = page.locator('form[aria-labelledby="au-h"]');
		await add.getByLabel('Name').fill('carol');
		await add.getByLabel('Time zone').fill('Asia/Tokyo');
		await add.getByRole('button', { name: 'Add user' }).click();
		await page.locator('tr[data-user="carol"]').waitFor();
		assert.match(await page.locator('tr[data-user="carol"]')
			.textContent(), /Asia\/Tokyo/);

		const pwForm = page.locator('form[aria-labelledby="pw-h"]');
		await pwForm.getByLabel('User').selectOption('carol');
		await pwForm.getByLabel('New password').fill('short');
		await pwForm.getByRole('button', { name: 'Set password' })
			.click();
		const pwErr = pwForm.locator('[role=alert]');
		await pwErr.waitFor();
		assert.match(await pwErr.textContent(), /8 characters/);
		await pwForm.getByLabel('New password').fill(PW);
		await pwForm.getByRole('button', { name: 'Set password' })
			.click();
		await pwForm.getByText('Password of carol set.').waitFor();

		const tk = page.locator('form[aria-labelledby="tk-h"]');
		await tk.getByLabel('User').selectOption('carol');
		await tk.getByLabel('Label').fill('ci');
		await tk.getByRole('button', { name: 'Create token' }).click();
		const token = await tk.locator('code.token').textContent();
		const asCarol = () => fetch(prodSrv.url + '/api/v1/packs', {
			headers: { Authorization: 'Bearer ' + token } });
		assert.equal((await asCarol()).status, 200);
		await shot(page, 'users');

		await page.reload();
		const row = page.locator('tr[data-token]', { hasText: 'carol' });
		await row.waitFor();
		page.once('dialog', (d) => d.accept());
		await row.getByRole('button', { name: /^Revoke token/ }).click();
		await row.waitFor({ state: 'detached' });
		assert.equal((await asCarol()).status, 401);

		const second = await browser();
		await signIn(second.page, prodSrv.url, 'carol', PW);
		assert.equal(await second.page.locator('#who-tz')
			.textContent(), 'Asia/Tokyo');
	});
});

describe('failed actions and the seed\'s export warning', () => {
	test('a refused action shows the API\'s message beside it', async () => {
		const { page } = await browser();
		await signIn(page, devSrv.url, 'alice', PW);
		await page.getByLabel('Name', { exact: true }).fill('base');
		await page.getByRole('button', { name: 'Create pack' }).click();
		const alert = page.locator('form[aria-labelledby="new-pack-h"] ' +
			'[role=alert]');
		await alert.waitFor();
		const direct = await apiAs(page, 'POST', '/packs',
			{ name: 'base' });
		assert.ok(direct.status >= 400 && direct.status < 500);
		assert.equal(await alert.textContent(),
			direct.body.error.message);
		await shot(page, 'error');
	});

	test('Export as application: the seed\'s warning word for word; ' +
	    'vendor records refused with the API\'s message; forced on ' +
	    'request', async () => {
		const { page } = await browser();
		await signIn(page, prodSrv.url, 'alice', PW);
		await page.goto(prodSrv.url + '/#/packs/vendor-fix');
		await page.getByRole('button', { name: 'Export as application' })
			.click();
		const dlg = page.locator('dialog');
		await dlg.waitFor();
		assert.equal(await dlg.locator('.seed-warning').first()
			.textContent(), SEED_APP_WARNING);
		await dlg.getByRole('button', { name: 'Export as application' })
			.click();
		const alert = dlg.locator('[role=alert]').first();
		await alert.waitFor();
		assert.match(await alert.textContent(), /vendor records/);
		assert.equal(await dlg.locator('.seed-warning').nth(1)
			.textContent(), SEED_APP_VENDOR);
		await shot(page, 'export-application');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			dlg.getByRole('button', { name: 'Export anyway' })
				.click()]);
		assert.match(download.suggestedFilename(),
			/^vendor-fix_\d{4}-\d\d-\d\d \d\d_\d\d_\d\d\.sop$/);
		assert.match(await page.locator('.export-result .file-name')
			.textContent(),
		/^vendor-fix_\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.sop$/);
		const out = path.join(dir, 'app.sop');
		await download.saveAs(out);
		const info = ferry(prod, ['--json', 'inspect', out],
			{ json: true });
		assert.equal(info.mode, 'application');
	});
});

describe('an import whose load did not finish', () => {
	test('shows a notice and Discard alone, and Discard removes it',
	    async () => {
		/* what a load stopped between its two transactions leaves
		 * (docs/import.md, "Load"): the staging committed, the import
		 * without its stamp and plan */
		const loaded = ferry(prod, ['--json', 'import', 'load',
			path.join(dir, 'base.sop')], { json: true });
		execFileSync('sqlite3', [prod, 'UPDATE ferry_import SET ' +
			"stamp = '', items = 0, plan_mark = NULL WHERE id = " +
			loaded.id + '; DELETE FROM ferry_import_problem WHERE ' +
			'import_id = ' + loaded.id + '; DELETE FROM ' +
			'ferry_import_plan WHERE import_id = ' + loaded.id]);
		const { page } = await browser();
		await signIn(page, prodSrv.url, 'alice', PW);
		await page.goto(prodSrv.url + '/#/imports/' + loaded.id);
		await page.getByText('This import has not finished loading.',
			{ exact: false }).waitFor();
		await page.locator('.badge.state-loading').waitFor();
		for (const name of ['Commit', 'Back out'])
			assert.equal(await page.getByRole('button', { name })
				.count(), 0);
		page.once('dialog', (d) => d.accept());
		await page.getByRole('button', { name: 'Discard' }).click();
		await page.getByRole('heading', { name: 'Imports' }).waitFor();
		const left = ferry(prod, ['--json', 'import', 'list'],
			{ json: true });
		assert.ok(!left.some((i) => i.id === loaded.id),
			'import ' + loaded.id + ' is gone');
	});
});

describe('every main page at 1280x800 and 390x844', () => {
	const pages = [['packs', '#/packs', 'Local packs'],
		['pack', '#/packs/vendor-fix', /Local pack/],
		['imports', '#/imports', 'Imports'],
		['import', '#/imports/1', 'Import 1'],
		['unpack', '#/unpack', 'Install entities'],
		['entities', '#/entities', 'Entities'],
		['entity', '#/entities/member', /Entity/],
		['records', '#/records/member', /Records of/],
		['record', '#/records/member/', /member/],
		['formulas', '#/formulas', 'Formulas'],
		['datasets', '#/datasets', 'Data sets'],
		['users', '#/users', 'Users and tokens']];

	for (const [size, vp] of Object.entries(SIZES)) {
		test(`${size}: readable, nothing wider than the screen`,
		    async () => {
			const { page, outside, consoleErrors } =
				await browser(vp);
			await signIn(page, prodSrv.url, 'alice', PW);
			const base = prodSrv.url;
			for (const [name, hash, heading] of pages) {
				const h2 = hash.endsWith('/') ? hash + ann : hash;
				await page.goto(base + '/' + h2);
				await page.getByRole('heading', { name: heading,
					level: 1 }).first().waitFor();
				await page.locator('main[data-ready]').waitFor();
				assert.equal(await page.locator('main > h1 + ' +
					'[role=alert]:not([hidden])').count(), 0,
				name + ' shows no error');
				const wide = await page.evaluate(() =>
					document.documentElement.scrollWidth);
				assert.ok(wide <= vp.width + 1, `${name} is ` +
					`${wide}px wide at ${vp.width}px`);
				await shot(page, size + '-' + name);
			}
			assert.deepEqual(outside, [], 'no request leaves the ' +
				'server');
			assert.deepEqual(consoleErrors, []);
		});
	}
});
