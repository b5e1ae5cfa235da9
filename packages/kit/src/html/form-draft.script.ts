// The part of federa.js that keeps a form's edits across an expired session. When a form is posted,
// what was typed is kept in the tab's sessionStorage (never passwords, files or hidden fields); if the
// answer is the `session_expired` page, the edits are kept apart and its "Sign in again" link goes
// back to the form's page; once signed in again, that page puts them back into the same form and says
// so. Any other answer drops them. Nothing leaves the browser, and a post from another site cannot
// write here, so the edits put back are always the person's own.

export const FORM_DRAFT_SCRIPT = `
(function () {
  // The edits of the form just posted, and those an expired session left to put back: apart, so
  // that posting the sign-in form on the way back does not replace the edits being carried.
  var SENT = 'federa.formSent';
  var KEPT = 'federa.formDraft';
  var MAX_AGE_MS = 60 * 60 * 1000;
  var SKIPPED = { password: 1, hidden: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };
  function read(key) { try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (e) { return null; } }
  function write(key, draft) {
    try { if (draft) sessionStorage.setItem(key, JSON.stringify(draft)); else sessionStorage.removeItem(key); } catch (e) {}
  }
  function kept(element) {
    return element.name && !element.disabled && !SKIPPED[(element.type || '').toLowerCase()];
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      if (element.type === 'checkbox' || element.type === 'radio') fields.push({ name: element.name, value: element.value, checked: element.checked });
      else if (element.type === 'select-multiple') fields.push({ name: element.name, values: Array.prototype.filter.call(element.options, function (o) { return o.selected; }).map(function (o) { return o.value; }) });
      else fields.push({ name: element.name, value: element.value });
    });
    write(SENT, fields.length === 0 ? null : { page: location.pathname + location.search, action: form.action, fields: fields, at: Date.now() });
  });
  function restore(form, fields) {
    fields.forEach(function (field) {
      Array.prototype.forEach.call(form.elements, function (element) {
        if (element.name !== field.name || !kept(element)) return;
        if (element.type === 'checkbox' || element.type === 'radio') { if (element.value === field.value) element.checked = field.checked; }
        else if (element.type === 'select-multiple') Array.prototype.forEach.call(element.options, function (o) { o.selected = field.values.indexOf(o.value) >= 0; });
        else element.value = field.value;
      });
    });
    var note = document.createElement('div');
    note.className = 'flash flash-info';
    note.setAttribute('role', 'status');
    note.textContent = 'Your session had expired before these changes were saved. They are back in the form: check them, then save again.';
    form.parentNode.insertBefore(note, form);
  }
  var sent = read(SENT);
  write(SENT, null);
  var expired = document.querySelector('[data-error-code="session_expired"]');
  if (expired) {
    if (sent) write(KEPT, sent);
    var draft = read(KEPT);
    var link = expired.querySelector('.actions a');
    if (link && draft) link.setAttribute('href', draft.page);
    return;
  }
  var draft = read(KEPT);
  if (!draft) return;
  if (Date.now() - draft.at > MAX_AGE_MS) { write(KEPT, null); return; }
  if (location.pathname + location.search !== draft.page) return;
  write(KEPT, null);
  var form = Array.prototype.find.call(document.forms, function (f) { return f.action === draft.action; });
  if (form) restore(form, draft.fields);
})();
`;
