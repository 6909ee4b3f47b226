/*
 * The browser tests' harness: instances made with the ferry CLI, `ferry
 * serve` processes on free loopback ports, and Debian's Chromium driven by
 * playwright-core with a fresh profile.  Everything started here is stopped
 * on every way out (end of a test file, a failure, a signal).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const FERRY = process.env.FERRY_BIN || '';
export const CHROMIUM = process.env.FERRY_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.FERRY_SHOTS ||
	path.join(os.tmpdir(), 'ferry-web-shots');
export const SIZES = { desktop: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 } };

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-quic', '--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync'];

/*
 * What the tests need, each missing piece named with what to do: a test
 * run without them fails here, never passes quietly.
 */
export async function requireTools() {
	const missing = [];
	if (!FERRY || !fs.existsSync(FERRY))
		missing.push(`the ferry binary (FERRY_BIN='${FERRY}'): build ` +
			'it with make build');
	if (!fs.existsSync(CHROMIUM))
		missing.push(`Chromium at ${CHROMIUM}: run scripts/install-deps ` +
			'(it installs Debian\'s chromium)');
	let pw = null;
	try {
		pw = await import('playwright-core');
	} catch (e) {
		missing.push('playwright-core in tests/web/node_modules: run ' +
			'scripts/install-deps (npm ci in tests/web)');
	}
	if (missing.length)
		throw new Error('the browser tests cannot run; missing:\n  - ' +
			missing.join('\n  - '));
	return pw;
}

export function tmpdir(tag) {
	return fs.mkdtempSync(path.join(os.tmpdir(), `ferry-web-${tag}-`));
}

/* Runs the CLI on an instance; returns stdout (JSON parsed with json). */
export function ferry(db, args, opts = {}) {
	const out = execFileSync(FERRY, args, {
		env: Object.assign({}, process.env, { FERRY_DB: db,
			FERRY_NOW: '' }, opts.env || {}),
		input: opts.input, cwd: opts.cwd,
		stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
	return opts.json ? JSON.parse(out) : out;
}

export function setPassword(db, user, password) {
	ferry(db, ['user', 'passwd', user, '--password-stdin'],
		{ input: password + '\n' });
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const running = new Set();

function killAll() {
	for (const p of running)
		try {
			p.kill('SIGKILL');
		} catch (e) { /* gone */ }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'])
	process.on(sig, () => { killAll(); process.exit(130); });

/* Starts `ferry serve` on a free loopback port; resolves once it answers. */
export async function startServer(db, name) {
	for (let attempt = 0; attempt < 3; attempt++) {
		const port = await freePort();
		const log = [];
		const child = spawn(FERRY, ['--db', db, 'serve', '--listen',
			`127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'],
			env: Object.assign({}, process.env, { FERRY_NOW: '' }) });
		running.add(child);
		child.stdout.on('data', (d) => log.push(String(d)));
		child.stderr.on('data', (d) => log.push(String(d)));
		let exited = null;
		child.on('exit', (code, sig) => {
			exited = { code, sig };
			running.delete(child);
		});
		const url = `http://127.0.0.1:${port}`;
		const deadline = Date.now() + 20000;
		while (Date.now() < deadline && !exited) {
			try {
				await fetch(url + '/api/v1/instance');
				return { url, child, log, name,
					stop: () => stopServer(child) };
			} catch (e) {
				await new Promise((r) => setTimeout(r, 100));
			}
		}
		await stopServer(child);
		if (!exited || !/address|in use|bind/i.test(log.join('')))
			throw new Error(`ferry serve (${name}) did not start:\n` +
				log.join(''));
	}
	throw new Error(`ferry serve (${name}) found no free port`);
}

/* Stops a server (SIGTERM, then SIGKILL after 10 s); its exit status. */
export function stopServer(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null)
			return resolve({ code: child.exitCode,
				signal: child.signalCode });
		const t = setTimeout(() => child.kill('SIGKILL'), 10000);
		child.once('exit', (code, signal) => {
			clearTimeout(t);
			resolve({ code, signal });
		});
		child.kill('SIGTERM');
	});
}

/*
 * Debian's Chromium, headless.  playwright-core gives each launch a fresh
 * profile (--user-data-dir in a new temporary folder) and removes it on
 * close; each test then opens its own isolated context (cookies, storage).
 */
export async function launchChromium(pw) {
	return pw.chromium.launch({ executablePath: CHROMIUM, headless: true,
		args: CHROMIUM_ARGS });
}

/* A fresh context and page at `size`; no request may leave 127.0.0.1. */
export async function openBrowser(chromium, size = SIZES.desktop) {
	const ctx = await chromium.newContext({ viewport: size,
		acceptDownloads: true, timezoneId: 'America/New_York',
		locale: 'en-GB' });
	ctx.setDefaultTimeout(20000);
	const page = await ctx.newPage();
	const outside = [];
	await ctx.route('**/*', (route) => {
		const u = new URL(route.request().url());
		if (u.hostname === '127.0.0.1' || u.protocol === 'data:' ||
		    u.protocol === 'blob:')
			return route.continue();
		outside.push(u.href);
		return route.abort();
	});
	const consoleErrors = [];
	page.on('pageerror', (e) => consoleErrors.push(String(e)));
	return { ctx, page, outside, consoleErrors,
		close: () => ctx.close() };
}

export async function signIn(page, url, user, password) {
	await page.goto(url + '/');
	await page.getByLabel('User name').fill(user);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('button', { name: 'Sign out' }).waitFor();
	await page.locator('main[data-ready]').waitFor();
}

export async function shot(page, name) {
	fs.mkdirSync(SHOTS, { recursive: true });
	const vp = page.viewportSize();
	const file = path.join(SHOTS, `${name}-${vp.width}x${vp.height}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/*
 * An instance whose import 1 re-imports its own pack of n member records
 * (record load, complete, export, load): every item is already applied,
 * so its preview lists n + 2 problems (the records, the entity and its
 * field). The large-preview page test and bench/web_preview.mjs use it.
 */
export function bulkImport(dir, n) {
	const db = path.join(dir, `bulk-${n}.db`);
	const lines = path.join(dir, `bulk-${n}.jsonl`);
	const sop = path.join(dir, `bulk-${n}.sop`);
	ferry(db, ['init', '--name', 'bulk', '--admin', 'alice']);
	ferry(db, ['pack', 'create', 'bulk', '--use']);
	ferry(db, ['entity', 'create', 'member']);
	ferry(db, ['field', 'add', 'member', 'name', 'nvarchar(40)']);
	const out = fs.openSync(lines, 'w');
	for (let i = 0; i < n; i++)
		fs.writeSync(out, JSON.stringify({ name: 'm' + i }) + '\n');
	fs.closeSync(out);
	ferry(db, ['record', 'load', 'member', lines]);
	ferry(db, ['pack', 'complete', 'bulk']);
	ferry(db, ['pack', 'export', 'bulk', '--output', sop]);
	ferry(db, ['import', 'load', sop]);
	return db;
}
