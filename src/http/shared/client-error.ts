import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_SCHEMA } from '../../scim/scim-error';

/**
 * Requests Node's HTTP parser refuses before Koa sees them (a URL or headers
 * over 16 KB, a malformed request line) get Node's default answer: a status
 * line with no body. SCIM clients expect a SCIM error body on every error
 * (RFC 7644 §3.12, docs/okta.md §9), so this answers in that shape and closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), detail: status === 431 ? 'Request line or headers too large' : 'Malformed HTTP request' });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/scim+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
