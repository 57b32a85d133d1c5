/** @module The earner's wallet pickup: a claim code in, then a link (and the URL to scan) for the Learner Credential Wallet. */
import { Layout } from './layout.tsx';

export type OpenedPickup = { walletUrl: string; expiresAt: Date };

export function WalletPage({
  badgeName,
  assertionUrl,
  pageUrl,
  opened,
  problem,
}: {
  badgeName: string;
  assertionUrl: string;
  pageUrl: string;
  opened?: OpenedPickup;
  problem?: string;
}) {
  const title = `Pick up “${badgeName}” in your wallet`;
  return (
    <Layout
      meta={{ title, description: 'Add this badge to the Learner Credential Wallet as an Open Badges 3.0 credential.', url: pageUrl }}
    >
      <h1>{title}</h1>
      {opened ? (
        <section aria-labelledby="open">
          <h2 id="open">Open it in your wallet</h2>
          <p>
            <a class="button" id="wallet-link" href={opened.walletUrl}>
              Add to Learner Credential Wallet
            </a>
          </p>
          <p>
            On another device, open this link there. It works once, until{' '}
            <time datetime={opened.expiresAt.toISOString()}>{opened.expiresAt.toISOString()}</time>.
          </p>
          <p>
            <code id="wallet-url">{opened.walletUrl}</code>
          </p>
        </section>
      ) : (
        <form method="post" action={pageUrl}>
          <label for="claimCode">The claim code the issuer sent you</label>
          <input id="claimCode" name="claimCode" required minlength={8} maxlength={64} autocomplete="off" />
          <button type="submit">Continue</button>
          {problem && <p role="alert">{problem}</p>}
        </form>
      )}
      <p>
        <a href={assertionUrl}>Back to the badge</a>
      </p>
    </Layout>
  );
}
