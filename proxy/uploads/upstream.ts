// The requests the proxy itself makes to the portal for an upload session: the HEAD that tells a
// tus upload's size, and the held chunk requests, sent on as they came once their file scanned
// clean. Same agent, path and Host as http-proxy uses for everything else.
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PortalDeps {
  target: URL;
  agent: Agent;
  changeOrigin: boolean;
}

export interface PortalAnswer {
  status: number;
  headers: IncomingHttpHeaders;
}

/** Headers of one connection, not of the request: never passed on. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length'];

/** Sends one request to the portal and reads its answer's status and headers (the body is drained). */
export function askPortal(deps: PortalDeps, method: string, url: string, headers: IncomingHttpHeaders, body?: Buffer): Promise<PortalAnswer> {
  const outgoing: IncomingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete outgoing[name];
  if (body) outgoing['content-length'] = String(body.byteLength);
  if (deps.changeOrigin) outgoing.host = deps.target.host;
  const request = (deps.target.protocol === 'https:' ? httpsRequest : httpRequest)({
    protocol: deps.target.protocol,
    hostname: deps.target.hostname,
    port: deps.target.port,
    method,
    path: deps.target.pathname.replace(/\/$/, '') + url,
    headers: outgoing,
    agent: deps.agent,
  });
  return new Promise((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (answer) => {
      answer.on('error', reject);
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers }));
      answer.resume();
    });
    request.end(body);
  });
}
