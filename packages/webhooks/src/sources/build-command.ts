import {
  COMMAND_VERSION,
  checkCommand,
  deduplicationIdFor,
  EmailSchema,
  type ProvisioningCommand,
  SOURCE_USER_ID_PATTERN,
} from '@idp-sync/contracts';
import type { FieldError } from '@idp-sync/http';
import { PayloadError } from '@idp-sync/http';

/** A command before validation (`v` is added here). */
export type CommandDraft = Omit<ProvisioningCommand, 'v'>;

/** Where each command field came from in the source payload, so a rejection names the source's field. */
export type FieldOrigins = Partial<Record<keyof CommandDraft, string>>;

/**
 * Validates a command with the contract's schema. A violation is the sender's fault (the values come from its
 * payload), so it is a `PayloadError` naming the source field it came from. The command is checked once, here: the
 * queue sender sends it as it is (see `checkCommand`).
 *
 * @example
 * buildCommand({ id: 'hr:msg_1', source: 'hr', … }, { email: 'data.email' })
 */
export function buildCommand(draft: CommandDraft, origins: FieldOrigins = {}): ProvisioningCommand {
  const result = checkCommand({ v: COMMAND_VERSION, ...draft });
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.slice(0, 20).map((issue) => {
    const field = issue.path[0] as keyof CommandDraft | undefined;
    const origin = field !== undefined ? origins[field] : undefined;
    return { path: origin ?? `command.${issue.path.join('.')}`, message: issue.message };
  });
  throw new PayloadError('the payload maps to a command that is not valid', errors);
}

/**
 * The commands without exact repeats (same id and same content: one person named twice by one event), in order. An
 * id that comes back with other content is kept: the worker dead-letters it as `CommandIdReused` rather than one of
 * the two being dropped silently here.
 *
 * @example
 * withoutRepeats([a, a, b]) // [a, b]
 */
export function withoutRepeats(commands: readonly ProvisioningCommand[]): ProvisioningCommand[] {
  const seen = new Set<string>();
  return commands.filter((command) => {
    const key = deduplicationIdFor(command);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Normalises an email found at `path` (validated, then trimmed and ASCII lower-cased) or throws a `PayloadError`
 * naming that path and what is wrong (an address that is not ASCII says so).
 *
 * @example
 * emailAt(' Alice@Example.com ', 'data.email') // 'alice@example.com'
 */
export function emailAt(value: unknown, path: string): string {
  const result = EmailSchema.safeParse(value);
  if (result.success) return result.data;
  throw new PayloadError('an email address is not valid', [
    {
      path,
      message:
        typeof value === 'string'
          ? (result.error.issues[0]?.message ?? 'must be an email address')
          : 'must be a string holding an email address',
    },
  ]);
}

/** True when `value` is a string that normalises to a valid email. */
export function isEmail(value: unknown): value is string {
  return EmailSchema.safeParse(value).success;
}

/**
 * The command field carrying a person's stable id in the source, when `value` is a usable one (a string matching
 * `SOURCE_USER_ID_PATTERN`); nothing otherwise. A vendor id of an unexpected shape costs the person the id link (the
 * worker then keys them by email alone, as before), never the delivery.
 *
 * @example
 * sourceUserIdOf('00u1abcd') // { sourceUserId: '00u1abcd' }
 * sourceUserIdOf(null)       // {}
 */
export function sourceUserIdOf(value: unknown): { sourceUserId?: string } {
  return typeof value === 'string' && SOURCE_USER_ID_PATTERN.test(value) ? { sourceUserId: value } : {};
}

/** A display name: a trimmed non-empty string, or `undefined` for anything else. */
export function cleanName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/** Joins name parts that are present (`['Ada', undefined, 'Lovelace']` → `'Ada Lovelace'`). */
export function joinName(...parts: unknown[]): string | undefined {
  return cleanName(
    parts
      .map(cleanName)
      .filter((part): part is string => part !== undefined)
      .join(' '),
  );
}
