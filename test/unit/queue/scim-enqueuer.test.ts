import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScimEnqueuer, type JobAdder } from '../../../src/queue/scim-enqueuer';
import { writesOf, isBatchJob, SCIM_BATCH_JOB_NAME, type ScimJobData, type ScimWriteJob } from '../../../src/queue/job-payloads';

const write = (n: number): ScimWriteJob => ({
  operationId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  directoryId: 'd',
  organizationId: 'o',
  requestId: `r${n}`,
  method: 'POST',
  resourceType: 'User',
  body: { userName: `u${n}` },
  baseUrl: 'https://h/scim/v2/d',
  replyTo: 'replies',
  receivedAt: 0,
  summary: `create u${n}`,
});

/** Records every add; each add stays in flight until `release` is called (a slow Redis). */
function recordingQueue(): { adder: JobAdder; added: { name: string; data: ScimJobData; jobId: string | undefined }[]; release: () => void; fail: (e: Error) => void } {
  const added: { name: string; data: ScimJobData; jobId: string | undefined }[] = [];
  const waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const adder = {
    add: (name: string, data: ScimJobData, opts?: { jobId?: string }) => {
      added.push({ name, data, jobId: opts?.jobId });
      return new Promise((resolve, reject) => waiting.push({ resolve: () => resolve({} as never), reject }));
    },
  } as unknown as JobAdder;
  return { adder, added, release: () => waiting.splice(0).forEach((w) => w.resolve()), fail: (e) => waiting.splice(0).forEach((w) => w.reject(e)) };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('ScimEnqueuer: writes arriving together share a BullMQ job', () => {
  it('sends a lone write as its own job, id = operation id, named after the write', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 32, maxInFlight: 1 });
    const done = enqueuer.enqueue(write(1));
    await turn();
    assert.equal(q.added.length, 1);
    assert.equal(q.added[0]?.name, 'user.create');
    assert.equal(q.added[0]?.jobId, write(1).operationId);
    q.release();
    await done;
  });

  it('puts writes of the same turn into one batch job, in arrival order, and resolves each once the job is in Redis', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 32, maxInFlight: 1 });
    let resolved = 0;
    const all = [1, 2, 3].map((n) => enqueuer.enqueue(write(n)).then(() => resolved++));
    await turn();
    assert.equal(q.added.length, 1);
    const job = q.added[0];
    assert.equal(job?.name, SCIM_BATCH_JOB_NAME);
    assert.ok(job && isBatchJob(job.data));
    assert.deepEqual(writesOf(job.data).map((w) => w.requestId), ['r1', 'r2', 'r3']);
    assert.notEqual(job.jobId, write(1).operationId, 'a batch has its own id');
    await turn();
    assert.equal(resolved, 0, 'not acknowledged before the add returns');
    q.release();
    await Promise.all(all);
    assert.equal(resolved, 3);
  });

  it('collects writes while an add is in flight and sends them together when it returns', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 32, maxInFlight: 1 });
    const first = enqueuer.enqueue(write(1));
    await turn();
    const later = [2, 3, 4, 5].map((n) => enqueuer.enqueue(write(n)));
    await turn();
    assert.equal(q.added.length, 1, 'nothing else leaves while one add is in flight');
    q.release();
    await first;
    await turn();
    await turn();
    assert.equal(q.added.length, 2);
    assert.deepEqual(writesOf(q.added[1]!.data).map((w) => w.requestId), ['r2', 'r3', 'r4', 'r5']);
    q.release();
    await Promise.all(later);
    assert.equal(enqueuer.jobsSent, 2);
    assert.equal(enqueuer.writesSent, 5);
  });

  it('splits at maxBatch and keeps maxInFlight adds going', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => enqueuer.enqueue(write(n)));
    await turn();
    assert.deepEqual(q.added.map((a) => writesOf(a.data).length), [2, 2]);
    q.release();
    await turn();
    await turn();
    assert.deepEqual(q.added.map((a) => writesOf(a.data).length), [2, 2, 1]);
    q.release();
    await Promise.all(all);
  });

  it('keeps a job under maxBatchBytes of bodies: a large write travels alone', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 32, maxInFlight: 4, maxBatchBytes: 1000 });
    const all = [
      enqueuer.enqueue(write(1), 300),
      enqueuer.enqueue(write(2), 300),
      enqueuer.enqueue(write(3), 5000),
      enqueuer.enqueue(write(4), 100),
    ];
    await turn();
    assert.deepEqual(q.added.map((a) => writesOf(a.data).map((w) => w.requestId)), [['r1', 'r2'], ['r3'], ['r4']]);
    q.release();
    await Promise.all(all);
  });

  it('rejects every write of a batch whose add failed (each receiver answers 503), and goes on with the next', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 32, maxInFlight: 1 });
    const failed = [1, 2].map((n) => enqueuer.enqueue(write(n)).then(() => 'ok', (e: Error) => e.message));
    await turn();
    q.fail(new Error('redis down'));
    assert.deepEqual(await Promise.all(failed), ['redis down', 'redis down']);
    const next = enqueuer.enqueue(write(3));
    await turn();
    q.release();
    await next;
    assert.equal(q.added.length, 2);
  });

  it('enqueueAlone bypasses batching: the retried request re-joins its own job id', async () => {
    const q = recordingQueue();
    const enqueuer = new ScimEnqueuer(q.adder, { maxBatch: 32, maxInFlight: 1 });
    const pending = enqueuer.enqueue(write(1));
    const alone = enqueuer.enqueueAlone(write(2));
    assert.equal(q.added[0]?.jobId, write(2).operationId, 'sent at once, not after the batch');
    q.release();
    await alone;
    await turn();
    q.release();
    await pending;
  });
});
