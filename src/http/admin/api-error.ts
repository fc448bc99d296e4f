/** An admin-API error: a stable code and a message fit for the caller. Becomes `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string, details?: unknown): ApiError => new ApiError(400, 'invalid_request', message, details);
