import { field, html, type SafeHtml } from '@federa/kit';
import type { Application } from './applications.repository.ts';
import type { BasicSamlInput } from './basic-saml.ts';
import { findTemplate } from './gallery.ts';

// The Basic SAML Configuration form (Identifier rows, Reply URL rows with index and default, Sign on
// URL, Relay State, Logout URL), shared by the Single sign-on page and the configuration wizard: one
// rendering and one parsing, both feeding `updateBasicSaml`, whose errors are keyed by these names.

/** At most this many rows of each list are read from a post. */
const MAX_ROWS = 50;

function rowsOf<T>(items: readonly T[], blank: T, extra = 2): T[] {
  return [...items, ...Array.from({ length: extra }, () => blank)];
}

/**
 * The form's fields, filled from the application, or from `values` (a post being shown again with
 * its errors, each beside its row or field).
 */
export function basicSamlFields(
  app: Application,
  values: Record<string, string> | null,
  errors: Record<string, string>,
): SafeHtml {
  const identifiers = values
    ? Array.from({ length: Number(values.identifier_count ?? 0) }, (_, i) => values[`identifier_${i}`] ?? '')
    : rowsOf(
        app.identifiers.map((i) => i.identifier),
        '',
      );
  const defaultIdentifier = values
    ? Number(values.default_identifier ?? 0)
    : Math.max(
        0,
        app.identifiers.findIndex((i) => i.isDefault),
      );
  const replies = values
    ? Array.from({ length: Number(values.reply_count ?? 0) }, (_, i) => ({
        url: values[`reply_url_${i}`] ?? '',
        index: values[`reply_index_${i}`] ?? '',
      }))
    : rowsOf(
        app.replyUrls.map((r) => ({ url: r.url, index: r.index === null ? '' : String(r.index) })),
        { url: '', index: '' },
      );
  const defaultReply = values
    ? Number(values.default_reply ?? 0)
    : Math.max(
        0,
        app.replyUrls.findIndex((r) => r.isDefault),
      );
  const patterns = findTemplate(app.galleryTemplate)?.patterns ?? null;
  const rowError = (key: string) =>
    errors[key] ? html`<p class="error" id="e-${key}">${errors[key]}</p>` : null;
  return html`<fieldset class="field"><legend>Identifier (Entity ID) <span class="req" aria-hidden="true">*</span></legend>
<p class="hint">The unique ID that identifies the application to Federa Directory: the entity ID the application sends as Issuer.${patterns ? ` Pattern: ${patterns.identifier}` : ''}</p>
<input type="hidden" name="identifier_count" value="${String(identifiers.length)}">
<table><thead><tr><th scope="col">Identifier</th><th scope="col">Default</th></tr></thead><tbody>
${identifiers.map(
  (
    value,
    i,
  ) => html`<tr><td><input id="f-identifier_${i}" aria-label="Identifier ${i + 1}" name="identifier_${i}" value="${value}"${errors[`identifier_${i}`] ? html` aria-invalid="true" aria-describedby="e-identifier_${i}"` : null}>${rowError(`identifier_${i}`)}</td>
<td><input type="radio" name="default_identifier" value="${String(i)}" aria-label="Default identifier ${i + 1}"${i === defaultIdentifier ? html` checked` : null}></td></tr>`,
)}
</tbody></table>${rowError('identifiers')}</fieldset>
<fieldset class="field"><legend>Reply URL (Assertion Consumer Service URL) <span class="req" aria-hidden="true">*</span></legend>
<p class="hint">Where the application expects the SAML response (HTTP-POST). https, except for localhost and 127.0.0.1.${patterns ? ` Pattern: ${patterns.replyUrl}` : ''}</p>
<input type="hidden" name="reply_count" value="${String(replies.length)}">
<table><thead><tr><th scope="col">Reply URL</th><th scope="col">Index</th><th scope="col">Default</th></tr></thead><tbody>
${replies.map(
  (
    r,
    i,
  ) => html`<tr><td><input id="f-reply_url_${i}" aria-label="Reply URL ${i + 1}" name="reply_url_${i}" value="${r.url}"${errors[`reply_url_${i}`] ? html` aria-invalid="true" aria-describedby="e-reply_url_${i}"` : null}>${rowError(`reply_url_${i}`)}</td>
<td><input id="f-reply_index_${i}" aria-label="Reply URL index ${i + 1}" name="reply_index_${i}" value="${r.index}" size="5" inputmode="numeric"${errors[`reply_index_${i}`] ? html` aria-invalid="true" aria-describedby="e-reply_index_${i}"` : null}>${rowError(`reply_index_${i}`)}</td>
<td><input type="radio" name="default_reply" value="${String(i)}" aria-label="Default reply URL ${i + 1}"${i === defaultReply ? html` checked` : null}></td></tr>`,
)}
</tbody></table>${rowError('replyUrls')}</fieldset>
${field({ label: 'Sign on URL (Optional)', name: 'signOnUrl', value: values?.signOnUrl ?? app.signOnUrl ?? '', hint: `Where SP-initiated sign-in starts (My Apps and Test open it).${patterns ? ` Pattern: ${patterns.signOnUrl}` : ''}`, error: errors.signOnUrl })}
${field({ label: 'Relay State (Optional)', name: 'relayState', value: values?.relayState ?? app.relayState ?? '', hint: 'Sent with IdP-initiated responses: where the application goes after sign-in.', error: errors.relayState })}
${field({ label: 'Logout Url (Optional)', name: 'logoutUrl', value: values?.logoutUrl ?? app.logoutUrl ?? '', hint: 'Where single logout reaches the application: the Directory’s sign-out sends it a LogoutRequest, and its own LogoutRequest gets the LogoutResponse here.', error: errors.logoutUrl })}`;
}

/**
 * A posted Basic SAML form: `input` for `updateBasicSaml`, and `values` (the post with its row counts
 * bounded) for showing the form again when it does not validate.
 */
export function basicSamlInputOf(form: Record<string, string>): {
  input: BasicSamlInput;
  values: Record<string, string>;
} {
  const identifierCount = Math.min(Number(form.identifier_count ?? 0) || 0, MAX_ROWS);
  const replyCount = Math.min(Number(form.reply_count ?? 0) || 0, MAX_ROWS);
  return {
    input: {
      identifiers: Array.from({ length: identifierCount }, (_, i) => ({
        identifier: form[`identifier_${i}`] ?? '',
        isDefault: form.default_identifier === String(i),
      })),
      replyUrls: Array.from({ length: replyCount }, (_, i) => ({
        url: form[`reply_url_${i}`] ?? '',
        index: form[`reply_index_${i}`] ?? '',
        isDefault: form.default_reply === String(i),
      })),
      signOnUrl: form.signOnUrl,
      relayState: form.relayState,
      logoutUrl: form.logoutUrl,
    },
    values: { ...form, identifier_count: String(identifierCount), reply_count: String(replyCount) },
  };
}
