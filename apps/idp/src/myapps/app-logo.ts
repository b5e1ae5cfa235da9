import { html, raw, type SafeHtml } from '@federa/kit';

// The logo on an application's My Apps tile, drawn here (no image from another site): the gallery's
// own mark for a gallery application, as Entra shows the publisher's logo, else the application's
// initials on a colour chosen from its name, so that each tile is told apart at a glance.

/** Sentry's mark (the gallery's Sentry templates), simplified to one path. */
const SENTRY = raw(
  '<svg viewBox="0 0 48 48" aria-hidden="true" class="tile-logo"><rect width="48" height="48" rx="8" fill="#362d59"/><path d="M26.6 12.6a3 3 0 0 0-5.2 0l-4 6.9a20.6 20.6 0 0 1 11.3 16.9h-2.8a17.8 17.8 0 0 0-9.9-14.5l-3.7 6.4a10.6 10.6 0 0 1 5.8 8.1H12a.5.5 0 0 1-.4-.7l1.8-3.1a6.4 6.4 0 0 0-2-1.2l-1.8 3.1a3 3 0 0 0 2.4 4.5h8.8v-1.4a13.4 13.4 0 0 0-5.1-10.6l1.4-2.4a16.2 16.2 0 0 1 6.5 14.4h7.4v-1.4a23.4 23.4 0 0 0-10.8-19.8l2.8-4.9a.5.5 0 0 1 .9 0l12.2 21.1a.5.5 0 0 1-.4.7h-2.9a23.3 23.3 0 0 1 0 2.8H36a3 3 0 0 0 2.6-4.5z" fill="#fff"/></svg>',
);

const COLOURS = ['#0078d4', '#107c10', '#8764b8', '#ca5010', '#038387', '#c239b3', '#486860', '#986f0b'];

function initials(name: string): string {
  const words = name.split(/[\s._-]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  return (
    words
      .slice(0, 2)
      .map((w) => [...w][0]!.toUpperCase())
      .join('') || '?'
  );
}

export function appLogo(app: { displayName: string; galleryTemplate: string | null }): SafeHtml {
  if (app.galleryTemplate === 'sentry' || app.galleryTemplate === 'sentry-self-hosted') return SENTRY;
  let hash = 0;
  for (const ch of app.displayName) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const colour = COLOURS[hash % COLOURS.length]!;
  return html`<svg viewBox="0 0 48 48" aria-hidden="true" class="tile-logo"><rect width="48" height="48" rx="8" fill="${colour}"/><text x="24" y="31" text-anchor="middle" font-size="18" font-family="system-ui, sans-serif" font-weight="600" fill="#fff">${initials(app.displayName)}</text></svg>`;
}
