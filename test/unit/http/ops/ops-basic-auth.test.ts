import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basicPassword, opsBasicAuth } from '../../../../src/http/ops/ops-basic-auth';
import { appOf, serve, type Served } from '../../../support/koa-request';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('basicPassword', () => {
  it('returns the password for any user name, colons in the password kept', () => {
    assert.equal(basicPassword(basic('admin:s3cret')), 's3cret');
    assert.equal(basicPassword(basic(':a:b')), 'a:b');
    assert.equal(basicPassword(`basic ${Buffer.from('u:p').toString('base64')}  `), 'p');
  });

  it('is undefined for other schemes, no colon, or an oversized header', () => {
    assert.equal(basicPassword('Bearer x'), undefined);
    assert.equal(basicPassword(basic('nocolon')), undefined);
    assert.equal(basicPassword(`Basic ${'A'.repeat(2000)}`), undefined);
    assert.equal(basicPassword(''), undefined);
  });
});

describe('opsBasicAuth', () => {
  let on: Served;
  let off: Served;
  before(async () => {
    on = await serve(appOf(opsBasicAuth('the-key', 'test realm')));
    off = await serve(appOf(opsBasicAuth(undefined)));
  });
  after(async () => {
    await on.close();
    await off.close();
  });

  it('admits the admin key as the password', async () => {
    assert.equal((await on.request('/', { headers: { authorization: basic('anyone:the-key') } })).status, 200);
  });

  it('challenges anything else with the realm', async () => {
    const res = await on.request('/', { headers: { authorization: basic('anyone:wrong') } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="test realm", charset="UTF-8"');
    assert.match(await res.text(), /password: ADMIN_API_KEY/);
  });

  it('stays closed without a key, even for an empty password', async () => {
    const res = await off.request('/', { headers: { authorization: basic('u:') } });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /Disabled/);
  });
});
