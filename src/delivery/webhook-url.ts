/** Webhook URLs: HTTPS; plain HTTP only to a loopback host outside production (tests, local dev). */
export function checkWebhookUrl(raw: string, env: 'development' | 'production' | 'test'): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.username || url.password) return 'url must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'url must use https';
  const host = url.hostname;
  const loopback = host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  if (env === 'production' || !loopback) return 'url must use https (http is allowed only to 127.0.0.1/localhost outside production)';
  return undefined;
}
