// Logging in to the demo portal the way its login form does, directly or through the proxy.

/** The session cookie (name=value) of `name`, logged in at `baseUrl`; throws unless the portal let them in. */
export async function portalLogin(baseUrl: string, name: string): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name }),
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 303 || !cookie) throw new Error(`login as '${name}' at ${baseUrl}: status ${response.status}, ${cookie ? 'a' : 'no'} session cookie`);
  return cookie;
}
