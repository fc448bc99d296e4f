import { ScimError } from '../../scim/scim-error';
import { parseAttributeList } from '../../scim/render-resource';

export interface ListQuery {
  filter?: string;
  startIndex: number;
  count: number;
  attributes?: string[];
  excludedAttributes?: string[];
}

type Query = Record<string, string | string[] | undefined>;

const single = (q: Query, name: string): string | undefined => {
  // Parameter names are case-insensitive in practice (Entra sends `excludedAttributes`, some clients `Count`).
  const key = Object.keys(q).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key ? q[key] : undefined;
  return Array.isArray(v) ? v[0] : v;
};

function integer(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^-?\d{1,12}$/.test(raw.trim())) throw new ScimError(400, `${name} must be an integer`, 'invalidValue', { attribute: name });
  return Number(raw.trim());
}

/**
 * RFC 7644 §3.4.2.4: startIndex below 1 means 1; a negative count means 0; count
 * above the server's maximum is capped (advertised as filter.maxResults).
 */
export function parseListQuery(q: Query, maxResults: number, defaultCount = 100): ListQuery {
  const startIndex = Math.max(1, integer(single(q, 'startIndex'), 'startIndex') ?? 1);
  const count = Math.min(maxResults, Math.max(0, integer(single(q, 'count'), 'count') ?? Math.min(defaultCount, maxResults)));
  const filter = single(q, 'filter');
  const attributes = parseAttributeList(single(q, 'attributes'));
  const excludedAttributes = parseAttributeList(single(q, 'excludedAttributes'));
  return {
    startIndex,
    count,
    ...(filter !== undefined && filter.trim() !== '' ? { filter } : {}),
    ...(attributes ? { attributes } : {}),
    ...(excludedAttributes ? { excludedAttributes } : {}),
  };
}
