import type { Command } from 'commander';
import { CliError, print, type Run } from '../cli-context';
import { DirectoryStore } from '../../store/directory-store';
import { HoldStore } from '../../store/hold-store';
import { closeHold, HoldActionError, presentHold, presentPerson } from '../../delivery/hold-admin';

const countsText = (c: ReturnType<typeof presentHold>['counts']): string =>
  `${c.deactivations} deactivations, ${c.deletions} deletions, ${c.roleRemovals} role removals, ${c.groupDeletions} group deletions${c.cancelled ? `, ${c.cancelled} cancelled` : ''}`;

/** The deprovisioning circuit breaker (docs/circuit-breaker.md): holds, release, discard. */
export function registerHoldCommands(program: Command, run: Run): void {
  program
    .command('holds')
    .description("list a directory's circuit-breaker holds (newest first)")
    .requiredOption('--directory <id>', 'directory id')
    .option('--json', 'print JSON', false)
    .action((opts: { directory: string; json: boolean }) =>
      run(async (ctx) => {
        const db = await ctx.db();
        const directory = await new DirectoryStore(db).find(opts.directory);
        if (!directory) throw new CliError(`directory ${opts.directory} not found (npx dirsync directories --org <id|name> lists them)`);
        const holds = (await new HoldStore(db).list(directory.id)).map(presentHold);
        print(opts.json, holds, () => (holds.length ? holds.map((h) => `${h.id}  ${h.status.padEnd(9)} ${h.people} people  ${countsText(h.counts)}  ${h.firstAt} … ${h.lastAt}`).join('\n') : 'No holds.'));
      }),
    );

  program
    .command('hold')
    .description('show one hold with the people who would lose access')
    .requiredOption('--hold <id>', 'hold id')
    .option('--json', 'print JSON', false)
    .action((opts: { hold: string; json: boolean }) =>
      run(async (ctx) => {
        const store = new HoldStore(await ctx.db());
        const hold = await store.get(opts.hold);
        if (!hold) throw new CliError(`hold ${opts.hold} not found`);
        const people = (await store.people(hold.id)).map(presentPerson);
        print(opts.json, { ...presentHold(hold), wouldLoseAccess: people }, () =>
          [`${hold.id}  ${hold.status}  ${countsText(presentHold(hold).counts)}`, ...people.map((p) => `  ${p.userId}  ${p.userName ?? '-'}  ${p.kinds.join(',')}  roles: ${p.roles.join(',') || '-'}`)].join('\n'),
        );
      }),
    );

  for (const [name, action, text] of [
    ['release-hold', 'release', 'deliver the held events, in order, to every sink'],
    ['discard-hold', 'discard', 'never deliver the held events (the drift report then says why)'],
  ] as const) {
    program
      .command(name)
      .description(`${text}`)
      .requiredOption('--hold <id>', 'hold id')
      .option('--json', 'print JSON', false)
      .action((opts: { hold: string; json: boolean }) =>
        run(async (ctx) => {
          const hold = await closeHold(await ctx.db(), opts.hold, action, 'cli').catch((e: unknown) => {
            throw e instanceof HoldActionError ? new CliError(e.code === 'not_found' ? `hold ${opts.hold} not found` : e.message) : e;
          });
          print(opts.json, presentHold(hold), () => `Hold ${hold.id} ${hold.status}${action === 'release' ? ': its events are being delivered' : ': its events will never be delivered'}`);
        }),
      );
  }
}
