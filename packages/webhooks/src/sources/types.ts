import { ownField } from '@idp-sync/common';
import type { CommandSource, ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest, SecretValues } from '@idp-sync/http';

/** The webhook sources this package adapts (SCIM has its own routes and is not a webhook source). */
export type WebhookSource = Extract<CommandSource, 'okta' | 'hr' | 'workos' | 'bamboohr'>;

/** What the verification step learnt about the delivery (for example the Standard Webhooks `webhook-id`). */
export interface VerifiedDelivery {
  /** The sender's id for this delivery, when it has one: part of the command ids. */
  readonly deliveryId?: string;
  /** When the sender signed the delivery (RFC 3339), for sources whose events may lack their own time. */
  readonly sentAt?: string;
}

/** A source event that was understood and deliberately not queued, with why. */
export interface IgnoredEvent {
  /** The vendor's event type (or action), as sent. */
  readonly eventType: string;
  /** A short machine-readable reason: `unknown-event-type`, `outcome-failure`, `no-email`, `disabled-by-config`… */
  readonly reason: string;
}

/** The commands one delivery turns into, plus what it deliberately left out. */
export interface NormalizeResult {
  readonly commands: readonly ProvisioningCommand[];
  readonly ignored: readonly IgnoredEvent[];
}

/** What an adapter needs besides the payload. */
export interface NormalizeContext {
  /** When ingest received the delivery (RFC 3339): every command's `receivedAt`. */
  readonly receivedAt: string;
  readonly delivery: VerifiedDelivery;
}

/**
 * One webhook source: how to verify its sender over the raw request, and how to map its (parsed) payload to commands.
 * `verify` runs before the body is parsed; `normalize` never queues anything itself and never throws anything but a
 * `PayloadError`.
 *
 * @example
 * const delivery = adapter.verify(request, secrets, Date.now());
 * const { commands, ignored } = adapter.normalize(JSON.parse(body), { receivedAt, delivery });
 */
export interface SourceAdapter {
  readonly source: WebhookSource;
  /** Throws `VerificationError` when the sender cannot be verified with any of the secret's values. */
  verify(request: HttpRequest, secrets: SecretValues, nowMs: number): VerifiedDelivery;
  /** Throws `PayloadError` when the payload is not what this source sends. */
  normalize(payload: unknown, context: NormalizeContext): NormalizeResult;
}

/**
 * The secret values to try, current first. Only values the object owns count: a `previous` inherited from a polluted
 * `Object.prototype` must never verify a sender.
 */
export function secretCandidates(secrets: SecretValues): string[] {
  const current = ownField(secrets, 'current');
  const previous = ownField(secrets, 'previous');
  if (typeof current !== 'string') return [];
  return typeof previous === 'string' && previous !== current ? [current, previous] : [current];
}
