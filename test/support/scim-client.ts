import { oktaHeaders } from './okta-bodies';

/** A small SCIM client that sends exactly what Okta sends (docs/okta.md headers). */
export interface ScimResponse {
  status: number;
  headers: Headers;
  body: any; // tests read arbitrary JSON
  text: string;
}

export interface ScimClient {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimResponse>;
}

export function scimClient(scimUrl: string, token: string): ScimClient {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${scimUrl}${path}`, {
      method,
      headers: { ...oktaHeaders(token, method), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}
