import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { runCli } from '../support/dirsync-cli';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaUser, patch } from '../support/okta-bodies';
import { AppModelStore } from '../../src/app-model/app-model-store';
import { allDelivered, waitFor } from '../delivery/delivery-helpers';


/** The circuit-breaker CLI contract: `holds --json`, `release-hold`, `discard-hold`. */
describe('circuit-breaker CLI (npx dirsync holds | release-hold | discard-hold)', { timeout: 180_000 }, () => {
  let env: TestEnv;
  const cli = (...args: string[]) => runCli(env, ...args);

  before(async () => {
    env = await createTestEnv({ env: { DELIVERY_SWEEP_INTERVAL_MS: '300' } });
  });
  after(async () => env.close());

  /** 60 users, 30 of them deactivated at once: the breaker holds the changes past its thresholds. */
  async function tripped(): Promise<{ dir: TestDirectory; scim: ScimClient; victims: string[] }> {
    const dir = await env.createDirectory();
    const scim = scimClient(dir.scimUrl, dir.token);
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 20) ids.push(...(await Promise.all(Array.from({ length: 20 }, async (_, k) => (await scim('POST', '/Users', oktaUser(`c${i + k}@example.com`))).body.id as string))));
    await waitFor('created', () => allDelivered(env.db, dir.organizationId), 30_000);
    const victims = ids.slice(0, 30);
    await Promise.all(victims.map((id) => scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))));
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    return { dir, scim, victims };
  }
  const activeVictims = async (dir: TestDirectory, victims: string[]) => {
    const app = new Map((await new AppModelStore(env.db).listAppUsers(dir.organizationId)).map((u) => [u.directoryUserId, u.active]));
    return victims.filter((id) => app.get(id)).length;
  };

  it('holds --json lists the hold (id, status, counts); release-hold delivers; a second release fails cleanly', async () => {
    const { dir, victims } = await tripped();
    const listed = await cli('holds', '--directory', dir.directoryId, '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const holds = JSON.parse(listed.stdout) as { id: string; status: string; counts: { deactivations: number } }[];
    assert.ok(Array.isArray(holds));
    assert.equal(holds.length, 1);
    assert.equal(holds[0]!.status, 'held');
    assert.ok(holds[0]!.counts.deactivations >= 11, JSON.stringify(holds[0]));
    assert.equal(await activeVictims(dir, victims), holds[0]!.counts.deactivations);

    const human = await cli('holds', '--directory', dir.directoryId);
    assert.match(human.stdout, new RegExp(`${holds[0]!.id}\\s+held`));

    const released = await cli('release-hold', '--hold', holds[0]!.id);
    assert.equal(released.code, 0, released.stderr);
    assert.match(released.stdout, /released/);
    await waitFor('released delivered', async () => (await activeVictims(dir, victims)) === 0, 30_000);
    const after = JSON.parse((await cli('holds', '--directory', dir.directoryId, '--json')).stdout) as { status: string }[];
    assert.equal(after[0]!.status, 'released');

    const again = await cli('release-hold', '--hold', holds[0]!.id);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already released/);
  });

  it('discard-hold never delivers: the users stay active in the app', async () => {
    const { dir, victims } = await tripped();
    const [hold] = JSON.parse((await cli('holds', '--directory', dir.directoryId, '--json')).stdout) as { id: string; counts: { deactivations: number } }[];
    assert.ok(hold);
    const discarded = await cli('discard-hold', '--hold', hold.id, '--json');
    assert.equal(discarded.code, 0, discarded.stderr);
    assert.equal(JSON.parse(discarded.stdout).status, 'discarded');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await activeVictims(dir, victims), hold.counts.deactivations);
  });

  it('unknown hold or directory: exit 1 with a message', async () => {
    const missing = await cli('release-hold', '--hold', '00000000-0000-4000-8000-000000000000');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    const noDir = await cli('holds', '--directory', '00000000-0000-4000-8000-000000000000', '--json');
    assert.equal(noDir.code, 1);
  });
});
