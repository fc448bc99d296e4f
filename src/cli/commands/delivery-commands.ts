import type { Command } from 'commander';
import { CliError, findOrganization, print, type Run } from '../cli-context';
import { DirectoryStore } from '../../store/directory-store';
import { SinkStore } from '../../store/sink-store';
import { DeliveryStore } from '../../store/delivery-store';
import { RoleMappingStore } from '../../app-model/role-mapping-store';
import { ReconcileReportStore } from '../../app-model/reconcile-report-store';
import { AppModelStore } from '../../app-model/app-model-store';
import { AppRoleStore } from '../../app-model/app-role-store';
import { addWebhookSink, replayDeadLetters, DeliveryAdminError } from '../../delivery/delivery-admin';
import { runReconcile } from '../../app-model/run-reconcile';
import { presentSink } from '../../delivery/sink-view';

/** app-users, sinks, role mappings, dead letters and replay, drift reconciliation. */
export function registerDeliveryCommands(program: Command, run: Run): void {
  program
    .command('app-users')
    .description("list the app user model's users of an organization (what the built-in sink wrote)")
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; json: boolean }) =>
      run(async (ctx) => {
        const users = await new AppModelStore(await ctx.db()).listAppUsers((await findOrganization(ctx, opts.org)).id);
        print(opts.json, users, () => (users.length ? users.map((u) => `${u.directoryUserId}  ${u.status.padEnd(9)} ${u.userName}  roles: ${u.roles.join(',') || '-'}`).join('\n') : 'No app users.'));
      }),
    );

  program
    .command('add-webhook')
    .description('add a webhook endpoint (Standard Webhooks); prints its signing secret once')
    .requiredOption('--org <id|name>', 'organization id or name')
    .requiredOption('--url <url>', 'HTTPS endpoint (http://127.0.0.1 allowed outside production)')
    .option('--name <name>', 'display name')
    .option('--timeout <ms>', 'request timeout in ms')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; url: string; name?: string; timeout?: string; json: boolean }) =>
      run(async (ctx) => {
        const org = await findOrganization(ctx, opts.org);
        const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout);
        if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) throw new CliError('--timeout must be 100..60000 ms');
        const created = await addWebhookSink(await ctx.db(), ctx.config, org.id, { url: opts.url, ...(opts.name ? { name: opts.name } : {}), ...(timeoutMs ? { timeoutMs } : {}) }).catch((e: unknown) => {
          throw e instanceof DeliveryAdminError ? new CliError(e.message) : e;
        });
        print(opts.json, { ...presentSink(created.sink), secret: created.secret }, () => `Added webhook ${created.sink.id} → ${created.sink.url}\n  Signing secret: ${created.secret}\n  (shown once)`);
      }),
    );

  program
    .command('sinks')
    .description("list an organization's sinks")
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; json: boolean }) =>
      run(async (ctx) => {
        const list = (await new SinkStore(await ctx.db()).list((await findOrganization(ctx, opts.org)).id)).map(presentSink);
        print(opts.json, list, () => list.map((s) => `${s.id}  ${s.kind.padEnd(9)} ${s.enabled ? 'enabled ' : 'disabled'} ${s.url ?? s.name}`).join('\n'));
      }),
    );

  for (const [name, enabled] of [['enable-sink', true], ['disable-sink', false]] as const) {
    program
      .command(name)
      .description(`${enabled ? 'enable' : 'disable'} a sink`)
      .requiredOption('--org <id|name>', 'organization id or name')
      .requiredOption('--sink <id>', 'sink id')
      .action((opts: { org: string; sink: string }) =>
        run(async (ctx) => {
          const sink = await new SinkStore(await ctx.db()).update((await findOrganization(ctx, opts.org)).id, opts.sink, { enabled });
          if (!sink) throw new CliError(`No sink ${opts.sink} in this organization.`);
          process.stdout.write(`Sink ${sink.id} ${enabled ? 'enabled' : 'disabled'}.\n`);
        }),
      );
  }

  program
    .command('remove-sink')
    .description('delete a webhook sink')
    .requiredOption('--org <id|name>', 'organization id or name')
    .requiredOption('--sink <id>', 'sink id')
    .action((opts: { org: string; sink: string }) =>
      run(async (ctx) => {
        if (!(await new SinkStore(await ctx.db()).deleteWebhook((await findOrganization(ctx, opts.org)).id, opts.sink))) throw new CliError(`No webhook sink ${opts.sink} (the built-in sink can only be disabled).`);
        process.stdout.write('Removed.\n');
      }),
    );

  program
    .command('role-mappings')
    .description('list group → role mappings')
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; json: boolean }) =>
      run(async (ctx) => {
        const list = await new RoleMappingStore(await ctx.db()).list((await findOrganization(ctx, opts.org)).id);
        print(opts.json, list, () => (list.length ? list.map((m) => `${m.id}  "${m.groupName}" → ${m.role}`).join('\n') : 'No role mappings.'));
      }),
    );

  for (const [name, add] of [['map-role', true], ['unmap-role', false]] as const) {
    program
      .command(name)
      .description(add ? 'map a directory group (by name) to an app role; recomputes roles' : 'remove a group → role mapping; recomputes roles')
      .requiredOption('--org <id|name>', 'organization id or name')
      .requiredOption('--group <name>', 'directory group name (case-insensitive)')
      .requiredOption('--role <role>', 'app role')
      .action((opts: { org: string; group: string; role: string }) =>
        run(async (ctx) => {
          const db = await ctx.db();
          const org = await findOrganization(ctx, opts.org);
          const store = new RoleMappingStore(db);
          if (add) await store.add(org.id, opts.group, opts.role);
          else if (!(await store.remove(org.id, { groupName: opts.group, role: opts.role }))) throw new CliError('No such mapping.');
          const n = await new AppRoleStore(db).recompute(org.id, 'all');
          process.stdout.write(`${add ? 'Mapped' : 'Unmapped'} "${opts.group}" → ${opts.role}; roles changed for ${n} user(s).\n`);
        }),
      );
  }

  program
    .command('dead-letters')
    .description('list dead-lettered deliveries of an organization')
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--all', 'include replayed ones', false)
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; all: boolean; json: boolean }) =>
      run(async (ctx) => {
        const list = await new DeliveryStore(await ctx.db()).listDeadLetters((await findOrganization(ctx, opts.org)).id, { includeReplayed: opts.all });
        print(opts.json, list, () => (list.length ? list.map((l) => `${l.createdAt.toISOString()}  event ${l.eventId} (${l.eventType}) → ${l.sinkName}: ${l.error}`).join('\n') : 'No dead letters.'));
      }),
    );

  program
    .command('replay')
    .description('replay dead letters: one event, or all of them')
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--event <id>', 'the event to replay')
    .option('--all', 'replay every dead letter', false)
    .action((opts: { org: string; event?: string; all: boolean }) =>
      run(async (ctx) => {
        if (!opts.event === !opts.all) throw new CliError('Give exactly one of --event <id> or --all.');
        const org = await findOrganization(ctx, opts.org);
        const r = await replayDeadLetters(await ctx.db(), ctx.config, org.id, opts.event);
        process.stdout.write(`Replayed ${r.replayed} dead letter(s)${r.replayed ? ': the workers deliver them again within DELIVERY_SWEEP_INTERVAL_MS' : ''}.\n`);
      }),
    );

  program
    .command('reconcile')
    .description('compare a directory with the app user model; --repair fixes the drift')
    .requiredOption('--directory <id>', 'directory id')
    .option('--repair', 'repair the drift found', false)
    .option('--json', 'print JSON', false)
    .action((opts: { directory: string; repair: boolean; json: boolean }) =>
      run(async (ctx) => {
        const db = await ctx.db();
        const dir = await new DirectoryStore(db).find(opts.directory);
        if (!dir) throw new CliError(`No directory ${opts.directory}.`);
        const report = await runReconcile(db, dir.id, opts.repair, 'manual');
        print(opts.json, report, () => summary(report.report, report.id));
      }),
    );

  program
    .command('reconcile-reports')
    .description('show the latest drift reports of a directory')
    .requiredOption('--directory <id>', 'directory id')
    .option('--json', 'print JSON', false)
    .action((opts: { directory: string; json: boolean }) =>
      run(async (ctx) => {
        const list = await new ReconcileReportStore(await ctx.db()).list(opts.directory);
        print(opts.json, list, () => (list.length ? list.map((r) => `${r.finishedAt.toISOString()}  ${r.trigger.padEnd(8)} drift ${r.driftCount}${r.report.repaired ? ' (repaired)' : ''}  ${r.id}`).join('\n') : 'No reports.'));
      }),
    );
}

function summary(r: import('../../app-model/reconcile-directory').DriftReport, id: string): string {
  return [
    `Report ${id}: drift ${r.driftCount}${r.repaired ? ' (repaired)' : ''}`,
    `  users:       missing ${r.users.missing.count}, extra ${r.users.extra.count}, stale ${r.users.stale.count}`,
    `  groups:      missing ${r.groups.missing.count}, extra ${r.groups.extra.count}, stale ${r.groups.stale.count}`,
    `  memberships: missing ${r.memberships.missing.count}, extra ${r.memberships.extra.count}`,
    `  roles:       stale ${r.roles.stale.count}`,
  ].join('\n');
}
