/** @module The page frame: landmarks, the site stylesheet, and Open Graph / Twitter meta tags. */
import type { Child } from 'hono/jsx';

export type Meta = {
  title: string;
  description: string;
  /** Absolute URL of this page (og:url). */
  url: string;
  /** Absolute URL of an image for link previews. */
  image?: string;
  /** oEmbed discovery (`<link rel="alternate" type="application/json+oembed">`): the URL of this page's oEmbed answer. */
  oembed?: string;
};

export function Layout({ meta, children, scripts = [] }: { meta: Meta; children: Child; scripts?: string[] }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{meta.title}</title>
        <meta name="description" content={meta.description} />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={meta.title} />
        <meta property="og:description" content={meta.description} />
        <meta property="og:url" content={meta.url} />
        {meta.image && <meta property="og:image" content={meta.image} />}
        <meta name="twitter:card" content="summary" />
        <meta name="twitter:title" content={meta.title} />
        <meta name="twitter:description" content={meta.description} />
        {meta.image && <meta name="twitter:image" content={meta.image} />}
        {meta.oembed && <link rel="alternate" type="application/json+oembed" href={meta.oembed} title={meta.title} />}
        <link rel="stylesheet" href="/assets/site.css" />
        {scripts.map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <header>
          <a href="/verify">Badge verification</a>
        </header>
        <main id="main">{children}</main>
        <footer>
          Open Badges 2.0 hosted verification · <a href="/verify">Verify a badge image</a> · <a href="/docs">API</a>
        </footer>
      </body>
    </html>
  );
}
