import { createHmac } from 'node:crypto';
import { messageGroupIdFor } from '@idp-sync/contracts';
import { UsageError } from './errors';

/** The environment variable holding the per-deployment key of person tags (optional). */
export const PERSON_TAG_KEY_VARIABLE = 'IDP_SYNC_PERSON_TAG_KEY';

/** Hex characters of a tag: 32 bits, so two people in a DLQ of thousands almost never share one (and if they do, a filter by it is refused). */
export const PERSON_TAG_LENGTH = 8;

const MIN_KEY_LENGTH = 16;

/**
 * The HMAC key when no per-deployment key is set. Public, so such a tag is only a pseudonym: anyone who guesses an
 * address can compute its tag and confirm the guess (a dictionary of a company's addresses reverses it). It tells rows
 * apart on a shared screen; it does not hide who they are from someone with a staff list. A key makes it unguessable.
 */
const PUBLIC_KEY = 'idp-sync person tag v1';

/** A person's tag from their FIFO group id (the email; `sha256:<hex>` for very long ones). */
export type PersonTagger = (groupId: string) => string;

/**
 * The person tag function of this environment: HMAC-SHA256 of the person's group id under `IDP_SYNC_PERSON_TAG_KEY`
 * (when set: tags nobody without the key can compute) or a public key (when unset), cut to 8 hex characters. The same
 * person gets the same tag on every run and machine with the same key. Keyed by the group id, not the email, so a
 * message whose body is unreadable (only its group is known) gets its person's tag too.
 *
 * @example
 * personTaggerFrom({})('alice@example.com') // e.g. '3f9a1c2b'
 */
export function personTaggerFrom(env: NodeJS.ProcessEnv): PersonTagger {
  const raw = env[PERSON_TAG_KEY_VARIABLE];
  const key = raw === undefined || raw.trim() === '' ? PUBLIC_KEY : raw;
  if (key !== PUBLIC_KEY && key.length < MIN_KEY_LENGTH) {
    throw new UsageError(
      `environment variable ${PERSON_TAG_KEY_VARIABLE} is shorter than ${MIN_KEY_LENGTH} characters`,
      `set it to the on-call team's shared key (at least ${MIN_KEY_LENGTH} random characters, e.g. \`openssl rand -hex 16\`), or unset it`,
    );
  }
  return (groupId) => createHmac('sha256', key).update(groupId).digest('hex').slice(0, PERSON_TAG_LENGTH);
}

/** The tagger without a key: the default where no environment is at hand. */
export const publicPersonTagger: PersonTagger = personTaggerFrom({});

/**
 * The group id that identifies an entry's person: the one its email gives, else its group (a body that is no
 * command). The email first: a person's `membership` commands travel in a group of their own (`membership#…`).
 *
 * @example
 * personGroupOf({ groupId: undefined, email: 'a@b.co' }) // 'a@b.co'
 */
export function personGroupOf(entry: { groupId: string | undefined; email: string | undefined }): string | undefined {
  return entry.email === undefined ? entry.groupId : messageGroupIdFor(entry.email);
}

/**
 * Parses a `--person` value: a tag as `dlq list` shows it (case and a leading `#` ignored).
 *
 * @example
 * parsePersonTag('3F9A1C2B') // '3f9a1c2b'
 */
export function parsePersonTag(value: string): string {
  const tag = value.trim().replace(/^#/, '').toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${PERSON_TAG_LENGTH}}$`).test(tag)) {
    throw new UsageError(
      `--person "${value}" is not a person tag`,
      `pass the ${PERSON_TAG_LENGTH}-character tag of the TAG column of \`idp-sync dlq list\` (e.g. --person 3f9a1c2b), or --email`,
    );
  }
  return tag;
}
