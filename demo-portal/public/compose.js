// The compose page: pick recipients, write, attach (picker or drop, uploaded right away with fetch
// and FormData, as modern portals do) and send as JSON.
const $ = (id) => document.getElementById(id);
const selected = new Set();
const attachments = [];
let people = [];
let shown = [];

const me = await fetch('/api/me');
if (!me.ok) location.href = '/login';
$('user').textContent = (await me.json()).name;
people = await (await fetch('/api/jobseekers')).json();
for (const [select, key] of [[$('filter-place'), 'place'], [$('filter-sector'), 'sector']]) {
  for (const value of [...new Set(people.map((p) => p[key]))].sort()) select.append(new Option(value, value));
  select.addEventListener('change', render);
}
$('filter-name').addEventListener('input', render);
render();

function render() {
  const place = $('filter-place').value;
  const sector = $('filter-sector').value;
  const name = $('filter-name').value.trim().toLowerCase();
  shown = people.filter((p) => (!place || p.place === place) && (!sector || p.sector === sector) && (!name || p.name.toLowerCase().includes(name)));
  const items = shown.map((person) => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'recipient';
    box.value = person.id;
    box.dataset.testid = 'recipient';
    box.checked = selected.has(person.id);
    box.addEventListener('change', () => {
      if (box.checked) selected.add(person.id);
      else selected.delete(person.id);
      updateCounts();
    });
    const label = document.createElement('label');
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = ` ${person.place}, ${person.sector}`;
    label.append(box, ` ${person.name}`, meta);
    const li = document.createElement('li');
    li.append(label);
    return li;
  });
  $('recipients').replaceChildren(...items);
  const query = new URLSearchParams(Object.entries({ place, sector }).filter(([, v]) => v));
  $('export').href = `/api/export.csv${query.size ? `?${query}` : ''}`;
  updateCounts();
}

function updateCounts() {
  $('recipient-count').textContent = String(selected.size);
  $('shown-count').textContent = String(shown.length);
  $('select-all').checked = shown.length > 0 && shown.every((p) => selected.has(p.id));
}

$('select-all').addEventListener('change', (event) => {
  for (const person of shown) {
    if (event.target.checked) selected.add(person.id);
    else selected.delete(person.id);
  }
  render();
});

$('file-input').addEventListener('change', async (event) => {
  for (const file of event.target.files) await upload(file);
  event.target.value = '';
});
const zone = $('drop-zone');
zone.addEventListener('dragover', (event) => {
  event.preventDefault();
  zone.classList.add('over');
});
zone.addEventListener('dragleave', () => zone.classList.remove('over'));
zone.addEventListener('drop', async (event) => {
  event.preventDefault();
  zone.classList.remove('over');
  for (const file of event.dataTransfer.files) await upload(file);
});

async function upload(file) {
  const form = new FormData();
  form.append('file', file, file.name);
  status(`Bezig met uploaden van ${file.name}...`);
  const response = await fetch('/api/attachments', { method: 'POST', body: form });
  const answer = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
  if (!response.ok) return status(describeError(answer, file.name), 'error');
  attachments.push(answer);
  renderAttachments();
  status(`${answer.name} toegevoegd.`, 'ok');
}

function renderAttachments() {
  $('attachments').replaceChildren(
    ...attachments.map((attachment) => {
      const li = document.createElement('li');
      li.dataset.attachmentId = attachment.id;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'link';
      remove.textContent = 'verwijderen';
      remove.addEventListener('click', () => {
        attachments.splice(attachments.indexOf(attachment), 1);
        renderAttachments();
      });
      li.append(`${attachment.name} (${attachment.size} bytes) `, remove);
      return li;
    }),
  );
}

$('send').addEventListener('click', async () => {
  const message = {
    recipientIds: [...selected],
    subject: $('subject').value,
    body: $('body').value,
    attachmentIds: attachments.map((a) => a.id),
  };
  status('Bezig met versturen...');
  const response = await fetch('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  const answer = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
  if (!response.ok) return status(describeError(answer), 'error');
  status(`Verstuurd naar ${answer.recipients} ontvangers.`, 'ok');
  attachments.length = 0;
  renderAttachments();
});

/** Errors of the portal ({ message }) and of export-guard's proxy ({ nl, en, files }) alike. */
function describeError(answer, fileName) {
  const lines = [answer.nl ?? answer.message ?? 'Er ging iets mis.'];
  if (answer.en) lines.push(answer.en);
  for (const file of answer.files ?? []) {
    for (const reason of file.reasons ?? []) lines.push(`- ${file.name ?? fileName}: ${reason.nl}`);
  }
  return lines.join('\n');
}

function status(text, kind = '') {
  $('status').textContent = text;
  $('status').className = kind;
}
