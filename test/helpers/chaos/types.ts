import type { CommandAction, CommandSource, InviteMode, PredefinedRole } from '@idp-sync/contracts';

export type WebhookSource = 'okta' | 'hr' | 'workos' | 'bamboohr';
export type ChaosSource = WebhookSource | 'scim';

/** One person of the scenario: the key is the lower-cased email; the rest are the ids each vendor knows them by. */
export interface Person {
  readonly index: number;
  readonly email: string;
  /** Provisioned by Entra through SCIM only (and by no webhook source). */
  readonly scim: boolean;
  readonly oktaId: string;
  readonly employeeId: string;
  readonly directoryUserId: string;
  readonly externalId: string;
}

/** A command the source event must make ingest queue, as the reference model sees it. */
export interface ExpectedCommand {
  /** Unique per logical command: `<event id>:<email>`. */
  readonly ref: string;
  readonly email: string;
  readonly action: CommandAction;
  readonly source: CommandSource;
  /**
   * The event time. Webhook events carry synthetic times in the past; a SCIM operation happens when it is received
   * (the server's clock), so SCIM commands get a rank above every synthetic time, in delivery order.
   */
  readonly occurredAtMs: number;
  readonly name?: string;
  readonly role?: PredefinedRole;
  readonly isDeveloper?: boolean;
  readonly inviteMode?: InviteMode;
}

export interface OktaEventSpec {
  readonly uuid: string;
  readonly eventType: string;
  readonly publishedMs: number;
  /** As sent (sometimes in another case than the key). */
  readonly login: string;
  readonly oktaId: string;
  readonly displayName: string;
}

/** What one delivery carries, per source; requests are signed from it when they are sent. */
export type EventSpec =
  | { readonly source: 'okta'; readonly events: readonly OktaEventSpec[] }
  | {
      readonly source: 'hr';
      readonly webhookId: string;
      readonly type: string;
      readonly timestampMs: number;
      readonly data: Readonly<Record<string, unknown>>;
    }
  | {
      readonly source: 'workos';
      readonly eventId: string;
      readonly event: string;
      readonly createdAtMs: number;
      readonly data: Readonly<Record<string, unknown>>;
    }
  | {
      readonly source: 'bamboohr';
      readonly type: string;
      readonly timestampMs: number;
      readonly employeeId: string;
      readonly fields?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly source: 'scim';
      readonly op: 'get' | 'post' | 'patch' | 'delete';
      readonly person: number;
      readonly body?: Readonly<Record<string, unknown>>;
    };

/** One source event (a webhook delivery, or one SCIM request). */
export interface SourceEvent {
  readonly id: number;
  readonly label: string;
  readonly spec: EventSpec;
  readonly commands: readonly ExpectedCommand[];
  /** Emails of the people the event concerns (its deliveries are ordered after theirs). */
  readonly people: readonly string[];
}

/**
 * How an event reaches the pipeline:
 * - `original`: its first delivery, through the ingest API;
 * - `retry`: the vendor delivers it again through the ingest API (same event id, fresh signature) — soon after, or
 *   much later (a replayed old event); its commands carry the same ids, so SQS deduplication or the worker's
 *   idempotency records must absorb them;
 * - `late-redelivery`: the same commands reach the queue again past SQS's 5-minute deduplication window (a vendor
 *   retrying after hours): built by the real ingest code, sent with a fresh deduplication id, so only the worker's
 *   idempotency stands between them and a second effect.
 */
export type DeliveryMode = 'original' | 'retry' | 'late-redelivery';

export interface Delivery {
  readonly seq: number;
  readonly event: SourceEvent;
  readonly mode: DeliveryMode;
}

/** The DLQ reasons the reference model can expect (every one a permanent failure). */
export type ExpectedDlqClass = 'EmailDeleted' | 'UserNotFound' | 'ResetPasswordRejected';
