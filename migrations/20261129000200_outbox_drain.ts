import type { Knex } from 'knex';

/**
 * Batched, ordered delivery (docs/delivery.md):
 *
 * 1. Writers no longer take a per-directory lock. Each event records the id of the
 *    transaction that wrote it (`txid`, from the column default) and an insertion
 *    ordinal; the deferred `event_sequences` trigger is dropped. The outbox
 *    sequencer (src/delivery/outbox-sequencer.ts) assigns the per-directory `seq`
 *    after commit, under the directory's `event_sequences` row lock, which only
 *    sequencers take: sequences stay gap-free, in commit order across batches and
 *    (txid, ordinal) order within one, and in version order per resource.
 *    `event_sequences.last_seq` becomes the sequencer's high-water mark.
 * 2. `delivery_cursors`: per (sink, directory) the last `seq` delivered. Delivered-ness
 *    is the cursor; `deliveries` rows exist only for deliveries that failed (pending
 *    retry), were dead-lettered, or were replayed.
 * 3. `directories.version`: the version of directory.enabled/disabled events, which
 *    used to be read from `event_sequences` inside the writing transaction.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS events_assign_seq ON events');
  await knex.raw('DROP FUNCTION IF EXISTS assign_event_seq()');
  await knex.raw('ALTER TABLE events ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()');
  await knex.raw('ALTER TABLE events ADD COLUMN ordinal bigint GENERATED ALWAYS AS IDENTITY');
  // Writers insert seq = NULL: keep them out of the (directory, seq) index, whose
  // right edge the sequencer writes to. Feeds and drains read `seq > n` through it.
  await knex.raw('ALTER TABLE events DROP CONSTRAINT IF EXISTS events_directory_id_seq_unique');
  await knex.raw('CREATE UNIQUE INDEX events_directory_seq_uq ON events (directory_id, seq) WHERE seq IS NOT NULL');
  // What the sequencer scans: the (small) set of committed-but-unsequenced events.
  await knex.raw('CREATE INDEX events_unsequenced_ix ON events (directory_id, txid, ordinal) WHERE seq IS NULL');
  // The sequencer's per-resource version check over the same set.
  await knex.raw('CREATE INDEX events_unsequenced_resource_ix ON events (resource_id) WHERE seq IS NULL');

  await knex.raw('ALTER TABLE directories ADD COLUMN version integer NOT NULL DEFAULT 0');
  // Directory events so far took last_seq + 1 as their version: start above all of them.
  await knex.raw('UPDATE directories d SET version = s.last_seq FROM event_sequences s WHERE s.directory_id = d.id');
  await knex.raw('INSERT INTO event_sequences (directory_id, last_seq) SELECT id, 0 FROM directories ON CONFLICT DO NOTHING');

  await knex.schema.createTable('delivery_cursors', (t) => {
    t.uuid('sink_id').notNullable().references('sinks.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    // Every event of the directory with seq <= last_seq is delivered to the sink (or dead-lettered).
    t.bigInteger('last_seq').notNullable().defaultTo(0);
    // The event at last_seq + 1 failed and has a pending `deliveries` row (attempts, next_attempt_at).
    t.boolean('head_failing').notNullable().defaultTo(false);
    // Webhook drains post outside a transaction; a lease keeps two processes off one cursor.
    t.timestamp('lease_until', { useTz: true });
    t.uuid('lease_owner');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['sink_id', 'directory_id']);
    t.index(['directory_id']);
  });

  // Existing deployments: each cursor starts just before the sink's first event that has no
  // delivered or dead row (earlier delivered ones are not re-sent; later ones may be, which
  // receivers dedupe by webhook-id and the app model ignores by version).
  await knex.raw(`
    INSERT INTO delivery_cursors (sink_id, directory_id, organization_id, last_seq)
    SELECT s.id, d.id, d.organization_id,
           coalesce((SELECT min(e.seq) - 1 FROM events e
                      WHERE e.directory_id = d.id AND e.occurred_at >= s.deliver_from
                        AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.event_id = e.id AND x.sink_id = s.id AND x.status IN ('delivered', 'dead'))),
                    (SELECT max(e.seq) FROM events e WHERE e.directory_id = d.id), 0)
      FROM sinks s JOIN directories d ON d.organization_id = s.organization_id`);
  // Pending rows all lie after their cursor: the drain delivers those events afresh.
  await knex.raw(`DELETE FROM deliveries WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('delivery_cursors');
  await knex.raw('ALTER TABLE directories DROP COLUMN IF EXISTS version');
  await knex.raw('DROP INDEX IF EXISTS events_unsequenced_resource_ix');
  await knex.raw('DROP INDEX IF EXISTS events_unsequenced_ix');
  await knex.raw('DROP INDEX IF EXISTS events_directory_seq_uq');
  await knex.raw('ALTER TABLE events DROP COLUMN IF EXISTS ordinal');
  await knex.raw('ALTER TABLE events DROP COLUMN IF EXISTS txid');
  // Events never sequenced would break the old trigger's invariant: number them first.
  await knex.raw(`
    WITH n AS (
      SELECT e.id, s.last_seq + row_number() OVER (PARTITION BY e.directory_id ORDER BY e.occurred_at, e.id) AS seq
        FROM events e JOIN event_sequences s ON s.directory_id = e.directory_id WHERE e.seq IS NULL)
    UPDATE events e SET seq = n.seq FROM n WHERE e.id = n.id`);
  await knex.raw('ALTER TABLE events ADD CONSTRAINT events_directory_id_seq_unique UNIQUE (directory_id, seq)');
  await knex.raw('UPDATE event_sequences s SET last_seq = (SELECT coalesce(max(seq), 0) FROM events e WHERE e.directory_id = s.directory_id)');
  await knex.raw(`
    CREATE FUNCTION assign_event_seq() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      next_seq bigint;
    BEGIN
      INSERT INTO event_sequences AS s (directory_id, last_seq) VALUES (NEW.directory_id, 1)
      ON CONFLICT (directory_id) DO UPDATE SET last_seq = s.last_seq + 1
      RETURNING last_seq INTO next_seq;
      UPDATE events SET seq = next_seq WHERE id = NEW.id;
      RETURN NULL;
    END
    $$`);
  await knex.raw(`
    CREATE CONSTRAINT TRIGGER events_assign_seq AFTER INSERT ON events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.seq IS NULL) EXECUTE FUNCTION assign_event_seq()`);
}
