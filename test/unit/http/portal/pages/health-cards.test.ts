import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rejectionShareCard, rejectionWarning, type HealthShares } from '../../../../../src/http/portal/pages/health-cards';
import { WARN_MIN_REQUESTS, WARN_SHARE, rejectionShare } from '../../../../../src/common/rejection-share';
import { directory } from '../../../../support/portal-fixtures';

const d = directory();
const calm = { total: 1200, rejected: 12, share: 0.01, warning: false };
const shares = (over: Partial<HealthShares> = {}): HealthShares => ({ lastHour: calm, lastDay: calm, ...over });
/** A share as the store computes it, from one hour bucket (so the threshold is the real one). */
const computed = (total: number, rejected: number) => {
  const now = new Date('2024-03-01T10:30:00Z');
  return rejectionShare([{ hour: new Date('2024-03-01T10:00:00Z'), total, rejected }], now, 3_600_000);
};

describe('rejectionShareCard', () => {
  it('shows both windows with counts and links to the Rejected tab', () => {
    const card = rejectionShareCard(d.id, shares({ lastDay: { total: 12345, rejected: 1234, share: 0.09996, warning: true } })).value;
    assert.ok(card.includes('data-testid="rejection-share"'));
    assert.ok(card.includes('<span class="stat-number">1.0 %</span> <span class="small">last hour</span> <span class="small muted">(12 of 1,200)</span>'));
    assert.ok(card.includes('<span class="stat-number text-warning">10.0 %</span> <span class="small">last 24 hours</span> <span class="small muted">(1,234 of 12,345)</span>'));
    assert.ok(card.includes(`<a class="small block" href="/portal/directories/${d.id}/rejected">See why →</a>`));
  });

  it('renders nothing without shares, and escapes the directory id in the link', () => {
    assert.equal(rejectionShareCard(d.id, undefined).value, '');
    const card = rejectionShareCard('"><script>x</script>', shares()).value;
    assert.ok(!card.includes('<script>'));
    assert.ok(card.includes('href="/portal/directories/&quot;&gt;&lt;script&gt;x&lt;/script&gt;/rejected"'));
  });
});

describe('rejectionWarning', () => {
  it('stays silent without shares or while neither window warns', () => {
    assert.equal(rejectionWarning(d.id, 'okta', undefined).value, '');
    assert.equal(rejectionWarning(d.id, 'okta', shares()).value, '');
  });

  it('warns only above the 5 % threshold with enough requests (as the store computes the share)', () => {
    assert.equal(WARN_SHARE, 0.05);
    const at = computed(100, 5); // exactly 5 %: not above
    assert.equal(at.warning, false);
    assert.equal(rejectionWarning(d.id, 'okta', shares({ lastHour: at })).value, '');
    const above = computed(100, 6);
    assert.equal(above.warning, true);
    assert.ok(rejectionWarning(d.id, 'okta', shares({ lastHour: above })).value.includes('data-testid="health-warning"'));
    const few = computed(WARN_MIN_REQUESTS - 1, 10); // half rejected, but too few requests to say much
    assert.equal(few.warning, false);
    assert.equal(rejectionWarning(d.id, 'okta', shares({ lastHour: few })).value, '');
  });

  it('names the share, the window and the threshold, and links to the Rejected tab', () => {
    const w = rejectionWarning(d.id, 'okta', shares({ lastHour: computed(100, 6) })).value;
    assert.ok(w.includes('role="alert"'));
    assert.ok(w.includes('<b>6.0 % of the SCIM requests in the last hour were rejected</b> (above 5.0 %).'));
    assert.ok(w.includes(`<a href="/portal/directories/${d.id}/rejected">Rejected</a>`));
  });

  it('speaks of the last 24 hours when only the day warns, and prefers the hour when both do', () => {
    const day = { total: 1000, rejected: 80, share: 0.08, warning: true };
    assert.ok(rejectionWarning(d.id, 'okta', shares({ lastDay: day })).value.includes('<b>8.0 % of the SCIM requests in the last 24 hours were rejected</b>'));
    const hour = { total: 100, rejected: 30, share: 0.3, warning: true };
    assert.ok(rejectionWarning(d.id, 'okta', shares({ lastHour: hour, lastDay: day })).value.includes('<b>30.0 % of the SCIM requests in the last hour were rejected</b>'));
  });

  it('tells an Entra directory that this job gets quarantined, and others how identity providers react', () => {
    const warn = shares({ lastHour: computed(100, 10) });
    const entra = rejectionWarning(d.id, 'entra', warn).value;
    assert.ok(entra.includes('Microsoft Entra ID puts this provisioning job into quarantine when too many'));
    const okta = rejectionWarning(d.id, 'okta', warn).value;
    assert.ok(okta.includes('Identity providers act on this: Microsoft Entra ID puts a provisioning job into quarantine'));
    assert.ok(!okta.includes('this provisioning job'));
    assert.ok(okta.includes('Okta keeps retrying'));
  });
});
