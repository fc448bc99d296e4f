import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateWebhookSecret, openSecret, sealSecret, secretKeyBytes } from '../../../src/delivery/webhook-secret';

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 32 random bytes', () => {
    const s = generateWebhookSecret();
    assert.match(s, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(secretKeyBytes(s).length, 32);
    assert.notEqual(generateWebhookSecret(), s);
  });

  it('seal and open round-trip under a key, with a fresh IV each time', () => {
    const s = generateWebhookSecret();
    const a = sealSecret(s, 'k1');
    const b = sealSecret(s, 'k1');
    assert.match(a, /^enc1:/);
    assert.notEqual(a, b);
    assert.ok(!a.includes(s.slice(6)));
    assert.equal(openSecret(a, 'k1'), s);
    assert.equal(openSecret(b, 'k1'), s);
  });

  it('stores as is without a key, and opens plain values as they are', () => {
    assert.equal(sealSecret('whsec_x', undefined), 'whsec_x');
    assert.equal(sealSecret('whsec_x', ''), 'whsec_x');
    assert.equal(openSecret('whsec_x', 'k1'), 'whsec_x');
  });

  it('refuses to open with a wrong key, without a key, or after tampering', () => {
    const sealed = sealSecret('whsec_abc', 'right');
    assert.throws(() => openSecret(sealed, 'wrong'));
    assert.throws(() => openSecret(sealed, undefined), /DELIVERY_SECRET_KEY/);
    const raw = Buffer.from(sealed.slice(5), 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    assert.throws(() => openSecret(`enc1:${raw.toString('base64')}`, 'right'));
  });
});
