/**
 * @module The pages' only assets, served by the Worker itself (no external font, script or style):
 * the site stylesheet, the certificate's, the upload page's script and the earner actions' script
 * (copy, print). All are immutable per deployment.
 */

export const SITE_CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #d1d5db; --brand: #1d4ed8; --ok: #166534; --ok-bg: #dcfce7; --bad: #991b1b; --bad-bg: #fee2e2; --warn: #854d0e; --warn-bg: #fef9c3; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 1rem; }
header a { color: var(--ink); font-weight: 600; text-decoration: none; }
footer { color: var(--muted); font-size: .875rem; }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: .75rem; padding: 1.25rem; margin-bottom: 1rem; }
.badge-head { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.badge-head img { width: 128px; height: 128px; object-fit: contain; }
h1 { font-size: 1.6rem; margin: .25rem 0; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 .25rem; }
.status { display: inline-block; font-weight: 700; padding: .25rem .75rem; border-radius: 999px; border: 2px solid currentColor; }
.status-valid { color: var(--ok); background: var(--ok-bg); }
.status-revoked, .status-invalid, .status-not_found { color: var(--bad); background: var(--bad-bg); }
.status-expired { color: var(--warn); background: var(--warn-bg); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; }
form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
label { display: block; font-weight: 600; width: 100%; }
input[type=email], input[type=text], input[type=url] { flex: 1 1 16rem; padding: .5rem; border: 1px solid var(--muted); border-radius: .375rem; font: inherit; }
button, .button { display: inline-block; padding: .55rem 1rem; border-radius: .375rem; border: 0; background: var(--brand); color: #fff; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
.answer { font-weight: 700; margin-top: .75rem; }
.drop { border: 2px dashed var(--muted); border-radius: .75rem; padding: 1.5rem; text-align: center; width: 100%; }
.drop.over { border-color: var(--brand); background: #eff6ff; }
.checks li { margin: .2rem 0; }
.checks .pass::before { content: "✓ "; color: var(--ok); }
.checks .fail::before { content: "✗ "; color: var(--bad); }
pre { background: #f3f4f6; padding: .75rem; border-radius: .375rem; overflow-x: auto; font-size: .8rem; }
.route { border-top: 1px solid var(--line); padding-top: .75rem; }
.method { font-family: ui-monospace, monospace; font-weight: 700; color: var(--brand); margin-right: .5rem; }
code { font-family: ui-monospace, monospace; }
.actions { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
.secondary, .button.secondary { background: #fff; color: var(--brand); border: 2px solid var(--brand); }
textarea { width: 100%; font: .8rem ui-monospace, monospace; padding: .5rem; border: 1px solid var(--muted); border-radius: .375rem; margin-bottom: .5rem; }
input[readonly] { width: 100%; }
details { margin-top: 1rem; }
details label { margin-top: .75rem; }
.qr-row { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.copied { min-height: 1.5em; color: var(--ok); font-weight: 600; }
body.embed { background: #fff; }
.embed-card { display: flex; gap: .75rem; align-items: center; padding: .75rem; border: 1px solid var(--line); border-radius: .75rem; max-width: 400px; height: 190px; overflow: hidden; }
.embed-card img { width: 96px; height: 96px; object-fit: contain; flex: none; }
.embed-card h1 { font-size: 1.1rem; margin: 0; }
.embed-card p { margin: .2rem 0; font-size: .9rem; }
.embed-card .status { font-size: .8rem; padding: .1rem .5rem; }
.embed-card .issuer { color: var(--muted); }
`;

/** The certificate's own stylesheet: one page on A4 or Letter (the printable area both share, 186 × 254 mm, is never exceeded). */
export const CERTIFICATE_CSS = `
@page { margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font: 12pt/1.45 Georgia, "Times New Roman", serif; color: #111827; background: #f3f4f6; }
.screen-only { max-width: 186mm; margin: 1rem auto; font-family: system-ui, sans-serif; }
button { font: inherit; padding: .4rem .9rem; border-radius: .375rem; border: 0; background: #1d4ed8; color: #fff; cursor: pointer; }
.certificate { width: 186mm; height: 250mm; margin: 0 auto 2rem; padding: 14mm 16mm; background: #fff; border: 3mm double #1d4ed8; text-align: center; overflow: hidden; position: relative; }
.kicker { text-transform: uppercase; letter-spacing: .2em; font-size: 11pt; color: #4b5563; margin: 4mm 0; }
.badge { width: 34mm; height: 34mm; object-fit: contain; }
h1 { font-size: 24pt; margin: 4mm 0 2mm; }
.recipient { margin: 2mm 0 3mm; }
.recipient span { display: block; color: #4b5563; font-size: 11pt; }
.recipient strong { font-size: 20pt; }
.awarded { font-size: 14pt; margin: 0 0 4mm; }
.description { max-height: 40mm; overflow: hidden; color: #374151; }
dl { display: grid; grid-template-columns: max-content auto; gap: 1mm 6mm; justify-content: center; text-align: left; margin: 6mm 0; }
dt { color: #4b5563; }
dd { margin: 0; font-weight: 700; }
.verify { position: absolute; left: 16mm; right: 16mm; bottom: 12mm; display: flex; gap: 6mm; align-items: center; text-align: left; font-size: 10pt; }
.verify img { width: 30mm; height: 30mm; flex: none; }
.verify a { color: #111827; word-break: break-all; }
.notice { border: 1mm solid #991b1b; color: #991b1b; font: 700 16pt system-ui, sans-serif; padding: 3mm; margin: 0 0 4mm; }
.status-revoked, .status-expired, .status-invalid { border-color: #991b1b; }
@media print {
  body { background: #fff; }
  .screen-only { display: none; }
  .certificate { margin: 0 auto; break-inside: avoid; page-break-inside: avoid; }
}
`;

/** Copy-to-clipboard buttons (data-copy names the field) and the certificate's print button: no third-party script. */
export const EARNER_JS = `
const said = document.querySelector('.copied');
for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copy);
    try { await navigator.clipboard.writeText(field.value); }
    catch { field.select(); document.execCommand('copy'); }
    if (said) said.textContent = 'Copied.';
  });
}
for (const button of document.querySelectorAll('[data-print]')) button.addEventListener('click', () => window.print());
`;

export const VERIFY_JS = `
const form = document.getElementById('verify-form');
const drop = document.getElementById('drop');
const file = document.getElementById('image');
const result = document.getElementById('result');
const chosen = document.getElementById('chosen');
function show(text) { chosen.textContent = text; }
file.addEventListener('change', () => show(file.files[0] ? 'Selected: ' + file.files[0].name : ''));
for (const type of ['dragenter', 'dragover']) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
for (const type of ['dragleave', 'drop']) drop.addEventListener(type, () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); if (e.dataTransfer.files.length) { file.files = e.dataTransfer.files; show('Selected: ' + file.files[0].name); } });
function render(report) {
  result.replaceChildren();
  const status = document.createElement('p');
  status.className = 'status status-' + report.status;
  const words = { valid: 'Valid', revoked: 'Revoked', expired: 'Expired', not_found: 'Not found', invalid: 'Not valid' };
  status.textContent = words[report.status] || report.status;
  result.append(status);
  if (report.badge) { const h = document.createElement('h2'); h.textContent = report.badge.name + (report.issuer ? ' — ' + report.issuer.name : ''); result.append(h); }
  if (report.recipient && report.recipient.matched !== null) { const p = document.createElement('p'); p.className = 'answer'; p.textContent = report.recipient.matched ? 'Issued to this person.' : 'Not issued to this person.'; result.append(p); }
  const list = document.createElement('ul'); list.className = 'checks';
  for (const check of report.checks) { const li = document.createElement('li'); li.className = check.passed ? 'pass' : 'fail'; li.textContent = check.message; list.append(li); }
  result.append(list);
}
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  result.textContent = 'Verifying…';
  const email = document.getElementById('email').value.trim();
  const reference = document.getElementById('reference').value.trim();
  let response;
  if (file.files[0]) {
    const body = new FormData();
    body.set('image', file.files[0]);
    if (email) body.set('recipient_identity', email);
    response = await fetch('/verify', { method: 'POST', body });
  } else {
    response = await fetch('/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assertion: reference, ...(email && { recipient: { type: 'email', identity: email } }) }) });
  }
  const body = await response.json();
  if (!response.ok) { result.textContent = body.detail || 'The verification failed.'; return; }
  render(body);
});
`;

/** `Content-Security-Policy` of every page: nothing from another origin, no inline code, never framed. */
export const PAGE_CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The embed card's policy: the page policy, except that any site may frame it (the one page that may be framed). */
export const EMBED_CSP = PAGE_CSP.replace("frame-ancestors 'none'", 'frame-ancestors *');
