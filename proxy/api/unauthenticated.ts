// The API's answer to a call without a valid token, told as a caseworker can act on it (the
// extension shows it with a link to its settings page): never a header name. After too many wrong
// tokens from one address or with one prefix: 429 with Retry-After.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../../shared/api.js';
import type { UserDirectory } from '../identity/directory.js';
import { sendJson } from '../respond.js';

const UNAUTHENTICATED = {
  error: 'unauthenticated',
  nl: 'export-guard herkent je niet: je token ontbreekt of klopt niet. Vul het token dat je van IT kreeg in op de instellingenpagina van de export-guard-extensie.',
  en: 'export-guard does not recognise you: your token is missing or wrong. Enter the token IT gave you on the settings page of the export-guard extension.',
};

export function answerUnauthenticated(req: IncomingMessage, res: ServerResponse, directory: UserDirectory): void {
  const retryAfter = directory.retryAfterSeconds(req);
  if (retryAfter === 0) return sendJson(res, 401, { ...UNAUTHENTICATED, message: UNAUTHENTICATED.en } satisfies ApiError);
  const minutes = Math.ceil(retryAfter / 60);
  const nl = `Te vaak een verkeerd token vanaf deze computer: probeer het over ${minutes} minuten opnieuw. Vul het token dat je van IT kreeg in op de instellingenpagina van de export-guard-extensie.`;
  const en = `Too many wrong tokens from this computer: try again in ${minutes} minutes. Enter the token IT gave you on the settings page of the export-guard extension.`;
  sendJson(res, 429, { error: 'too-many-failures', message: en, nl, en } satisfies ApiError, { 'retry-after': String(retryAfter) });
}
