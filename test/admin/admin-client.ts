/** A tiny JSON client for the app-owner API (/api/v1) used by the admin, portal and browser tests. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // tests read arbitrary JSON
}

export function adminClient(baseUrl: string, key: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { Accept: 'application/json', ...(key === undefined ? {} : { Authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
