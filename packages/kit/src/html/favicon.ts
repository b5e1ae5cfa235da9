import type { Brand } from './layout.ts';

// Each service's icon for the browser's tab, in its own colour (blue Directory, purple Workspace, as
// the top bar), drawn here so that no page asks the network for one it does not have.

const COLOURS: Record<Brand['key'], string> = { idp: '#0078d4', ws: '#6c5fc7' };

export function faviconSvg(brand: Brand): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${COLOURS[brand.key]}"/><path d="M10 7h13v4h-8.5v4H22v4h-7.5v6H10z" fill="#fff"/></svg>`;
}
