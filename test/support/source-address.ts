// SOAP calls from a chosen loopback source address (any of 127.0.0.0/8 reaches a server on 127.0.0.1), so tests
// can play several clients whose failed sign-ins are counted apart.
import { request as httpRequest } from 'node:http';
import { XML_TYPE, type Answer } from './soap.ts';

export function postSoapFrom(endpoint: string, xml: string, localAddress: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      endpoint,
      { method: 'POST', localAddress, agent: false, headers: { 'Content-Type': XML_TYPE } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(xml);
  });
}

/** The legacy UserName + Password + DeveloperToken headers. */
export function passwordHeaders(userName: string, password: string, developerToken: string): string {
  return (
    `<b:UserName>${userName}</b:UserName><b:Password>${password}</b:Password>` +
    `<b:DeveloperToken>${developerToken}</b:DeveloperToken>`
  );
}
