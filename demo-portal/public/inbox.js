// The job seeker's inbox: shows every message that arrived and lets its attachments be downloaded,
// so a leaked export is visible where it did the harm.
const id = decodeURIComponent(location.pathname.split('/').pop());
const list = document.getElementById('messages');
const response = await fetch(`/api/inbox/${encodeURIComponent(id)}`);
if (!response.ok) {
  list.textContent = 'Deze werkmap bestaat niet.';
} else {
  const { jobSeeker, messages } = await response.json();
  document.getElementById('owner').textContent = jobSeeker.name;
  if (messages.length === 0) list.textContent = 'Geen berichten.';
  for (const message of messages.slice().reverse()) {
    const item = document.createElement('article');
    item.className = 'message';
    item.dataset.messageId = message.id;
    const title = document.createElement('h3');
    title.textContent = message.subject;
    const from = document.createElement('div');
    from.className = 'from';
    from.textContent = `Van ${message.from}, ${new Date(message.sentAt).toLocaleString('nl-NL')}`;
    const body = document.createElement('p');
    body.textContent = message.body;
    const attachments = document.createElement('ul');
    for (const attachment of message.attachments) {
      const link = document.createElement('a');
      link.href = attachment.url;
      link.textContent = `${attachment.name} (${attachment.size} bytes)`;
      link.className = 'attachment';
      const li = document.createElement('li');
      li.append(link);
      attachments.append(li);
    }
    item.append(title, from, body, attachments);
    list.append(item);
  }
}
