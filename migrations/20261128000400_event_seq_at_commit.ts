import type { Knex } from 'knex';

/**
 * Events get their per-directory sequence number AT COMMIT, from a deferred
 * constraint trigger, instead of from a statement the worker sends mid-transaction.
 *
 * Why: the sequence row of a directory is locked from the moment a number is
 * taken until commit, which is what makes sequence order equal commit order (a
 * cursor never skips an event, G4). Taken mid-transaction, that lock was held
 * across a client round trip (the worker sending COMMIT), and every other write
 * of the directory queued behind it (docs/benchmarks.md). Taken inside COMMIT,
 * it is held only for the commit itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE events ALTER COLUMN seq DROP NOT NULL');
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
  // Deferred row triggers fire at commit in the order the rows were inserted,
  // so events of one transaction keep their order too.
  await knex.raw(`
    CREATE CONSTRAINT TRIGGER events_assign_seq AFTER INSERT ON events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.seq IS NULL) EXECUTE FUNCTION assign_event_seq()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS events_assign_seq ON events');
  await knex.raw('DROP FUNCTION IF EXISTS assign_event_seq()');
  await knex.raw('ALTER TABLE events ALTER COLUMN seq SET NOT NULL');
}
