import { html, type SafeHtml } from './template.ts';

export interface Brand {
  /** CSS class suffix: `idp` (blue, like the Azure portal) or `ws` (purple, like Sentry). */
  key: 'idp' | 'ws';
  name: string;
  home: string;
}

export interface PageOptions {
  brand: Brand;
  title: string;
  body: SafeHtml;
  nav?: ReadonlyArray<{ href: string; label: string; active?: boolean }>;
  breadcrumbs?: ReadonlyArray<{ href?: string; label: string }>;
  /** Who is signed in, with a sign-out form. */
  user?: { name: string; signOutAction: string; csrf: string } | null;
  flash?: { kind: 'success' | 'error' | 'info'; text: string } | null;
}

/**
 * The one page layout both services share: top bar with the service's own name and colour (so a
 * person always knows which side they are on), left navigation (folded behind "Menu" on a phone),
 * breadcrumbs, then the page. Needs nothing from outside the machine: one stylesheet and one small
 * script, both served by the app.
 */
export function renderPage(options: PageOptions): string {
  const { brand, title, nav, breadcrumbs, user, flash } = options;
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title === brand.name ? title : `${title} · ${brand.name}`}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/federa.css">
<script src="/assets/federa.js" defer></script>
</head>
<body class="brand-${brand.key}">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="${brand.home}">${brand.name}</a>
  <span class="spacer"></span>
  ${
    user
      ? html`<span class="whoami">${user.name}</span>
  <form method="post" action="${user.signOutAction}" class="inline"><input type="hidden" name="_csrf" value="${user.csrf}"><button type="submit" class="link">Sign out</button></form>`
      : null
  }
</header>
<div class="shell">
  ${
    nav && nav.length > 0
      ? // A <details> so that on a phone the navigation folds away behind "Menu" without client
        // JavaScript; wider screens show it open beside the page whatever its state (federa.css).
        html`<details class="sidenav"><summary>Menu</summary><nav aria-label="Main"><ul>${nav.map(
          (item) =>
            html`<li><a href="${item.href}"${item.active ? html` aria-current="page"` : null}>${item.label}</a></li>`,
        )}</ul></nav></details>`
      : null
  }
  <main id="main">
    ${
      breadcrumbs && breadcrumbs.length > 0
        ? html`<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>${breadcrumbs.map((crumb) =>
            crumb.href
              ? html`<li><a href="${crumb.href}">${crumb.label}</a></li>`
              : html`<li>${crumb.label}</li>`,
          )}</ol></nav>`
        : null
    }
    <h1>${title}</h1>
    ${flash ? html`<div class="flash flash-${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</div>` : null}
    ${options.body}
  </main>
</div>
</body>
</html>`}`;
}
