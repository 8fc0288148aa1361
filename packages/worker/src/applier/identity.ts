import type { ProvisioningCommand } from '@idp-sync/contracts';
import { IdentityLinkChangedError } from '../errors';
import type { PersonStateStore } from '../state/batch-view';
import {
  type IdentityLink,
  type IdentityLinkRepository,
  type SourceUserRef,
  sourceUserKey,
} from '../state/identity-links';
import { watermarkMs } from '../state/person-state';

/**
 * What resolving a command's stable id came to:
 * - `none`: the command carries no `sourceUserId`; it applies to its own email;
 * - `same`: the id is linked to the command's own email;
 * - `claimed`: the first command of the id: the id is now linked to the command's email;
 * - `followed`: the id is linked to another email than the one the command names (the source changed the person's
 *   email): the command applies to the linked (provisioned) account and `email` is recorded as unsupported;
 * - `moved`: a join under a new address of a person whose linked account was deleted: the link now points to the
 *   new address, where the command applies;
 * - `refused`: another id of the same source holds the command's address: no link, the command applies to its own
 *   email, as it would without an id.
 */
export type IdentityOutcome = 'none' | 'same' | 'claimed' | 'followed' | 'moved' | 'refused';

export interface IdentityResolution {
  /** The command to apply: the one given, or a copy addressed to the provisioned email. */
  command: ProvisioningCommand;
  outcome: IdentityOutcome;
}

export interface IdentityResolverOptions {
  links: IdentityLinkRepository;
  /** The person states (the batch's view): the linked account's status and watermark. */
  state: PersonStateStore;
}

/**
 * Follows a command's stable id (`sourceUserId`) to the email the person was provisioned under, because the Users
 * API keys people by email and cannot change it: without this, an email change in the source would make the
 * person's later leave miss the account that exists.
 *
 * Rules (the README's "Stable ids" section says why):
 * 1. the first command of an id the worker runs links the id to that command's email, before any Users API call
 *    (conditional put: concurrent workers agree on one address, so one person never gets two accounts); within one
 *    source an address is linked to at most one id;
 * 2. every later command of the id applies to the linked email, whatever email it names — the stale guard is the
 *    linked person's watermark, so an older event delivered under another address is still stale;
 * 3. except a create when the linked account is DELETED and the create is not older than that: the person joins
 *    again under a new address (the old one can never be re-created), and the link moves there.
 *
 * One resolver per batch: the batch's links are read in one round trip (`prefetch`); a link that disagrees with
 * the command is read again before it is acted on.
 *
 * @example
 * const resolver = new IdentityResolver({ links, state: view });
 * await resolver.prefetch(commands);
 * const { command: toApply, outcome } = await resolver.resolve(command);
 */
export class IdentityResolver {
  readonly #links: IdentityLinkRepository;
  readonly #state: PersonStateStore;
  readonly #cache = new Map<string, IdentityLink | undefined>();

  constructor(options: IdentityResolverOptions) {
    this.#links = options.links;
    this.#state = options.state;
  }

  /** Reads the links of the commands that carry a stable id (one BatchGetItem per 100). */
  async prefetch(commands: readonly ProvisioningCommand[]): Promise<void> {
    const refs = commands.flatMap((c) => (c.sourceUserId === undefined ? [] : [refOf(c, c.sourceUserId)]));
    if (refs.length === 0) return;
    for (const [key, link] of await this.#links.getMany(refs)) this.#cache.set(key, link);
  }

  async resolve(command: ProvisioningCommand): Promise<IdentityResolution> {
    if (command.sourceUserId === undefined) return { command, outcome: 'none' };
    const ref = refOf(command, command.sourceUserId);
    const key = sourceUserKey(ref);
    let link = this.#cache.has(key) ? this.#cache.get(key) : await this.#links.get(ref);
    let outcome: IdentityOutcome = 'same';
    if (link === undefined) {
      if (!(await this.#links.reserveAddress(ref.source, command.email, ref.sourceUserId, command.id))) {
        return { command, outcome: 'refused' };
      }
      link = await this.#links.claim(ref, command.email, command.id);
      outcome = 'claimed';
    } else if (link.email !== command.email) {
      // Act on what is stored now, not on the batch's first read: another worker may have moved the link since.
      link = (await this.#links.get(ref)) ?? link;
    }
    this.#cache.set(key, link);
    if (link.email === command.email) return { command, outcome };

    if (command.action === 'create' && (await this.#rejoinsUnderNewAddress(command, link))) {
      if (await this.#links.reserveAddress(ref.source, command.email, ref.sourceUserId, command.id)) {
        if (!(await this.#links.move(ref, link.email, command.email, command.id))) {
          this.#cache.delete(key);
          throw new IdentityLinkChangedError('the identity link changed while this command ran; it will run again');
        }
        this.#cache.set(key, { ...link, email: command.email, movedFrom: link.email, commandId: command.id });
        return { command, outcome: 'moved' };
      }
      // Another id of this source holds the new address: follow the link (the create then meets the deleted
      // account and goes to the DLQ with that reason) rather than give this id an account that is not its own.
    }
    const unsupported = [...new Set([...(command.unsupported ?? []), 'email'])];
    return { command: { ...command, email: link.email, unsupported }, outcome: 'followed' };
  }

  /** The linked account was deleted, and this join is not older than that: the person comes back. */
  async #rejoinsUnderNewAddress(command: ProvisioningCommand, link: IdentityLink): Promise<boolean> {
    const linked = await this.#state.get(link.email);
    if (linked?.status !== 'DELETED') return false;
    return linked.watermarkMs === undefined || watermarkMs(command.occurredAt) >= linked.watermarkMs;
  }
}

function refOf(command: ProvisioningCommand, sourceUserId: string): SourceUserRef {
  return { source: command.source, sourceUserId };
}
