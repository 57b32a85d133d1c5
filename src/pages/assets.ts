/**
 * @module The pages' only assets, served by the Worker itself (no external font, script or style):
 * one stylesheet and the upload page's script. Both are immutable per deployment.
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

/** `Content-Security-Policy` of every page: nothing from another origin, no inline code. */
export const PAGE_CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
