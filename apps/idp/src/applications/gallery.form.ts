import { facts, field, html, type SafeHtml } from '@federa/kit';
import type { AdminContext } from '../portal/portal.ts';
import { type GalleryTemplate, searchGallery } from './gallery.ts';

// The gallery's search and its "add this application" fields, shared by "New application" and the
// configuration wizard's first step: one rendering, one parsing, so both post the same input to
// `addGalleryApplication` and show the same errors beside the same fields.

/** The search box and the matching gallery tiles; each tile links to `hrefOf(template)`. */
export function gallerySearch(options: {
  action: string;
  search: string;
  hrefOf: (template: GalleryTemplate) => string;
}): SafeHtml {
  const templates = searchGallery(options.search);
  return html`<form method="get" action="${options.action}" class="search" role="search">
<label for="q">Search application</label> <input id="q" name="q" type="search" value="${options.search}" placeholder="Sentry"> <button type="submit" class="secondary">Search</button>
</form>
<div class="tiles gallery">${templates.map(
    (t) =>
      html`<a class="tile" href="${options.hrefOf(t)}"><strong>${t.name}</strong><br><span class="hint">${t.publisher}</span><p>${t.description}</p></a>`,
  )}</div>`;
}

/** The entry's URL patterns (Identifier, Reply URL, Sign-on URL), as Entra shows them; null for custom. */
export function galleryPatterns(template: GalleryTemplate): SafeHtml | null {
  return template.patterns
    ? facts([
        ['Identifier', template.patterns.identifier],
        ['Reply URL', template.patterns.replyUrl],
        ['Sign-on URL', template.patterns.signOnUrl],
      ])
    : null;
}

/**
 * The fields of "add this application": Name, then the entry's own fields (e.g. Sentry URL and
 * organization slug), each with its error beside it; errors on no field are listed after them.
 */
export function galleryAddFields(
  template: GalleryTemplate,
  values: Record<string, string>,
  errors: Record<string, string>,
): SafeHtml {
  return html`${field({ label: 'Name', name: 'displayName', value: values.displayName ?? (template.id === 'custom' ? '' : template.name), required: true, placeholder: 'Input name', error: errors.displayName })}
${template.fields.map((f) => field({ label: f.label, name: f.name, value: values[f.name] ?? '', required: true, placeholder: f.placeholder, hint: f.hint, error: errors[f.name] }))}
${Object.entries(errors)
  .filter(([k]) => k !== 'displayName' && !template.fields.some((f) => f.name === k))
  .map(([, message]) => html`<p class="error" role="alert">${message}</p>`)}`;
}

/** The posted "add this application" form as `addGalleryApplication`'s input. */
export function galleryAddInput(
  admin: AdminContext,
  template: GalleryTemplate,
  form: Record<string, string>,
) {
  return {
    templateId: template.id,
    displayName: form.displayName ?? '',
    values: Object.fromEntries(template.fields.map((f) => [f.name, form[f.name] ?? ''])),
    notificationEmails: admin.user.mail ? [admin.user.mail] : [admin.user.userPrincipalName],
  };
}
