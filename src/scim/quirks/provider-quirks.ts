import type { Provider } from '../../common/providers';
import { dropBlankValues } from './blank-values';
import { normalisePatchBody } from './patch-body';
import { normaliseResourceBody } from './resource-body';

export interface ScimWriteRequest {
  provider: Provider;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  resourceType: 'User' | 'Group';
  body: unknown;
}

/**
 * The one place where identity providers' non-RFC request forms are turned into
 * RFC 7643/7644 ones (docs/providers.md lists each quirk, its provider and source).
 * It runs at the edge, before validation and before the write is queued, so the
 * queue, the workers and the stored operation only ever see the RFC form.
 *
 * Forms with a single possible meaning are accepted from every provider (a
 * directory's provider setting may be wrong, and a generic SCIM client may send
 * them too). Behaviour is keyed by provider only where a form means different
 * things for different providers: see PROVIDER_RULES.
 */
export function normaliseProviderRequest(req: ScimWriteRequest): unknown {
  if (req.method === 'DELETE' || req.body === undefined) return req.body;
  if (req.method === 'PATCH') return normalisePatchBody(req.body, req.resourceType);
  const body = PROVIDER_RULES[req.provider].blankMeansUnassigned ? dropBlankValues(req.body) : req.body;
  return normaliseResourceBody(body, req.resourceType);
}

interface ProviderRules {
  /**
   * POST/PUT: a blank string attribute means "no value" (dropped) instead of being
   * stored as sent. True for OneLogin only, whose templated bodies render unset
   * parameters as "" (blank-values.ts).
   */
  blankMeansUnassigned: boolean;
}

const PROVIDER_RULES: Record<Provider, ProviderRules> = {
  okta: { blankMeansUnassigned: false },
  entra: { blankMeansUnassigned: false },
  onelogin: { blankMeansUnassigned: true },
  jumpcloud: { blankMeansUnassigned: false },
  generic: { blankMeansUnassigned: false },
};
