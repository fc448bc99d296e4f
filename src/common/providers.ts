/** The identity providers a directory can be configured for; quirks and setup guides are keyed by these. */
export const PROVIDERS = ['okta', 'entra', 'onelogin', 'jumpcloud', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];
