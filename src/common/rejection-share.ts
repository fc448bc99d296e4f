/**
 * The share of a directory's SCIM requests answered 4xx over a sliding window,
 * computed from per-hour counters (scim_request_counts). Hour buckets keep the
 * counters cheap (one upsert per directory per flush); the window's oldest bucket
 * is only partly inside it, so it counts in proportion to the overlap (an even
 * spread of requests within the hour is assumed).
 */
export interface HourBucket {
  /** Start of the hour (UTC). */
  hour: Date;
  total: number;
  rejected: number;
}

export interface RejectionShare {
  total: number;
  rejected: number;
  /** rejected / total, 0 when there was no request. */
  share: number;
  /** Above the warning threshold, with at least WARN_MIN_REQUESTS requests in the window. */
  warning: boolean;
}

/**
 * Entra ID puts a provisioning job into quarantine when too many of its requests
 * fail; Okta keeps retrying and piles up failed tasks. Above this share the portal
 * warns the customer's admin (issue 13).
 */
export const WARN_SHARE = 0.05;
/** Below this many requests a share says little (one 404 probe out of 3 is not a crisis). */
export const WARN_MIN_REQUESTS = 20;

const HOUR_MS = 3_600_000;

export function rejectionShare(buckets: readonly HourBucket[], now: Date, windowMs: number): RejectionShare {
  const start = now.getTime() - windowMs;
  let total = 0;
  let rejected = 0;
  for (const b of buckets) {
    const from = b.hour.getTime();
    const to = from + HOUR_MS;
    const overlap = Math.min(to, now.getTime()) - Math.max(from, start);
    if (overlap <= 0) continue;
    // The current hour is wholly inside the window so far; an older, partly covered one counts pro rata.
    const weight = to > now.getTime() ? 1 : Math.min(1, overlap / HOUR_MS);
    total += b.total * weight;
    rejected += b.rejected * weight;
  }
  total = Math.round(total);
  rejected = Math.min(total, Math.round(rejected));
  const share = total > 0 ? rejected / total : 0;
  return { total, rejected, share, warning: total >= WARN_MIN_REQUESTS && share > WARN_SHARE };
}

/** `3.4 %` */
export const formatShare = (share: number): string => `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)} %`;
