import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApiErrorBody, Event, EventPage, Lists, Organization, Sink, SinkWithSecret } from '../../../../src/http/admin/admin-response-schemas';

const now = new Date().toISOString();

describe('admin response schemas', () => {
  it('accept a well-formed organization and refuse a non-uuid id or a date without offset', () => {
    const org = { id: randomUUID(), name: 'Acme', directorySyncEnabled: true, createdAt: now, updatedAt: now };
    assert.ok(Organization.safeParse(org).success);
    assert.equal(Organization.safeParse({ ...org, id: 'acme' }).success, false);
    assert.equal(Organization.safeParse({ ...org, createdAt: '2024-01-01 00:00' }).success, false);
  });

  it('only list a secret where the API returns one (sink creation)', () => {
    const sink = { id: randomUUID(), kind: 'webhook', name: 'n', url: 'https://x', timeoutMs: 1, enabled: true, deliverFrom: now, createdAt: now };
    assert.ok(Sink.safeParse(sink).success);
    assert.equal(Sink.safeParse({ ...sink, kind: 'email' }).success, false);
    assert.equal(SinkWithSecret.safeParse(sink).success, false);
    assert.ok(SinkWithSecret.safeParse({ ...sink, secret: 'whsec_x' }).success);
  });

  it('restrict event types to the known ones', () => {
    const ev = { id: randomUUID(), type: 'user.created', organizationId: randomUUID(), directoryId: randomUUID(), sequence: 1, occurredAt: now, resource: { type: 'user', id: 'u', version: 1 }, data: {} };
    assert.ok(Event.safeParse(ev).success);
    assert.equal(Event.safeParse({ ...ev, type: 'user.exploded' }).success, false);
    assert.ok(EventPage.safeParse({ data: [ev], nextCursor: 'c', hasMore: false }).success);
  });

  it('describe errors and lists as { error } and { data: [] }', () => {
    assert.ok(ApiErrorBody.safeParse({ error: { code: 'x', message: 'm', requestId: 'r' } }).success);
    assert.equal(ApiErrorBody.safeParse({ error: { code: 'x', message: 'm' } }).success, false);
    for (const [name, schema] of Object.entries(Lists)) assert.ok(schema.safeParse({ data: [] }).success, name);
  });
});
