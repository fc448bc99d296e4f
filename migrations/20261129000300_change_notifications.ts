import type { Knex } from 'knex';

/**
 * Change notifications that let web processes cache what they read on every request
 * (docs/architecture.md, "Cheap guarantees"):
 * - `dirsync_auth`: a token, directory or organization changed in a way that can change
 *   who may authenticate (`dir:<id>` or `org:<id>`). Web processes drop their cached
 *   principals on it, so a revoked token stops working within milliseconds.
 * - `dirsync_replay`: a replay marker was written (`<directoryId>:<fingerprint>`): a
 *   request was answered 503, and its identical retry must be mapped back to the same
 *   operation. Web processes keep the set of such fingerprints in memory, so a write
 *   whose fingerprint is not in it needs no marker lookup.
 * Triggers (not application code) send them, so every writer is covered: the admin API,
 * the portal, the CLI and a hand-run SQL statement. NOTIFY is delivered at COMMIT.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      row_data record;
    BEGIN
      IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
      IF TG_TABLE_NAME = 'organizations' THEN
        PERFORM pg_notify('dirsync_auth', 'org:' || row_data.id);
      ELSIF TG_TABLE_NAME = 'directories' THEN
        PERFORM pg_notify('dirsync_auth', 'dir:' || row_data.id);
      ELSE
        PERFORM pg_notify('dirsync_auth', 'dir:' || row_data.directory_id);
      END IF;
      RETURN NULL;
    END
    $$`);
  await knex.raw(`CREATE TRIGGER directory_tokens_notify_auth AFTER INSERT OR DELETE OR UPDATE OF revoked_at, expires_at, token_hash, directory_id ON directory_tokens FOR EACH ROW EXECUTE FUNCTION notify_auth_change()`);
  await knex.raw(`CREATE TRIGGER directories_notify_auth AFTER INSERT OR DELETE OR UPDATE OF status, organization_id ON directories FOR EACH ROW EXECUTE FUNCTION notify_auth_change()`);
  await knex.raw(`CREATE TRIGGER organizations_notify_auth AFTER INSERT OR DELETE OR UPDATE OF directory_sync_enabled ON organizations FOR EACH ROW EXECUTE FUNCTION notify_auth_change()`);

  await knex.raw(`
    CREATE FUNCTION notify_replay_marker() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('dirsync_replay', NEW.directory_id || ':' || NEW.fingerprint);
      RETURN NULL;
    END
    $$`);
  await knex.raw(`CREATE TRIGGER replay_markers_notify AFTER INSERT OR UPDATE ON replay_markers FOR EACH ROW EXECUTE FUNCTION notify_replay_marker()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS replay_markers_notify ON replay_markers');
  await knex.raw('DROP FUNCTION IF EXISTS notify_replay_marker()');
  await knex.raw('DROP TRIGGER IF EXISTS organizations_notify_auth ON organizations');
  await knex.raw('DROP TRIGGER IF EXISTS directories_notify_auth ON directories');
  await knex.raw('DROP TRIGGER IF EXISTS directory_tokens_notify_auth ON directory_tokens');
  await knex.raw('DROP FUNCTION IF EXISTS notify_auth_change()');
}
