// Signing in to the /offers page over plain HTTP (no browser), for tests of its routes' access rules.
import { expect } from 'chai';

const cookieOf = (res: Response): string => {
  const set = res.headers.getSetCookie()[0];
  if (!set) throw new Error(`no session cookie in the answer (${res.status})`);
  return set.split(';')[0]!;
};

/** Signs in with user name and password as the form does; returns the signed-in session's Cookie header. */
export async function signInOverHttp(baseUrl: string, username: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/offers`);
  const anonymous = cookieOf(form);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in form');
  const res = await fetch(`${baseUrl}/offers/sign-in`, {
    method: 'POST',
    headers: { Cookie: anonymous },
    body: new URLSearchParams({ csrf, method: 'password', username, password }),
    redirect: 'manual',
  });
  expect(res.status, 'sign-in answer').to.equal(303);
  return cookieOf(res);
}
