/*
 * ferry's web admin page: one more client of the HTTP API (/api/v1).
 *
 * Everything the page does goes through the API, which checks every rule
 * and role itself; the page hides what the signed-in user may not do, and
 * shows the API's own message next to whatever caused an error.  Plain
 * modern JavaScript with no build step and no request leaving the server's
 * origin.  Pages are routed on the URL's hash (#/packs, #/imports/3, ...).
 */

const API = '/api/v1';
const PAGE = 50; /* rows a page in every paged list */

/* The seed's words (SimpleOne, "Export a local pack"), word for word. */
const SEED_APP_WARNING = 'Use this option cautiously. In case the local ' +
	'pack contains updated vendor records, it may cause collisions while ' +
	'updating the system.';
const SEED_APP_RECOMMEND = 'We recommend using the Export Local Pack option.';
const SEED_APP_VENDOR = 'Do not use the option Export \u2192 As a New ' +
	'Application for local packs containing vendor records. It may cause ' +
	'collisions while updating the system. Instead, use the Export Local ' +
	'Pack option.';
const SEED_APP_DOWNLOAD = 'It is a good practice to download your local ' +
	'pack straight away after the job is done; otherwise, the versions ' +
	'stored in it may go out of date.';

let session = null; /* {user, admin, csrf, tz} once signed in */

/* ---- the API client ---------------------------------------------------- */

class ApiError extends Error {
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

function apiUrl(path, query) {
	const u = new URL(API + path, location.origin);
	for (const [k, v] of Object.entries(query || {}))
		if (v !== undefined && v !== null && v !== '')
			u.searchParams.set(k, v);
	return u.pathname + u.search;
}

function apiHeaders(method, extra) {
	const h = Object.assign({ Accept: 'application/json' }, extra || {});
	if (method !== 'GET' && session && session.csrf)
		h['X-CSRF-Token'] = session.csrf;
	return h;
}

async function errorOf(res) {
	let code = 'http_' + res.status, message = res.statusText ||
		('HTTP ' + res.status);
	try {
		const doc = await res.json();
		if (doc && doc.error) {
			code = doc.error.code || code;
			message = doc.error.message || message;
		}
	} catch (e) { /* not JSON: keep the status line */ }
	return new ApiError(res.status, code, message);
}

/*
 * One call.  A JSON body is sent as JSON; a Blob or File as it is.  The
 * answer is the parsed document, or the Response itself with raw: true.
 * A 202 {"job"} is followed to its end (onProgress gets done, total).
 */
async function api(method, path, opts = {}) {
	const init = { method, credentials: 'same-origin',
		headers: apiHeaders(method) };
	if (opts.body instanceof Blob) {
		init.body = opts.body;
		init.headers['Content-Type'] = 'application/octet-stream';
	} else if (opts.body instanceof FormData) {
		init.body = opts.body;
	} else if (opts.body !== undefined) {
		init.body = JSON.stringify(opts.body);
		init.headers['Content-Type'] = 'application/json';
	}
	let res;
	try {
		res = await fetch(apiUrl(path, opts.query), init);
	} catch (e) {
		throw new ApiError(0, 'network', 'The server did not answer (' +
			e.message + '); check that ferry serve is running.');
	}
	if (res.status === 401 && session && !opts.signingIn) {
		signedOut('Your session has ended; sign in again.');
		throw await errorOf(res);
	}
	if (!res.ok)
		throw await errorOf(res);
	if (opts.raw)
		return res;
	if (res.status === 204)
		return null;
	const doc = await res.json();
	if (res.status === 202 && doc && doc.job !== undefined)
		return followJob(doc.job, opts.onProgress);
	return doc;
}

/* Polls a long operation until it is done; its result is the answer. */
async function followJob(id, onProgress) {
	for (;;) {
		const job = await api('GET', '/jobs/' + encodeURIComponent(id));
		if (onProgress)
			onProgress(job.done || 0, job.total || 0);
		if (job.state === 'done')
			return job.result;
		if (job.state === 'failed') {
			const e = job.error || {};
			throw new ApiError(e.status || 500, e.code || 'failed',
				e.message || 'the operation failed');
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

/* An upload with progress (fetch cannot report upload progress). */
function upload(path, file, onProgress, query) {
	return new Promise((resolve, reject) => {
		const x = new XMLHttpRequest();
		x.open('POST', apiUrl(path, Object.assign({ name: file.name },
			query || {})));
		for (const [k, v] of Object.entries(apiHeaders('POST')))
			x.setRequestHeader(k, v);
		x.setRequestHeader('Content-Type', 'application/octet-stream');
		x.upload.onprogress = (e) => {
			if (e.lengthComputable)
				onProgress(e.loaded, e.total);
		};
		x.onerror = () => reject(new ApiError(0, 'network',
			'The upload was cut off; check that ferry serve is ' +
			'running and try again.'));
		x.onload = () => {
			let doc = null;
			try {
				doc = JSON.parse(x.responseText);
			} catch (e) { /* keep null */ }
			if (x.status >= 200 && x.status < 300) {
				if (x.status === 202 && doc && doc.job !== undefined)
					followJob(doc.job, onProgress).then(resolve,
						reject);
				else
					resolve(doc);
				return;
			}
			const err = (doc && doc.error) || {};
			if (x.status === 401)
				signedOut('Your session has ended; sign in again.');
			reject(new ApiError(x.status, err.code || 'http_' +
				x.status, err.message || 'HTTP ' + x.status));
		};
		x.send(file);
	});
}

/* ---- building the page ------------------------------------------------- */

/* h('p', {class: 'x'}, 'text', child...): one element. */
function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on'))
			el.addEventListener(k.slice(2), v);
		else if (k === 'class')
			el.className = v;
		else if (k === 'text')
			el.textContent = v;
		else if (v === true)
			el.setAttribute(k, '');
		else
			el.setAttribute(k, v);
	}
	append(el, children);
	return el;
}

/* Replaces an element's children; null, undefined and false are left out. */
function fill(el, ...children) {
	el.textContent = '';
	return append(el, children);
}

function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === undefined || c === null || c === false)
			continue;
		el.append(c instanceof Node ? c : String(c));
	}
	return el;
}

let uid = 0;
function nextId(prefix) {
	return prefix + '-' + (++uid);
}

/* A labelled control: the label names it, the hint describes it. */
function field(label, control, hint) {
	control.id = control.id || nextId('f');
	const parts = [h('label', { for: control.id }, label), control];
	if (hint) {
		const hid = nextId('hint');
		control.setAttribute('aria-describedby', hid);
		parts.push(h('small', { id: hid, class: 'hint' }, hint));
	}
	return h('div', { class: 'field' }, parts);
}

function input(attrs) {
	return h('input', Object.assign({ type: 'text' }, attrs));
}

function select(name, options, value) {
	const s = h('select', { name });
	for (const o of options) {
		const [v, text] = Array.isArray(o) ? o : [o, o];
		const opt = h('option', { value: v }, text);
		if (v === value)
			opt.selected = true;
		s.append(opt);
	}
	return s;
}

/* The place where an action's error (the API's message) appears. */
function errorSlot() {
	return h('p', { class: 'error', role: 'alert', hidden: true });
}

function showError(slot, e) {
	slot.hidden = false;
	slot.textContent = e instanceof ApiError ? e.message :
		String(e.message || e);
	slot.dataset.code = e.code || '';
}

function clearError(slot) {
	slot.hidden = true;
	slot.textContent = '';
}

/*
 * Runs an action for a button: the button is busy meanwhile and the
 * API's message appears in `slot`, right beside what caused it.
 */
async function act(button, slot, fn) {
	clearError(slot);
	button.disabled = true;
	button.setAttribute('aria-busy', 'true');
	try {
		return await fn();
	} catch (e) {
		showError(slot, e);
		return undefined;
	} finally {
		button.disabled = false;
		button.removeAttribute('aria-busy');
	}
}

function announce(text) {
	const s = document.getElementById('status');
	s.textContent = '';
	setTimeout(() => { s.textContent = text; }, 30);
}

function notice(text, kind) {
	return h('p', { class: 'notice ' + (kind || ''), role: 'status' },
		text);
}

/*
 * A card holding a form: its heading (id names it), its fields, the slot
 * for the API's message and the submit button.  submit(out) is the
 * button's action; out is a slot under the button for what it answers.
 */
function formCard(id, title, parts, label, submit, level = 'h3') {
	const err = errorSlot();
	const out = h('div', {});
	const button = h('button', { type: 'submit' }, label);
	const form = h('form', { class: 'card', 'aria-labelledby': id },
		h(level, { id }, title), parts, err,
		h('div', { class: 'actions' }, button), out);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		act(button, err, () => submit(out));
	});
	return form;
}

/* A table; rows are arrays of cells (strings or nodes). */
function table(caption, heads, rows, opts = {}) {
	const t = h('table', { class: opts.class || '' },
		h('caption', { class: opts.showCaption ? '' :
			'visually-hidden' }, caption),
		h('thead', {}, h('tr', {}, heads.map((x) => h('th',
			{ scope: 'col' }, x)))),
		h('tbody', {}, rows.length ? rows.map((r) => h('tr',
			r.attrs || {}, (r.cells || r).map((c, i) => h('td',
				{ 'data-label': heads[i] }, c)))) :
			h('tr', {}, h('td', { colspan: heads.length,
				class: 'empty' }, opts.empty || 'Nothing here.'))));
	return h('div', { class: 'table-wrap' }, t);
}

/* Previous / next over a list of `total` rows seen `offset` onwards. */
function pager(offset, total, go) {
	const from = total ? offset + 1 : 0;
	const to = Math.min(offset + PAGE, total);
	const prev = h('button', { type: 'button', disabled: offset <= 0,
		onclick: () => go(Math.max(0, offset - PAGE)) }, 'Previous');
	const next = h('button', { type: 'button', disabled: to >= total,
		onclick: () => go(offset + PAGE) }, 'Next');
	return h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev,
		h('span', {}, `${from}\u2013${to} of ${total}`), next);
}

/*
 * A list read from the API a page at a time: render(rows) draws a page;
 * the API's message shows above it when a page cannot be read.
 */
function pagedList(path, render) {
	const slot = h('div', {});
	const err = errorSlot();
	let offset = 0;

	async function load() {
		clearError(err);
		let doc;
		try {
			doc = await api('GET', path, { query: { limit: PAGE,
				offset } });
		} catch (e) {
			showError(err, e);
			return;
		}
		const all = listOf(doc);
		const total = totalOf(doc);
		/* a server that answers every row: page here */
		const rows = all.length > PAGE ? all.slice(offset, offset +
			PAGE) : all;
		fill(slot, render(rows), total > PAGE ? pager(offset, total,
			(o) => { offset = o; load(); }) : null);
	}
	return { el: h('div', {}, err, slot), load };
}

function link(href, text) {
	return h('a', { href }, text);
}

function short(hash) {
	return hash ? h('code', { title: hash }, hash.slice(0, 12)) : '\u2014';
}

function dash(v) {
	return v === null || v === undefined || v === '' ? '\u2014' : String(v);
}

/* A UTC ISO time from the API, shown in the user's time zone. */
function when(iso) {
	if (!iso)
		return '\u2014';
	const d = new Date(iso);
	if (isNaN(d))
		return iso;
	let text;
	try {
		const parts = {};
		for (const p of new Intl.DateTimeFormat('en-GB', {
			timeZone: userTz(), year: 'numeric', month: '2-digit',
			day: '2-digit', hour: '2-digit', minute: '2-digit',
			second: '2-digit', hourCycle: 'h23' }).formatToParts(d))
			parts[p.type] = p.value;
		text = `${parts.year}-${parts.month}-${parts.day} ` +
			`${parts.hour}:${parts.minute}:${parts.second}`;
	} catch (e) {
		text = d.toISOString();
	}
	return h('time', { datetime: iso, title: iso + ' (UTC)' }, text);
}

function userTz() {
	return (session && session.tz) ||
		Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function adminOnly(node) {
	return session && session.admin ? node : null;
}

/* A name in curly quotes, as headings show it. */
function quoted(s) {
	return '\u201c' + s + '\u201d';
}

function enc(s) {
	return encodeURIComponent(s);
}

/* Saves a downloaded file under the name the server gave it. */
async function saveResponse(res, fallback) {
	const cd = res.headers.get('Content-Disposition') || '';
	let name = fallback;
	const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
	const plain = /filename="?([^";]+)"?/i.exec(cd);
	if (star)
		name = decodeURIComponent(star[1]);
	else if (plain)
		name = plain[1];
	const blob = await res.blob();
	const url = URL.createObjectURL(blob);
	const a = h('a', { href: url, download: name, hidden: true });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
	return { name, size: blob.size };
}

/* ---- sign in and out --------------------------------------------------- */

function renderSignIn(message) {
	document.querySelector('header.top').hidden = true;
	const user = input({ name: 'user', autocomplete: 'username',
		required: true });
	const pass = input({ name: 'password', type: 'password',
		autocomplete: 'current-password', required: true });
	const err = errorSlot();
	const button = h('button', { type: 'submit', class: 'primary' },
		'Sign in');
	const form = h('form', { class: 'card signin', 'aria-label':
		'Sign in' },
		h('h1', {}, 'Sign in to ferry'),
		message ? notice(message) : null,
		field('User name', user), field('Password', pass), err,
		h('div', { class: 'actions' }, button));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		act(button, err, async () => {
			const doc = await api('POST', '/session', { body:
				{ user: user.value, password: pass.value },
				signingIn: true });
			await startSession(doc);
		});
	});
	mount(form);
	user.focus();
}

async function startSession(doc) {
	session = { user: doc.user, admin: !!doc.admin, csrf: doc.csrf,
		tz: doc.tz || null };
	if (!session.tz) {
		/* the user's own zone (BRIEF: dates in the user's zone); the
		 * browser's when the server does not say it */
		try {
			const users = listOf(await api('GET', '/users'));
			const me = users.find((u) => u.name === session.user);
			session.tz = (me && me.tz) || null;
		} catch (e) { /* the browser's zone then */ }
	}
	sessionStorage.setItem('ferry.session', JSON.stringify(session));
	await showShell();
	if (!location.hash || location.hash === '#/')
		location.hash = '#/packs'; /* hashchange draws it */
	else
		route();
}

function signedOut(message) {
	session = null;
	sessionStorage.removeItem('ferry.session');
	renderSignIn(message);
}

async function signOut() {
	try {
		await api('DELETE', '/session');
	} catch (e) { /* signed out on this side anyway */ }
	signedOut('You have signed out.');
}

async function showShell() {
	const top = document.querySelector('header.top');
	top.hidden = false;
	document.getElementById('who-name').textContent = session.user;
	const role = document.getElementById('who-role');
	role.textContent = session.admin ? 'admin' : 'user';
	document.getElementById('who-tz').textContent = userTz();
	for (const li of document.querySelectorAll('[data-admin]'))
		li.hidden = !session.admin;
	try {
		const info = await api('GET', '/instance');
		document.getElementById('instance-name').textContent =
			info.name || '';
		document.title = 'ferry \u2014 ' + (info.name || '');
	} catch (e) { /* the pages will show it */ }
}

/* ---- routing ----------------------------------------------------------- */

const routes = [
	[/^#\/packs$/, pagePacks],
	[/^#\/packs\/(.+)$/, pagePack],
	[/^#\/imports$/, pageImports],
	[/^#\/imports\/(\d+)$/, pageImport],
	[/^#\/unpack$/, pageUnpack],
	[/^#\/entities$/, pageEntities],
	[/^#\/entities\/([^/]+)$/, pageEntity],
	[/^#\/records\/([^/]+)$/, pageRecords],
	[/^#\/records\/([^/]+)\/([^/]+)$/, pageRecord],
	[/^#\/formulas$/, (m) => pageDefinitions('formulas')],
	[/^#\/formulas\/(.+)$/, (m) => pageDefinition('formulas', m[1])],
	[/^#\/datasets$/, (m) => pageDefinitions('datasets')],
	[/^#\/datasets\/(.+)$/, (m) => pageDefinition('datasets', m[1])],
	[/^#\/users$/, pageUsers],
];

function mount(...nodes) {
	const main = document.getElementById('main');
	fill(main, ...nodes.filter(Boolean));
}

async function route() {
	if (!session)
		return renderSignIn();
	const hash = location.hash || '#/packs';
	for (const a of document.querySelectorAll('#nav a')) {
		const on = hash === a.getAttribute('href') ||
			hash.startsWith(a.getAttribute('href') + '/');
		if (on)
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
	for (const [re, fn] of routes) {
		const m = re.exec(hash);
		if (!m)
			continue;
		const args = m.slice(1).map(decodeURIComponent);
		const main = document.getElementById('main');
		main.removeAttribute('data-ready');
		mount(h('p', { class: 'muted' }, 'Loading\u2026'));
		try {
			await fn(args, m);
		} catch (e) {
			const err = errorSlot();
			showError(err, e);
			mount(h('h1', {}, 'Cannot show this page'), err);
		}
		const h1 = main.querySelector('h1');
		if (h1)
			document.title = h1.textContent + ' \u2014 ferry';
		/* the page is drawn: tests and people may go on */
		main.setAttribute('data-ready', '');
		return;
	}
	location.hash = '#/packs';
}

/* ---- local packs (seed 000) --------------------------------------------- */

async function pagePacks() {
	const search = input({ type: 'search', name: 'q',
		value: sessionStorage.getItem('ferry.packs.q') || '' });
	const state = select('state', [['', 'All states'],
		['in_progress', 'In progress'], ['completed', 'Completed']],
		sessionStorage.getItem('ferry.packs.state') || '');
	const listSlot = h('div', {});
	const listErr = errorSlot();

	async function load() {
		sessionStorage.setItem('ferry.packs.q', search.value);
		sessionStorage.setItem('ferry.packs.state', state.value);
		clearError(listErr);
		let doc;
		try {
			doc = await api('GET', '/packs', { query:
				{ q: search.value, state: state.value } });
		} catch (e) {
			showError(listErr, e);
			return;
		}
		/* the filters are the server's; also applied here so the list
		 * matches what the boxes say even on an older server */
		const needle = search.value.toLowerCase();
		const rows = listOf(doc).filter((p) =>
			(!state.value || p.state === state.value) &&
			(!needle || p.name.toLowerCase().includes(needle) ||
			 (p.description || '').toLowerCase().includes(needle)));
		fill(listSlot, table('Local packs', ['Name', 'State',
			'Records', 'Out of date', 'Created by', 'Completed'],
			rows.map((p) => ({ attrs: { 'data-pack': p.name },
				cells: [link('#/packs/' + enc(p.name), p.name),
					stateBadge(p.state), String(p.records ?? 0),
					outOfDate(p.out_of_date), dash(p.created_by),
					when(p.completed_at)] })),
			{ empty: 'No local pack matches.' }));
	}
	const filters = h('form', { class: 'filters', role: 'search',
		'aria-label': 'Find local packs' },
		field('Search', search, 'name or description'),
		field('State', state));
	filters.addEventListener('submit', (e) => { e.preventDefault();
		load(); });
	search.addEventListener('input', debounce(load, 200));
	state.addEventListener('change', load);

	mount(h('h1', {}, 'Local packs'), filters, listErr, listSlot,
		createPackForm());
	await load();
}

function listOf(doc) {
	return Array.isArray(doc) ? doc : (doc && doc.items) || [];
}

function totalOf(doc) {
	return Array.isArray(doc) ? doc.length : (doc && doc.total) ??
		listOf(doc).length;
}

function stateBadge(s) {
	return h('span', { class: 'badge state-' + s }, (s || '').replace('_',
		' '));
}

function outOfDate(n) {
	return n ? h('span', { class: 'warn-mark' }, h('span',
		{ 'aria-hidden': 'true' }, '\u26a0 '), String(n)) : '0';
}

function debounce(fn, ms) {
	let t;
	return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a),
		ms); };
}

function createPackForm() {
	const name = input({ name: 'name', required: true });
	const desc = input({ name: 'description' });
	const use = h('input', { type: 'checkbox', name: 'use', checked: true });
	use.id = nextId('f');
	return formCard('new-pack-h', 'New local pack', [field('Name', name),
		field('Description', desc), h('div', { class: 'check' }, use,
			h('label', { for: use.id },
				'Capture my changes in it (use it)'))],
	'Create pack', async () => {
		await api('POST', '/packs', { body: { name: name.value,
			description: desc.value, use: use.checked } });
		announce('Created pack ' + name.value);
		location.hash = '#/packs/' + enc(name.value);
	}, 'h2');
}

/* A record's name for people: its name-like field, else its key. */
function recordName(rec) {
	if (!rec)
		return null;
	for (const k of ['name', 'title', 'display', 'code', 'label'])
		if (typeof rec[k] === 'string' && rec[k])
			return rec[k];
	for (const [k, v] of Object.entries(rec))
		if (!k.startsWith('sys_') && typeof v === 'string' && v)
			return v;
	return null;
}

async function pagePack([name]) {
	const pack = await api('GET', '/packs/' + enc(name));
	const err = errorSlot();
	const done = h('div', { class: 'export-result', role: 'status' });
	const completed = pack.state === 'completed';
	const isDefault = pack.name === 'Default';

	const buttons = [];
	function button(label, attrs, fn) {
		const b = h('button', Object.assign({ type: 'button' }, attrs),
			label);
		b.addEventListener('click', () => act(b, err, () => fn(b)));
		buttons.push(b);
		return b;
	}
	if (!completed && !isDefault)
		button('Complete', { class: 'primary' }, async () => {
			await api('POST', `/packs/${enc(name)}/complete`);
			announce('Pack completed');
			await pagePack([name]);
		});
	if (completed)
		button('Reopen', {}, async () => {
			await api('POST', `/packs/${enc(name)}/reopen`);
			await pagePack([name]);
		});
	if (!completed)
		button('Use', {}, async () => {
			await api('POST', `/packs/${enc(name)}/use`);
			fill(done, notice('Your changes are now ' +
				'captured in ' + name + '.', 'ok'));
		});
	if (completed) {
		button('Export', { class: 'primary' }, () => exportPack(name,
			'plain', false, done));
		button('Export as application', {}, () =>
			confirmApplication(name, done));
	}

	const formRows = [['Name', pack.name], ['State', stateBadge(pack.state)],
		['Description', dash(pack.description)],
		['Created by', dash(pack.created_by)],
		['Created', when(pack.created_at)],
		['Completed', when(pack.completed_at)]];
	const items = pack.items || [];
	const stale = items.filter((i) => i.out_of_date).length;
	const itemsSlot = h('div', {});

	async function showItems(offset) {
		const page = items.slice(offset, offset + PAGE);
		const names = await Promise.all(page.map(async (it) => {
			try {
				return recordName(await api('GET', '/records/' +
					enc(it.entity) + '/' + enc(it.sys_id)));
			} catch (e) {
				return e.status === 404 ? '(deleted)' : null;
			}
		}));
		fill(itemsSlot, table('Record versions in ' + name,
			['Entity', 'Record', 'Action', 'Version', 'Out of date'],
			page.map((it, i) => ({ attrs: { 'data-sys-id': it.sys_id,
				class: it.out_of_date ? 'stale' : '' },
				cells: [it.entity, link('#/records/' +
					enc(it.entity) + '/' + enc(it.sys_id),
					names[i] || it.sys_id), it.action,
					short(it.version), it.out_of_date ?
					h('span', { class: 'warn-mark' },
						'\u26a0 out of date') : 'no'] })),
			{ empty: 'No record versions in this pack yet.' }),
			items.length > PAGE ? pager(offset, items.length,
				showItems) : null);
	}
	const defs = pack.definitions || [];
	mount(h('p', { class: 'crumbs' }, link('#/packs', 'Local packs'),
		' / ', pack.name),
	h('h1', {}, 'Local pack ', quoted(pack.name)),
	h('dl', { class: 'form-view' }, formRows.map(([k, v]) =>
		[h('dt', {}, k), h('dd', {}, v)])),
	h('div', { class: 'actions toolbar', role: 'group', 'aria-label':
		'Pack actions' }, buttons), err, done,
	completed ? h('p', { class: 'muted' }, SEED_APP_DOWNLOAD) :
		h('p', { class: 'muted' }, isDefault ?
		'The Default pack is never completed or exported.' :
		'Complete the pack to export it.'),
	stale ? notice(`${stale} record version(s) in this pack are out of ` +
		'date: the record changed again outside the pack.', 'warn') :
		null,
	h('h2', {}, 'Record versions'), itemsSlot,
	defs.length ? [h('h2', {}, 'Formula and data set versions'),
		table('Formula and data set versions', ['Kind', 'Name',
			'Version'], defs.map((d) => [d.kind, d.name,
			String(d.version)]))] : null,
	completed ? null : addItemForm(name));
	await showItems(0);
}

function addItemForm(pack) {
	const entity = input({ name: 'entity', required: true });
	const id = input({ name: 'sys_id', required: true });
	return formCard('add-item-h', 'Add a record\u2019s current version',
		[field('Entity', entity), field('Record sys_id', id)],
		'Add to pack', async () => {
			await api('POST', `/packs/${enc(pack)}/items`, { body:
				{ entity: entity.value, sys_id: id.value } });
			await pagePack([pack]);
		}, 'h2');
}

async function exportPack(name, mode, force, done) {
	const res = await api('POST', `/packs/${enc(name)}/export`, { body:
		{ mode, force }, raw: true });
	const saved = await saveResponse(res, name + '.sop');
	fill(done, notice(h('span', {}, 'Exported ', h('strong',
		{ class: 'file-name' }, saved.name), ` (${saved.size} bytes, ` +
		(mode === 'application' ? 'as an application' :
			'local pack') + ').'), 'ok'));
	announce('Exported ' + saved.name);
}

/* Export as application: the seed's warning first, word for word. */
function confirmApplication(name, done) {
	const err = errorSlot();
	const go = h('button', { type: 'button', class: 'primary' },
		'Export as application');
	const cancel = h('button', { type: 'button' }, 'Cancel');
	const force = h('div', {});
	const dlg = h('dialog', { 'aria-labelledby': 'app-h', class: 'card' },
		h('h2', { id: 'app-h' }, 'Export \u2192 As a New Application'),
		h('p', { class: 'seed-warning' }, SEED_APP_WARNING),
		h('p', {}, SEED_APP_RECOMMEND),
		h('p', { class: 'muted' }, 'Records of the entities listed in ' +
			'the protected.essences property become Protected, ' +
			'other changed records Open.'),
		err, force, h('div', { class: 'actions' }, go, cancel));
	cancel.addEventListener('click', () => dlg.close());
	dlg.addEventListener('close', () => dlg.remove());
	go.addEventListener('click', () => act(go, err, async () => {
		try {
			await exportPack(name, 'application', false, done);
			dlg.close();
		} catch (e) {
			if (e.status !== 409)
				throw e;
			/* vendor records: the seed's warning, and a way on */
			const again = h('button', { type: 'button',
				class: 'danger' }, 'Export anyway');
			const ferr = errorSlot();
			again.addEventListener('click', () => act(again, ferr,
				async () => {
					await exportPack(name, 'application',
						true, done);
					dlg.close();
				}));
			fill(force, h('p', { class: 'seed-warning' },
				SEED_APP_VENDOR), ferr, h('div',
				{ class: 'actions' }, again));
			throw e;
		}
	}));
	document.body.append(dlg);
	dlg.showModal();
	go.focus();
}

/* ---- imports ------------------------------------------------------------ */

async function pageImports() {
	const list = pagedList('/imports', (rows) => table('Imports',
		['Import', 'State', 'Pack', 'Mode', 'Items', 'Loaded by',
			'Loaded', 'Committed', 'Backed out'], rows.map((i) => ({
			attrs: { 'data-import': String(i.id) },
			cells: [link('#/imports/' + i.id, 'Import ' + i.id),
				stateBadge(i.state), dash(i.pack && i.pack.name),
				dash(i.mode), String(i.items ?? ''),
				dash(i.loaded_by), when(i.loaded_at),
				when(i.committed_at), when(i.backed_out_at)] })),
		{ empty: 'Nothing imported yet.' }));
	mount(h('h1', {}, 'Imports'), adminOnly(uploadForm()), list.el);
	await list.load();
}

function progressBar(label) {
	const bar = h('progress', { max: 100, value: 0, 'aria-label': label });
	const text = h('span', { class: 'progress-text' });
	const wrap = h('div', { class: 'progress', hidden: true }, bar, text);
	return {
		el: wrap,
		set(done, total, what) {
			wrap.hidden = false;
			if (total > 0) {
				bar.max = total;
				bar.value = done;
				text.textContent = `${what || ''} ${Math.round(
					done * 100 / total)}%`;
			} else {
				bar.removeAttribute('value');
				text.textContent = what || '';
			}
		},
		done(text2) {
			bar.max = 1;
			bar.value = 1;
			text.textContent = text2;
		},
	};
}

function uploadForm() {
	const file = h('input', { type: 'file', name: 'package',
		accept: '.sop,.xml,application/octet-stream', required: true });
	const err = errorSlot();
	const prog = progressBar('Upload progress');
	const button = h('button', { type: 'submit', class: 'primary' },
		'Upload and load');
	const form = h('form', { class: 'card', 'aria-labelledby': 'up-h' },
		h('h2', { id: 'up-h' }, 'Load a package'),
		field('Package file (.sop)', file, 'Loading verifies and stages ' +
			'the package; nothing in this instance changes until ' +
			'you commit.'),
		prog.el, err, h('div', { class: 'actions' }, button));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		if (!file.files[0])
			return;
		act(button, err, async () => {
			const doc = await upload('/imports', file.files[0],
				(d, t) => prog.set(d, t, 'Uploading'));
			if (!doc || doc.id === undefined)
				throw new Error('The server answered no import.');
			prog.done('Loaded');
			sessionStorage.setItem('ferry.load.' + doc.id,
				JSON.stringify(doc));
			location.hash = '#/imports/' + doc.id;
		});
	});
	return form;
}

const STEPS = ['Load', 'Preview', 'Resolve', 'Commit', 'Back out'];

function stepsOf(state, unresolved) {
	const at = { loaded: 1, previewed: unresolved ? 2 : 3, committed: 4,
		backed_out: 5 };
	const n = at[state] ?? 1;
	return h('ol', { class: 'steps', 'aria-label': 'Import steps' },
		STEPS.map((s, i) => h('li', { class: i < n ? 'done' : '',
			'aria-current': i === n - 1 ? 'step' : false }, s)));
}

/*
 * The wizard asks for the preview first: a loaded or previewed import
 * answers with its first page of problems (and its summary), so a large
 * import never sends its whole item list; a committed or backed-out one
 * answers 409 (a non-admin 403), and then its details and outcomes come
 * from GET /imports/ID.
 */
async function pageImport([id]) {
	let info, first = null;
	try {
		first = await api('GET', `/imports/${id}/preview`, { query:
			{ limit: PAGE, offset: 0 } });
		info = first;
	} catch (e) {
		/* 409: committed or backed out; 403: previewing is an admin's
		 * step, but anyone may look at the import */
		if (e.status !== 409 && e.status !== 403)
			throw e;
		info = await api('GET', '/imports/' + id, { query:
			{ limit: PAGE } });
	}
	const load = JSON.parse(sessionStorage.getItem('ferry.load.' + id) ||
		'null');
	const src = Object.assign({}, load || {}, info);
	const admin = session.admin;
	const err = errorSlot();
	const body = h('div', {});
	const head = [h('p', { class: 'crumbs' }, link('#/imports', 'Imports'),
		' / Import ' + id),
	h('h1', {}, 'Import ' + id), stepsOf(info.state, info.unresolved),
	h('dl', { class: 'form-view' }, [
		/* [label, the value it needs, how it shows]: a row whose
		 * value is not there (yet) is left out */
		['State', info.state, () => stateBadge(info.state)],
		['Pack', info.pack, () => info.pack.name],
		['Mode', src.mode, () => src.mode],
		['From', src.source, () => src.source.name],
		['File', info.file, () => h('span', { title: info.file },
			info.file.split('/').pop())],
		['Stamp', info.stamp, () => short(info.stamp)],
		['Loaded', info.loaded_at, () => [dash(info.loaded_by), ' ',
			when(info.loaded_at)]],
		['Committed', info.committed_at, () => [dash(info.committed_by),
			' ', when(info.committed_at)]],
		['Backup', info.backup, () => h('code', { class: 'backup-path' },
			info.backup)],
		['Backed out', info.backed_out_at, () => [
			dash(info.backed_out_by), ' ', when(info.backed_out_at)]],
	].filter(([, v]) => v !== null && v !== undefined).map(([k, , f]) =>
		[h('dt', {}, k), h('dd', {}, f())]))];
	if (load)
		head.push(h('section', { class: 'card', 'aria-labelledby':
			'load-h' }, h('h2', { id: 'load-h' }, 'Load result'),
		h('p', { class: 'stamp-message' }, load.message ||
			(load.previous ? '' : 'First import of this package ' +
				'here.')),
		h('p', { class: 'muted' }, `${load.items} item(s), stamp `,
			short(load.stamp))));
	mount(...head, err, body);

	if (first) {
		await previewSection(id, body, admin, first);
	} else if (info.state === 'committed') {
		body.append(outcomeSection(info),
			admin ? backoutSection(id) : null);
	} else if (info.state === 'loading') {
		/* its staging committed, not yet its plan: a load under way,
		 * or one a crash stopped (docs/import.md, "Load") */
		body.append(notice('This import has not finished loading. ' +
			'Unless its load is still running, discard it and load ' +
			'the file again.', 'warn'),
		admin ? discardSection(id) : null);
	} else {
		body.append(outcomeSection(info));
	}
}

function outcomeSection(info) {
	const items = info.items || [];
	return h('section', { 'aria-labelledby': 'out-h' },
		h('h2', { id: 'out-h' }, 'Items'),
		table('Items of import ' + info.id, ['Item', 'Type', 'Entity',
			'Record', 'Action', 'Resolution', 'Outcome'],
		items.slice(0, PAGE).map((i) => [String(i.item), dash(i.type),
			dash(i.entity), dash(i.key || i.sys_id), dash(i.action),
			dash(i.resolution), dash(i.outcome)])),
		items.length > PAGE ? h('p', { class: 'muted' },
			`First ${PAGE} of ${items.length} items.`) : null);
}

function backoutSection(id) {
	const err = errorSlot();
	const prog = progressBar('Back out progress');
	const b = h('button', { type: 'button', class: 'danger' }, 'Back out');
	b.addEventListener('click', () => act(b, err, async () => {
		if (!confirm('Back out import ' + id + '? Every record it ' +
		    'touched goes back to its version before the import.'))
			return;
		await api('POST', `/imports/${id}/backout`, { body: {},
			onProgress: (d, t) => prog.set(d, t, 'Backing out') });
		announce('Import backed out');
		await pageImport([id]);
	}));
	return h('section', { class: 'card', 'aria-labelledby': 'bo-h' },
		h('h2', { id: 'bo-h' }, 'Back out'),
		h('p', {}, 'Restores every record this import touched to its ' +
			'version before the import, unless it changed since.'),
		prog.el, err, h('div', { class: 'actions' }, b));
}

const KINDS = ['local_change', 'customized', 'protected', 'missing_entity',
	'missing_field', 'missing_reference', 'already_deleted',
	'already_applied', 'formula_draft_exists', 'same_change',
	'still_referenced', 'creates_entity', 'creates_field'];

async function previewSection(id, body, admin, first) {
	const severity = select('severity', [['', 'Any severity'], 'error',
		'warning', 'info']);
	const kind = select('kind', [['', 'Any kind'], ...KINDS]);
	const entity = input({ type: 'search', name: 'entity' });
	const filters = h('form', { class: 'filters', 'aria-label':
		'Filter problems' }, field('Severity', severity),
	field('Kind', kind), field('Entity', entity));
	const summary = h('div', { class: 'summary' });
	const listSlot = h('div', {});
	const listErr = errorSlot();
	const diffSlot = h('div', {});
	const bulkErr = errorSlot();
	const selected = new Set();
	let offset = 0;
	let shown = [];

	async function load() {
		clearError(listErr);
		const t0 = performance.now();
		let doc = first;
		const fetched = !first;
		first = null; /* the page's own first answer serves once */
		try {
			if (!doc)
				doc = await api('GET', `/imports/${id}/preview`,
					{ query: { severity: severity.value,
						kind: kind.value,
						entity: entity.value, limit: PAGE,
						offset } });
		} catch (e) {
			showError(listErr, e);
			return;
		}
		/* the server filters and pages: problems is the page,
		 * matched how many problems the filters keep */
		const problems = doc.problems || [];
		const total = doc.matched;
		shown = problems;
		const steps = document.querySelector('main ol.steps');
		if (steps && doc.state)
			steps.replaceWith(stepsOf(doc.state, doc.unresolved));
		const ms = Math.round(performance.now() - t0);
		fill(summary, h('p', {}, `${doc.items} item(s): `,
			Object.entries(doc.actions || {}).filter(([, n]) => n)
				.map(([a, n]) => `${n} ${a}`).join(', ') ||
				'nothing to change',
			'. ', h('strong', { class: 'unresolved' },
				`${doc.unresolved ?? 0} unresolved`),
			` error(s); ${doc.problem_count} problem(s).`),
		doc.kinds ? h('p', { class: 'muted kinds' }, 'By kind: ',
			Object.entries(doc.kinds).map(([k, n]) => `${k} ${n}`)
				.join(', ') || 'none') : null);
		fill(listSlot, table('Problems', [admin ?
			'Select' : '', 'Item', 'Entity', 'Record', 'Kind',
			'Severity', 'What to do', 'Resolution', ''],
		problems.map((p) => ({ attrs: { 'data-item': String(p.item),
			class: 'sev-' + p.severity }, cells: [
			admin ? selectBox(p) : '', String(p.item), p.entity,
			h('code', {}, dash(p.key || p.sys_id)), p.kind,
			h('span', { class: 'badge sev ' + p.severity },
				p.severity), p.message, dash(p.resolution),
			problemActions(p)] })),
		{ empty: 'No problem matches: nothing stands in the way.' }),
		pager(offset, total, (o) => { offset = o; load(); }),
		fetched ? h('p', { class: 'muted timing' },
			`Read in ${ms} ms.`) : null);
		fill(commitSlot, admin ? commitSection(id,
			doc.unresolved ?? 0) : null);
	}

	function selectBox(p) {
		const c = h('input', { type: 'checkbox', 'aria-label':
			'Select item ' + p.item, checked: selected.has(p.item) });
		c.addEventListener('change', () => c.checked ?
			selected.add(p.item) : selected.delete(p.item));
		return c;
	}

	function problemActions(p) {
		const err = errorSlot();
		const diff = h('button', { type: 'button' }, 'Diff');
		diff.addEventListener('click', () => act(diff, err, () =>
			showDiff(id, p, diffSlot, load)));
		const acts = [diff];
		if (admin)
			for (const [label, action] of [['Accept', 'accept'],
				['Skip', 'skip'], ['Clear', 'clear']]) {
				const b = h('button', { type: 'button' }, label);
				b.setAttribute('aria-label', label + ' item ' +
					p.item);
				b.addEventListener('click', () => act(b, err,
					async () => {
						await resolve(id, { action,
							items: [p.item] });
						await load();
					}));
				acts.push(b);
			}
		diff.setAttribute('aria-label', 'Diff of item ' + p.item);
		return h('div', { class: 'row-actions' }, acts, err);
	}

	function bulk(label, body2) {
		const b = h('button', { type: 'button' }, label);
		b.addEventListener('click', () => act(b, bulkErr, async () => {
			const req = body2();
			if (!req)
				throw new Error('Select the items first.');
			await resolve(id, req);
			selected.clear();
			await load();
		}));
		return b;
	}

	const commitSlot = h('div', {});
	for (const c of [severity, kind])
		c.addEventListener('change', () => { offset = 0; load(); });
	entity.addEventListener('input', debounce(() => { offset = 0;
		load(); }, 250));
	filters.addEventListener('submit', (e) => { e.preventDefault();
		load(); });
	const selAll = h('button', { type: 'button' }, 'Select page');
	selAll.addEventListener('click', () => {
		for (const p of shown)
			selected.add(p.item);
		for (const c of listSlot.querySelectorAll(
			'input[type=checkbox]'))
			c.checked = true;
	});
	body.append(h('section', { 'aria-labelledby': 'pv-h' },
		h('h2', { id: 'pv-h' }, 'Preview'), summary, filters,
		admin ? h('div', { class: 'actions toolbar', role: 'group',
			'aria-label': 'Resolve in bulk' }, selAll,
		bulk('Accept selected', () => selected.size && { action:
			'accept', items: [...selected] }),
		bulk('Skip selected', () => selected.size && { action: 'skip',
			items: [...selected] }),
		bulk('Accept all', () => ({ action: 'accept', all: true })),
		bulk('Skip all', () => ({ action: 'skip', all: true }))) : null,
		bulkErr, listErr, listSlot, diffSlot), commitSlot,
	admin ? discardSection(id) : null);
	await load();
}

function resolve(id, req) {
	return api('POST', `/imports/${id}/resolve`, { body: req });
}

/* The per-field three-way diff of one item, and a hand merge. */
async function showDiff(id, p, slot, reload) {
	const doc = await api('GET', `/imports/${id}/items/${p.item}/diff`);
	const item = doc.items[0];
	const fields = item.fields || [];
	const admin = session.admin;
	const picks = new Map();
	const err = errorSlot();
	const fmt = (v) => v === undefined ? '\u2014' :
		h('code', {}, JSON.stringify(v));
	const rows = fields.map((f) => {
		let pick = '';
		if (admin && f.conflict) {
			const name = nextId('pick');
			pick = h('fieldset', { class: 'pick' }, h('legend',
				{ class: 'visually-hidden' }, 'Keep for ' + f.name),
			['target', 'package'].map((side) => {
				const r = h('input', { type: 'radio', name,
					value: side });
				r.id = nextId('f');
				r.addEventListener('change', () => picks.set(
					f.name, f[side]));
				return h('span', {}, r, h('label', { for: r.id },
					side === 'target' ? 'Keep target' :
						'Take package'));
			}));
		}
		return { attrs: { class: f.conflict ? 'conflict' : '',
			'data-field': f.name }, cells: [f.external_name ?
			`${f.name} (${f.external_name})` : f.name, fmt(f.base),
			fmt(f.target), fmt(f.package), f.conflict ?
				h('strong', { class: 'warn-mark' }, 'conflict') :
				'', pick] };
	});
	const merge = h('button', { type: 'button', class: 'primary' },
		'Resolve with these choices (merge)');
	merge.addEventListener('click', () => act(merge, err, async () => {
		if (!picks.size)
			throw new Error('Choose a side for at least one ' +
				'conflicting field.');
		await resolve(id, { action: 'merge', items: [p.item],
			payload: Object.fromEntries(picks) });
		fill(slot, notice('Item ' + p.item + ' merged.',
			'ok'));
		await reload();
	}));
	const whole = h('button', { type: 'button' },
		'Take the package\u2019s whole record');
	whole.addEventListener('click', () => act(whole, err, async () => {
		await resolve(id, { action: 'accept', whole: true,
			items: [p.item] });
		fill(slot, notice('Item ' + p.item + ' takes the package\u2019s ' +
			'whole record.', 'ok'));
		await reload();
	}));
	const close = h('button', { type: 'button' }, 'Close diff');
	close.addEventListener('click', () => fill(slot));
	fill(slot, h('section', { class: 'card diff',
		'aria-labelledby': 'diff-h' },
	h('h3', { id: 'diff-h', tabindex: '-1' }, `Item ${p.item}: ` +
		`${item.entity || p.entity} `, h('code', {}, item.sys_id ||
		p.sys_id || '')),
	h('p', { class: 'muted' }, p.message),
	table('Fields of item ' + p.item, ['Field', 'Base', 'Target',
		'Package', 'Conflict', admin ? 'Decide' : ''], rows,
	{ class: 'diff-table', empty: 'No field differs.' }), err,
	h('div', { class: 'actions' }, admin && fields.some((f) =>
		f.conflict) ? merge : null, admin ? whole : null, close)));
	slot.querySelector('h3').focus();
}

function commitSection(id, unresolved) {
	const backup = h('input', { type: 'checkbox', name: 'backup',
		checked: true });
	backup.id = nextId('f');
	const err = errorSlot();
	const prog = progressBar('Commit progress');
	const b = h('button', { type: 'button', class: 'primary' }, 'Commit');
	b.addEventListener('click', () => act(b, err, async () => {
		const doc = await api('POST', `/imports/${id}/commit`, { body:
			{ backup: backup.checked }, onProgress: (d, t) =>
			prog.set(d, t, 'Committing') });
		prog.done('Committed');
		if (doc && doc.backup)
			sessionStorage.setItem('ferry.backup.' + id, doc.backup);
		announce('Import ' + id + ' committed');
		await pageImport([id]);
	}));
	return h('section', { class: 'card', 'aria-labelledby': 'cm-h' },
		h('h2', { id: 'cm-h' }, 'Commit'),
		unresolved ? notice(`${unresolved} error(s) still unresolved: ` +
			'the commit will be refused until each is answered.',
		'warn') : null,
		h('div', { class: 'check' }, backup, h('label', { for: backup.id },
			'Back up the instance first')),
		prog.el, err, h('div', { class: 'actions' }, b));
}

function discardSection(id) {
	const err = errorSlot();
	const b = h('button', { type: 'button', class: 'danger' }, 'Discard');
	b.addEventListener('click', () => act(b, err, async () => {
		if (!confirm('Discard import ' + id + ' and its staged items?'))
			return;
		await api('DELETE', '/imports/' + id);
		location.hash = '#/imports';
	}));
	return h('section', { class: 'card', 'aria-labelledby': 'dc-h' },
		h('h2', { id: 'dc-h' }, 'Discard'),
		h('p', {}, 'Drops this import; nothing in the instance ' +
			'changes.'), err, h('div', { class: 'actions' }, b));
}

/* ---- entity unpack wizard (seed 002) ------------------------------------ */

async function pageUnpack() {
	if (!session.admin) {
		mount(h('h1', {}, 'Install entities'), notice('Non-admin users ' +
			'cannot run the Install Entities wizard.', 'warn'));
		return;
	}
	const files = h('input', { type: 'file', name: 'packs', multiple: true,
		accept: '.sop', required: true });
	const err = errorSlot();
	const prog = progressBar('Upload progress');
	const next = h('button', { type: 'submit', class: 'primary' }, 'Next');
	const step2 = h('div', {});
	const form = h('form', { class: 'card', 'aria-labelledby': 'u1-h' },
		h('h2', { id: 'u1-h' }, '1. Entity packs'),
		field('Entity pack files', files, 'Choose the .sop entity ' +
			'packs to install (one per entity).'),
		prog.el, err, h('div', { class: 'actions' }, next));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		act(next, err, async () => {
			/* one file a request; the first answer names the upload
			 * set that the others join */
			let doc = null;
			for (const f of files.files) {
				doc = await upload('/entity-packs', f, (d, t) =>
					prog.set(d, t, 'Uploading ' + f.name),
				doc ? { upload: doc.upload } : {});
			}
			prog.done('Uploaded');
			unpackSelect(doc, step2);
		});
	});
	mount(h('h1', {}, 'Install entities'),
		notice('ferry backs the instance up before unpacking (you can ' +
			'turn that off below).'), form, step2);
}

function unpackSelect(doc, slot) {
	const packs = doc.packs || [];
	const boxes = new Map();
	const rows = packs.map((p) => {
		const c = h('input', { type: 'checkbox', name: 'unpack',
			value: p.entity, 'aria-label': 'Un-Pack ' + p.entity,
			checked: p.valid !== false, disabled: p.valid === false });
		boxes.set(p.entity, c);
		return { attrs: { 'data-entity': p.entity }, cells: [c,
			p.entity, dash(p.file), String(p.fields ?? ''),
			String(p.objects ?? ''), (p.depends || []).join(', ') ||
				'\u2014', p.exists ? 'exists here' : 'new',
			p.valid === false ?
				h('span', { class: 'error-text' }, p.problem ||
					'invalid') : 'valid'] };
	});
	const all = h('button', { type: 'button' }, 'Check All');
	const none = h('button', { type: 'button' }, 'Uncheck All');
	all.addEventListener('click', () => {
		for (const c of boxes.values())
			c.checked = !c.disabled;
	});
	none.addEventListener('click', () => {
		for (const c of boxes.values())
			c.checked = false;
	});
	const upgrade = h('input', { type: 'checkbox', name: 'upgrade',
		checked: true });
	upgrade.id = nextId('f');
	const backup = h('input', { type: 'checkbox', name: 'backup',
		checked: true });
	backup.id = nextId('f');
	const err = errorSlot();
	const prog = progressBar('Unpack progress');
	const finish = h('button', { type: 'button', class: 'primary' },
		'Finish');
	const report = h('div', {});
	finish.addEventListener('click', () => act(finish, err, async () => {
		const select2 = [...boxes].filter(([, c]) => c.checked)
			.map(([n]) => n);
		if (!select2.length)
			throw new Error('Select at least one entity to unpack ' +
				'(Check All selects every one).');
		const res = await api('POST', '/entity-packs/unpack', { body:
			{ upload: doc.upload, select: select2,
				upgrade: upgrade.checked,
				backup: backup.checked }, onProgress: (d, t) =>
				prog.set(d, t, 'Unpacking') });
		prog.done('Done');
		unpackReport(res, report);
	}));
	fill(slot, h('section', { class: 'card',
		'aria-labelledby': 'u2-h' },
	h('h2', { id: 'u2-h' }, '2. Select the entities to unpack'),
	h('p', { class: 'muted' }, 'By default, all entities in the ' +
		'selected packs are selected.'),
	h('div', { class: 'actions', role: 'group', 'aria-label':
		'Selection' }, all, none),
	table('Entity packs', ['Un-Pack', 'Entity', 'File', 'Fields',
		'Objects', 'Depends on', 'Here', 'File check'], rows)),
	h('section', { class: 'card', 'aria-labelledby': 'u3-h' },
		h('h2', { id: 'u3-h' }, '3. Options'),
		h('div', { class: 'check' }, upgrade, h('label', { for:
			upgrade.id }, 'Upgrade Existing Entities')),
		h('p', { class: 'hint' }, 'An existing entity is merged, never ' +
			'overwritten: new fields are added, SQL sizes only ' +
			'grow, types never change, and the Description, ' +
			'Display Name and Default Value of existing fields are ' +
			'kept. Cleared: existing entities are skipped.'),
		h('div', { class: 'check' }, backup, h('label', { for:
			backup.id }, 'Back up the instance first ' +
			'(recommended)')),
		prog.el, err, h('div', { class: 'actions' }, finish)), report);
}

function unpackReport(res, slot) {
	const ents = res.entities || [];
	fill(slot, h('section', { class: 'card', 'aria-labelledby':
		'u4-h', role: 'status' },
	h('h2', { id: 'u4-h', tabindex: '-1' }, 'Entities unpacked'),
	res.backup ? h('p', {}, 'Backup: ', h('code', { class: 'backup-path' },
		res.backup)) : h('p', {}, 'No backup was taken.'),
	ents.map((e) => h('div', { class: 'unpacked', 'data-entity':
		e.entity }, h('h3', {}, e.entity, ': ', h('span',
		{ class: 'badge' }, e.action)), h('p', { class: 'muted' },
		e.reason), table('Fields of ' + e.entity, ['Field', 'Action',
		'Why'], (e.fields || []).map((f) => [f.field, f.action,
		f.reason]).concat((e.objects || []).map((o) =>
		[`${o.entity_object} \u201c${o.name}\u201d`, o.action,
			o.reason])), { empty: 'No field changed.' })))));
	slot.querySelector('h2').focus();
}

/* ---- catalog and records ------------------------------------------------ */

async function pageEntities() {
	const doc = await api('GET', '/entities');
	mount(h('h1', {}, 'Entities'), table('Entities', ['Name',
		'Display name', 'Description', 'Fields', ''],
	listOf(doc).map((e) => [link('#/entities/' + enc(e.name), e.name),
		dash(e.display), dash(e.description), String(e.fields ?? ''),
		link('#/records/' + enc(e.name), 'Records')])));
}

async function pageEntity([name]) {
	const e = await api('GET', '/entities/' + enc(name));
	const err = errorSlot();
	const dl = h('button', { type: 'button' }, 'Download entity pack');
	dl.addEventListener('click', () => act(dl, err, async () => {
		const res = await api('GET', `/entities/${enc(name)}/pack`,
			{ raw: true });
		await saveResponse(res, name + '.sop');
	}));
	mount(h('p', { class: 'crumbs' }, link('#/entities', 'Entities'),
		' / ' + name), h('h1', {}, 'Entity ', quoted(e.name)),
	h('dl', { class: 'form-view' }, [['Display name', dash(e.display)],
		['Description', dash(e.description)]].map(([k, v]) =>
		[h('dt', {}, k), h('dd', {}, v)])),
	h('div', { class: 'actions toolbar' }, link('#/records/' + enc(name),
		'Records of ' + name), dl), err,
	h('h2', {}, 'Fields'),
	table('Fields of ' + name, ['Field', 'Type', 'Display name',
		'Description', 'Default'], (e.fields || []).map((f) => [f.name,
		h('code', {}, f.type), dash(f.display), dash(f.description),
		f.default === null || f.default === undefined ? '\u2014' :
			h('code', {}, JSON.stringify(f.default))])));
}

async function pageRecords([entity]) {
	const ent = await api('GET', '/entities/' + enc(entity));
	const fields = ent.fields || [];
	const cols = fields.slice(0, 4).map((f) => f.name);
	const list = pagedList('/records/' + enc(entity), (rows) => table(
		'Records of ' + entity, ['Record', ...cols, 'Policy', 'Updated'],
		rows.map((r) => ({ attrs: { 'data-sys-id': r.sys_id }, cells: [
			link(`#/records/${enc(entity)}/${enc(r.sys_id)}`,
				recordName(r) || r.sys_id),
			...cols.map((c) => valueText(r[c])), dash(r.sys_policy),
			when(r.sys_updated_at)] })), { empty: 'No records yet.' }));
	mount(h('p', { class: 'crumbs' }, link('#/entities', 'Entities'),
		' / ', link('#/entities/' + enc(entity), entity), ' / records'),
	h('h1', {}, 'Records of ', quoted(entity)), list.el,
	recordForm(entity, fields, null, async (id) => {
		location.hash = `#/records/${enc(entity)}/${enc(id)}`;
	}));
	await list.load();
}

function valueText(v) {
	if (v === null || v === undefined)
		return '\u2014';
	return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/* A form over an entity's fields; `rec` given: an edit of that record. */
function recordForm(entity, fields, rec, after) {
	const controls = new Map();
	const parts = fields.map((f) => {
		let c;
		if (f.type === 'bool') {
			c = select(f.name, [['', '\u2014'], ['true', 'true'],
				['false', 'false']], rec ? String(rec[f.name] ??
				'') : '');
		} else if (f.type === 'text' || f.type === 'json') {
			c = h('textarea', { name: f.name, rows: 3 });
			c.value = rec ? valueText(rec[f.name] ?? '') : '';
			if (rec && rec[f.name] === null)
				c.value = '';
		} else {
			c = input({ name: f.name, value: rec && rec[f.name] !==
				null && rec[f.name] !== undefined ?
				String(rec[f.name]) : '' });
		}
		controls.set(f.name, [f, c]);
		return field(f.display || f.name, c, f.type);
	});
	const err = errorSlot();
	const button = h('button', { type: 'submit', class: 'primary' },
		rec ? 'Save' : 'Create record');
	const form = h('form', { class: 'card', 'aria-label': rec ?
		'Edit record' : 'New record' }, h('h2', {}, rec ? 'Edit' :
		'New record'), parts, err, h('div', { class: 'actions' },
		button));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		act(button, err, async () => {
			const body = {};
			for (const [name, [f, c]] of controls) {
				const raw = c.value;
				const before = rec ? rec[name] : undefined;
				const v = parseValue(f.type, raw);
				if (rec && JSON.stringify(v) ===
				    JSON.stringify(before ?? null))
					continue;
				if (!rec && raw === '')
					continue;
				body[name] = v;
			}
			let doc;
			if (rec)
				doc = await api('PUT', `/records/${enc(entity)}/` +
					enc(rec.sys_id), { body });
			else
				doc = await api('POST', '/records/' + enc(entity),
					{ body });
			announce('Saved');
			await after((doc && doc.sys_id) || (rec && rec.sys_id));
		});
	});
	return form;
}

function parseValue(type, raw) {
	if (raw === '')
		return null;
	if (type === 'int' || type === 'bigint')
		return /^-?\d+$/.test(raw) ? Number(raw) : raw;
	if (type === 'bool')
		return raw === 'true';
	if (type === 'json') {
		try {
			return JSON.parse(raw);
		} catch (e) {
			return raw;
		}
	}
	return raw;
}

async function pageRecord([entity, id]) {
	const [ent, rec, hist] = await Promise.all([
		api('GET', '/entities/' + enc(entity)),
		api('GET', `/records/${enc(entity)}/${enc(id)}`),
		api('GET', `/records/${enc(entity)}/${enc(id)}/history`)]);
	const versions = listOf(hist);
	const current = rec.sys_version;
	const rows = versions.slice().reverse().map((v) => {
		const err = errorSlot();
		let restore = '';
		if (v.version !== current && v.action !== 'delete') {
			restore = h('button', { type: 'button', 'aria-label':
				'Restore version ' + v.version.slice(0, 12) },
			'Restore');
			restore.addEventListener('click', () => act(restore, err,
				async () => {
					await api('POST', `/records/${enc(entity)}/` +
						`${enc(id)}/restore`, { body:
						{ version: v.version } });
					announce('Version restored');
					await pageRecord([entity, id]);
				}));
		}
		return { attrs: { 'data-version': v.version, class:
			v.version === current ? 'current' : '' }, cells: [
			short(v.version), v.action, dash(v.author), when(v.at),
			dash(v.pack), v.source === 'import' && v.import ?
				link('#/imports/' + v.import, 'import ' +
					v.import) : dash(v.source),
			h('code', { class: 'payload' }, JSON.stringify(
				v.payload ?? null)),
			v.version === current ? 'current' : [restore, err]] };
	});
	mount(h('p', { class: 'crumbs' }, link('#/entities', 'Entities'),
		' / ', link('#/records/' + enc(entity), entity), ' / ',
		recordName(rec) || id),
	h('h1', {}, entity, ' ', quoted(recordName(rec) || id)),
	h('dl', { class: 'form-view' }, [['sys_id', h('code', {}, id)],
		['Policy', dash(rec.sys_policy)],
		['Vendor record', rec.sys_vendor ? 'yes' : 'no'],
		['Version', short(rec.sys_version)],
		['Updated', [dash(rec.sys_updated_by), ' ',
			when(rec.sys_updated_at)]]].map(([k, v]) =>
		[h('dt', {}, k), h('dd', {}, v)])),
	recordForm(entity, ent.fields || [], rec, () =>
		pageRecord([entity, id])),
	h('h2', {}, 'History'),
	table('Versions of this record, newest first', ['Version', 'Action',
		'Author', 'At', 'Pack', 'Source', 'Payload', ''], rows));
}

/* ---- formulas and data sets (seed 001) ---------------------------------- */

function signature(kind, v) {
	const list = kind === 'formulas' ? v.inputs : (v.columns || v.inputs);
	return (list || []).map((p) => typeof p === 'string' ? p :
		`${p.name}:${p.type}`).join(', ') || '\u2014';
}

async function pageDefinitions(kind) {
	const title = kind === 'formulas' ? 'Formulas' : 'Data sets';
	const doc = await api('GET', '/' + kind);
	mount(h('h1', {}, title), table(title, ['Name', 'Versions', 'Latest',
		'Active', 'Draft'], listOf(doc).map((f) => ({ attrs:
		{ 'data-name': f.name }, cells: [link(`#/${kind}/` +
		enc(f.name), f.name), String(f.versions ?? ''),
	dash(f.latest), dash(f.active), dash(f.draft)] })),
	{ empty: 'None yet.' }));
}

async function pageDefinition(kind, name) {
	const doc = await api('GET', `/${kind}/${enc(name)}`);
	const title = kind === 'formulas' ? 'Formula' : 'Data set';
	const rows = (doc.versions || []).map((v) => {
		const err = errorSlot();
		const acts = [];
		for (const [label, verb, ok] of [['Activate', 'activate',
			v.status === 'draft'], ['Close', 'close',
			v.status === 'active']]) {
			if (!ok)
				continue;
			const b = h('button', { type: 'button', 'aria-label':
				`${label} version ${v.version}` }, label);
			b.addEventListener('click', () => act(b, err, async () => {
				await api('POST', `/${kind}/${enc(name)}/` + verb,
					{ body: { version: v.version } });
				await pageDefinition(kind, name);
			}));
			acts.push(b);
		}
		return { attrs: { 'data-version': String(v.version) }, cells: [
			String(v.version), stateBadge(v.status),
			dash(v.start_date), signature(kind, v),
			kind === 'formulas' ? (v.outputs || []).join(', ') ||
				'\u2014' : '\u2014', dash(v.parent),
			dash(v.master), [dash(v.created_by), ' ',
				when(v.created_at)], v.import ? link('#/imports/' +
				v.import, 'import ' + v.import) : '\u2014',
			[acts, err]] };
	});
	mount(h('p', { class: 'crumbs' }, link('#/' + kind, kind ===
		'formulas' ? 'Formulas' : 'Data sets'), ' / ' + name),
	h('h1', {}, title, ' ', quoted(name)),
	table('Versions of ' + name, ['Version', 'Status', 'Start date',
		kind === 'formulas' ? 'Inputs' : 'Columns', 'Output steps',
		'Parent', 'Master', 'Created', 'Imported by', ''], rows));
}

/* ---- users and tokens (admins) ------------------------------------------ */

async function pageUsers() {
	if (!session.admin) {
		mount(h('h1', {}, 'Users and tokens'), notice('Only ' +
			'administrators manage users and tokens.', 'warn'));
		return;
	}
	const [users, tokens] = await Promise.all([api('GET', '/users'),
		api('GET', '/tokens').catch((e) => e)]);
	const rows = listOf(users).map((u) => {
		const err = errorSlot();
		const b = h('button', { type: 'button' }, u.admin ?
			'Make non-admin' : 'Make admin');
		b.setAttribute('aria-label', (u.admin ? 'Make non-admin ' :
			'Make admin ') + u.name);
		b.addEventListener('click', () => act(b, err, async () => {
			await api('PATCH', '/users/' + enc(u.name), { body:
				{ admin: !u.admin } });
			await pageUsers();
		}));
		return { attrs: { 'data-user': u.name }, cells: [u.name,
			u.admin ? 'admin' : 'user', dash(u.tz),
			dash(u.current_pack), [b, err]] };
	});
	const tokErr = errorSlot();
	let tokTable;
	if (tokens instanceof Error) {
		showError(tokErr, tokens);
		tokTable = null;
	} else {
		tokTable = table('Tokens', ['Id', 'User', 'Label', 'Created',
			'Last used', ''], listOf(tokens).map((t) => {
			const err = errorSlot();
			const b = h('button', { type: 'button', class: 'danger',
				'aria-label': 'Revoke token ' + t.id }, 'Revoke');
			b.addEventListener('click', () => act(b, err,
				async () => {
					if (!confirm('Revoke token ' + t.id + ' of ' +
					    t.user + '? What uses it stops ' +
					    'working.'))
						return;
					await api('DELETE', '/tokens/' + enc(t.id));
					await pageUsers();
				}));
			return { attrs: { 'data-token': String(t.id) }, cells: [
				String(t.id), t.user, dash(t.label),
				when(t.created_at), when(t.last_used_at),
				[b, err]] };
		}), { empty: 'No tokens.' });
	}
	mount(h('h1', {}, 'Users and tokens'),
		h('h2', {}, 'Users'), table('Users', ['Name', 'Role',
			'Time zone', 'Current pack', ''], rows), addUserForm(),
		passwordForm(listOf(users)),
		h('h2', {}, 'Tokens'), tokErr, tokTable,
		tokenForm(listOf(users)));
}

function addUserForm() {
	const name = input({ name: 'name', required: true });
	const tz = input({ name: 'tz', value: 'UTC' });
	const admin = h('input', { type: 'checkbox', name: 'admin' });
	admin.id = nextId('f');
	return formCard('au-h', 'Add a user', [field('Name', name),
		field('Time zone', tz, 'IANA name, e.g. Europe/Moscow'),
		h('div', { class: 'check' }, admin, h('label', { for: admin.id },
			'Administrator'))], 'Add user', async () => {
		await api('POST', '/users', { body: { name: name.value,
			tz: tz.value, admin: admin.checked } });
		await pageUsers();
	});
}

function passwordForm(users) {
	const user = select('user', users.map((u) => u.name), session.user);
	const pass = input({ name: 'new-password', type: 'password',
		autocomplete: 'new-password', required: true });
	return formCard('pw-h', 'Set a password', [field('User', user),
		field('New password', pass, 'at least 8 characters')],
	'Set password', async (out) => {
		await api('PUT', `/users/${enc(user.value)}/password`,
			{ body: { password: pass.value } });
		pass.value = '';
		fill(out, notice('Password of ' + user.value + ' set.', 'ok'));
	});
}

function tokenForm(users) {
	const user = select('user', users.map((u) => u.name), session.user);
	const label = input({ name: 'label' });
	return formCard('tk-h', 'Create a token', [field('User', user),
		field('Label', label, 'what the token is for, e.g. ci')],
	'Create token', async (out) => {
		const doc = await api('POST', '/tokens', { body:
			{ user: user.value, label: label.value } });
		fill(out, notice(h('span', {}, 'Token for ' + user.value +
			' (shown this once): ', h('code', { class: 'token' },
			doc.token)), 'ok'));
	});
}

/* ---- start ------------------------------------------------------------- */

document.getElementById('sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', route);

/* A session cookie may still be valid: the server says who it is. */
(async function start() {
	const saved = JSON.parse(sessionStorage.getItem('ferry.session') ||
		'null');
	try {
		const res = await fetch(API + '/session', { credentials:
			'same-origin', headers: { Accept: 'application/json' } });
		if (res.ok) {
			const doc = await res.json();
			session = { user: doc.user, admin: !!doc.admin,
				csrf: doc.csrf || (saved && saved.csrf),
				tz: doc.tz || (saved && saved.user === doc.user ?
					saved.tz : null) };
			if (!session.tz)
				return startSession(session);
			await showShell();
			return route();
		}
	} catch (e) { /* not signed in */ }
	session = null;
	renderSignIn();
})();
