import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhook } from '../../../src/delivery/webhook-signature';

describe('signWebhook (Standard Webhooks)', () => {
  // The example of the Standard Webhooks specification's reference libraries.
  it('matches the specification example', () => {
    const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.deepEqual(headers, {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs id.timestamp.body with the decoded key bytes', () => {
    const key = Buffer.alloc(32, 7);
    const secret = `whsec_${key.toString('base64')}`;
    const expected = createHmac('sha256', key).update('id1.10.body').digest('base64');
    assert.equal(signWebhook(secret, 'id1', 10, 'body')['webhook-signature'], `v1,${expected}`);
    assert.notEqual(signWebhook(secret, 'id1', 11, 'body')['webhook-signature'], `v1,${expected}`);
  });
});
