import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as z from 'zod';

/**
 * The file `idp-sync start` (`npm start`) writes while its stack runs, so that `npm run demo` and `idp-sync doctor`
 * in another terminal find the stack — where it listens and its secrets — without pasting the banner's `export …`
 * lines. Owner-only (0600 in a 0700 directory), removed when the stack stops. A crash (SIGKILL) leaves it behind:
 * readers check that the process that wrote it still runs (and the demo that the stack answers) before using it.
 *
 * No import of the local stack itself: `doctor` reads this file without loading the stack.
 */

/** The directory, when `IDP_SYNC_RUN_DIR` does not say otherwise: `.idp-sync` in the working directory. */
export const DEFAULT_RUN_DIR = '.idp-sync';
export const LOCAL_STACK_FILE_NAME = 'local-stack.json';
/** Where the file goes instead of `./.idp-sync` (tests; several checkouts sharing a working directory). */
export const RUN_DIR_ENV = 'IDP_SYNC_RUN_DIR';

/** The variables the file can fill in, secrets first. It never holds ARIZE_API_KEY (a real key stays where it was given). */
export const LOCAL_STACK_SECRET_VARIABLES = [
  'OKTA_AUTH_SECRET',
  'SCIM_BEARER_TOKEN',
  'HR_WEBHOOK_SECRET',
  'WORKOS_WEBHOOK_SECRET',
  'BAMBOOHR_WEBHOOK_KEY',
  'USERS_API_EMULATOR_KEY',
] as const;

function isLoopbackHttp(value: string): boolean {
  try {
    const url = new URL(value);
    const host = url.hostname;
    return url.protocol === 'http:' && (host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host));
  } catch {
    return false;
  }
}

const loopbackUrl = z.string().refine(isLoopbackHttp, { message: 'must be an http URL on loopback' });
const anyHttpUrl = z.url({ protocol: /^https?$/ });

const StackFileSchema = z.object({
  version: z.literal(1),
  pid: z.number().int().positive(),
  startedAt: z.string(),
  urls: z.object({
    ingest: loopbackUrl,
    // The real Users API when the stack runs against it (ARIZE_BASE_URL): not a secret, and the demo refuses it.
    usersApi: anyHttpUrl,
    sqs: anyHttpUrl,
    dynamoDb: anyHttpUrl,
  }),
  usersApiEmulator: z.boolean(),
  queueName: z.string().min(1),
  dlqName: z.string().min(1),
  stateTableName: z.string().min(1),
  oktaAuthHeader: z.string().min(1),
  secrets: z.partialRecord(z.enum(LOCAL_STACK_SECRET_VARIABLES), z.string().min(1)),
});

/** What the file holds. */
export type LocalStackFile = z.infer<typeof StackFileSchema>;

/**
 * The file's path: `$IDP_SYNC_RUN_DIR/local-stack.json`, else `./.idp-sync/local-stack.json`.
 *
 * @example
 * localStackFilePath({}, '/repo') // '/repo/.idp-sync/local-stack.json'
 */
export function localStackFilePath(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const dir = env[RUN_DIR_ENV]?.trim() || DEFAULT_RUN_DIR;
  return resolve(cwd, dir, LOCAL_STACK_FILE_NAME);
}

/** The path as a person would type it from `cwd`: relative when it is below it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const POSIX = process.platform !== 'win32';

/**
 * Writes the file with owner-only permissions, atomically (a temporary file renamed over it): the directory is
 * created 0700 (or set to it when it is ours), the file 0600. Throws when it cannot (a read-only directory, a
 * directory that is a symlink or someone else's): the caller says so and the stack runs on without it.
 *
 * @example
 * writeLocalStackFile(localStackFilePath(process.env), content);
 */
export function writeLocalStackFile(path: string, content: LocalStackFile): void {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory (a symlink?)`);
  if (POSIX) {
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
      throw new Error(`${dir} belongs to another user`);
    }
    if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  }
  const temporary = join(dir, `.${LOCAL_STACK_FILE_NAME}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'w' });
    if (POSIX) chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
    throw error;
  }
}

/**
 * Removes the file if this process wrote it (another `npm start` in the same directory may have replaced it since),
 * and the directory with it when it is left empty. Synchronous, so that it also runs in an `exit` handler. Never
 * throws.
 *
 * @example
 * process.on('exit', () => removeLocalStackFile(path, process.pid));
 */
export function removeLocalStackFile(path: string, pid: number): boolean {
  try {
    const current = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    if (current.pid !== pid) return false;
    unlinkSync(path);
  } catch {
    return false;
  }
  try {
    rmdirSync(join(path, '..'));
  } catch {
    // Not empty (someone keeps something there), or gone already.
  }
  return true;
}

/** What reading the file found. */
export type StackFileRead =
  | { readonly state: 'absent' }
  | { readonly state: 'unusable'; readonly reason: string }
  | { readonly state: 'ok'; readonly file: LocalStackFile };

/**
 * Reads and checks the file: well-formed, owner-only (a file others can read or write is not trusted: its secrets
 * may be known, its URLs changed), URLs on loopback. Never throws.
 *
 * @example
 * const read = readLocalStackFile(localStackFilePath(process.env));
 */
export function readLocalStackFile(path: string): StackFileRead {
  let text: string;
  try {
    const stat = lstatSync(path);
    if (!stat.isFile()) return { state: 'unusable', reason: 'it is not a regular file' };
    if (POSIX) {
      if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
        return { state: 'unusable', reason: 'it belongs to another user' };
      }
      if ((stat.mode & 0o077) !== 0) {
        return {
          state: 'unusable',
          reason: `its permissions are ${(stat.mode & 0o777).toString(8)}, not 600 (others may read or change it)`,
        };
      }
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return { state: 'absent' };
    return { state: 'unusable', reason: `it cannot be read (${(error as NodeJS.ErrnoException)?.code ?? 'error'})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'unusable', reason: 'it is not JSON' };
  }
  const parsed = StackFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    return { state: 'unusable', reason: `it is not what idp-sync start writes (${fields})` };
  }
  return { state: 'ok', file: parsed.data };
}

/** Whether a process with this id runs (one of another user counts: it exists). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException)?.code === 'EPERM';
  }
}

const blank = (value: string | undefined) => value === undefined || value.trim() === '';

function hostPort(url: string): { host: string; port: string } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port || (parsed.protocol === 'https:' ? '443' : '80') };
}

/** What a command does with the file, given its environment. */
export interface StackFileUse {
  /** The file's path, as the user would type it. */
  readonly display: string;
  /** The file describes the stack the environment points at, and the process that wrote it runs. */
  readonly file?: LocalStackFile;
  /** The environment with what it lacks filled in from the file (the environment wins where it is set). */
  readonly env: NodeJS.ProcessEnv;
  /** The variables that came from the file (names only). */
  readonly filled: readonly string[];
  /** Why a file that is there is not used: stale, unsafe, or about another stack. */
  readonly ignored?: string;
}

/**
 * Merges the running stack's file into the environment, for `demo` and `doctor` in local mode. The environment wins
 * wherever it is set; the file is used at all only when it describes the stack the environment points at (`PORT`,
 * `HOST` unset, or equal to the file's) and the process that wrote it still runs — a crashed stack's file is not.
 *
 * @example
 * const use = useLocalStackFile(process.env);
 * if (use.file) console.log(`ports and secrets from ${use.display}`);
 */
export function useLocalStackFile(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): StackFileUse {
  const path = localStackFilePath(env, cwd);
  const display = displayPath(path, cwd);
  const read = readLocalStackFile(path);
  if (read.state === 'absent') return { display, env, filled: [] };
  if (read.state === 'unusable') {
    return {
      display,
      env,
      filled: [],
      ignored: `${display} is not used: ${read.reason} — delete it; npm start writes it anew`,
    };
  }
  const { file } = read;
  const ingest = hostPort(file.urls.ingest);
  const wantedHost = blank(env.HOST) ? ingest.host : (env.HOST as string).trim();
  const wantedPort = blank(env.PORT) ? ingest.port : (env.PORT as string).trim();
  if (wantedHost !== ingest.host || wantedPort !== ingest.port) {
    return {
      display,
      env,
      filled: [],
      ignored: `${display} describes the stack at ${file.urls.ingest}, not the one at http://${wantedHost}:${wantedPort} (HOST/PORT): not used`,
    };
  }
  if (!processRuns(file.pid)) {
    return {
      display,
      env,
      filled: [],
      ignored: `${display} is left over from a stack that no longer runs (pid ${file.pid}, started ${file.startedAt}; it crashed or was killed): not used`,
    };
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  const filled: string[] = [];
  const fill = (name: string, value: string | undefined) => {
    if (value === undefined || !blank(merged[name])) return;
    merged[name] = value;
    filled.push(name);
  };
  fill('HOST', ingest.host);
  fill('PORT', ingest.port);
  // Where the other parts are, unless the environment says (by port or by endpoint).
  if (blank(env.SQS_PORT)) fill('SQS_ENDPOINT', file.urls.sqs);
  if (blank(env.DYNAMODB_PORT)) fill('DYNAMODB_ENDPOINT', file.urls.dynamoDb);
  if (file.usersApiEmulator) {
    if (blank(env.ARIZE_BASE_URL)) fill('USERS_API_EMULATOR_PORT', hostPort(file.urls.usersApi).port);
  } else {
    fill('ARIZE_BASE_URL', file.urls.usersApi);
  }
  fill('IDP_SYNC_QUEUE_NAME', file.queueName);
  fill('IDP_SYNC_DLQ_NAME', file.dlqName);
  fill('IDP_SYNC_STATE_TABLE', file.stateTableName);
  fill('OKTA_AUTH_HEADER', file.oktaAuthHeader);
  for (const name of LOCAL_STACK_SECRET_VARIABLES) fill(name, file.secrets[name]);
  return { display, file, env: merged, filled };
}
