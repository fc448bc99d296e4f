import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import type { TestEnv } from './test-env';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/dirsync');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/dirsync <args>` against a test environment's database; a non-zero exit is a result, not an error. */
export async function runCli(env: Pick<TestEnv, 'config' | 'baseUrl'>, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(BIN, args, { env: { ...process.env, DATABASE_URL: env.config.databaseUrl, PUBLIC_URL: env.baseUrl, LOG_LEVEL: 'silent' }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs `bin/dirsync <args>` and returns its stdout; a non-zero exit throws with its stderr. */
export async function cliStdout(env: Pick<TestEnv, 'config' | 'baseUrl'>, ...args: string[]): Promise<string> {
  const r = await runCli(env, ...args);
  if (r.code !== 0) throw new Error(`dirsync ${args[0] ?? ''} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
