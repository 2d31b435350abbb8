// Who the recipients of a send are, as the portal knows them. A send names its recipients by id
// only; their names come from the portal itself, read in the approver's browser with the
// approver's own portal session, never from the sender's request (which the sender controls)
// and never kept by the proxy. Pure and browser-safe.
import { valueAt } from './rule.js';

/** A route of the portal that lists people with their ids and names (a send route's `recipientNames`). */
export interface RecipientNames {
  /** Path and query on the protected site, answered with JSON to a GET, e.g. '/api/jobseekers'. */
  path: string;
  /** Dot path to the list of people in the answer; the answer itself when absent. */
  list?: string;
  /** Dot path to a person's id within an entry of the list, as the send names it. */
  id: string;
  /** Dot path to a person's name within an entry of the list. */
  name: string;
}

/** id -> name, from the portal's answer; entries without a usable id or name are left out. */
export function readRecipientNames(answer: unknown, names: RecipientNames): Map<string, string> {
  const list = names.list ? valueAt(answer, names.list) : answer;
  const found = new Map<string, string>();
  if (!Array.isArray(list)) return found;
  for (const entry of list) {
    const id = valueAt(entry, names.id);
    const name = valueAt(entry, names.name);
    if ((typeof id === 'string' || typeof id === 'number') && typeof name === 'string') found.set(String(id), name);
  }
  return found;
}
