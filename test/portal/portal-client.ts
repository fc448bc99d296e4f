/** A cookie-keeping HTTP client for the Admin Portal (no browser): what a person's browser would send. */
export interface PortalResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class PortalClient {
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<PortalResponse> {
    const url = path.startsWith('http') ? path : `${this.baseUrl}${path}`;
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.baseUrl } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const value = /dirsync_portal=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value ? `dirsync_portal=${value}` : undefined;
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  get(path: string, headers?: Record<string, string>): Promise<PortalResponse> {
    return this.request('GET', path, undefined, headers);
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<PortalResponse> {
    return this.request('POST', path, form, headers);
  }

  /** Opens a portal link the way a person does: the link page, then its Continue button. */
  async open(linkUrl: string): Promise<PortalResponse> {
    const token = new URL(linkUrl).searchParams.get('token') ?? '';
    const page = await this.get(linkUrl);
    if (page.status !== 200) return page;
    return this.post('/portal/enter', { token });
  }
}

/** The value of a hidden field in a rendered page. */
export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m?.[1]) throw new Error(`no ${name} field in page`);
  return m[1];
}
