/** @module GET /verify: drop or choose a baked badge image, or paste any badge URL, and read the report. */
import { Layout } from './layout.tsx';

export function VerifyPage({ url }: { url: string }) {
  return (
    <Layout
      meta={{ title: 'Verify an Open Badge', description: 'Check that a badge is real, still valid and issued to a person.', url }}
      scripts={['/assets/verify.js']}
    >
      <h1>Verify an Open Badge</h1>
      <section class="card" aria-labelledby="verify-heading">
        <h2 id="verify-heading">Badge to check</h2>
        <form id="verify-form" method="post" action="/verify" enctype="multipart/form-data">
          <div id="drop" class="drop">
            <label for="image">Drop a baked badge image (PNG or SVG) here, or choose one</label>
            <input id="image" name="image" type="file" accept="image/png,image/svg+xml,.png,.svg" />
            <p id="chosen" aria-live="polite"></p>
          </div>
          <label for="reference">…or paste the badge's URL (any issuer: an Open Badges 2.0 assertion or a 3.0 credential)</label>
          <input id="reference" name="assertion" type="url" placeholder="https://…" />
          <label for="email">Recipient e-mail (optional)</label>
          <input id="email" name="recipient_identity" type="email" autocomplete="off" placeholder="name@example.org" />
          <button type="submit">Verify</button>
        </form>
      </section>
      <section class="card" aria-live="polite" aria-labelledby="result-heading">
        <h2 id="result-heading">Result</h2>
        <div id="result" data-testid="result">
          <p>Nothing checked yet.</p>
        </div>
      </section>
    </Layout>
  );
}
