import { randomUUID } from 'node:crypto';
import { signBambooDelivery, signHrDelivery, signOktaDelivery, signWorkosDelivery } from '@idp-sync/webhooks/sign';
import type { UsableSecret } from './checks';
import { type HttpAnswer, httpRequest, problemDetail } from './http';
import { signingValue } from './secret-format';
import type { DoctorTarget } from './target';
import { type CheckResult, type DoctorSource, fail, ok, skip } from './types';

/**
 * The event type the doctor's test deliveries carry: no source defines it, so every webhook route acknowledges it as
 * `unknown-event-type` and queues nothing; in the logs and metrics it says where it came from.
 */
export const DOCTOR_EVENT_TYPE = 'idp-sync.doctor.test';

interface Delivery {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** What the doctor sends, as the result line names it. */
  readonly label: string;
  /** Whether the answer is the harmless success expected. */
  accepted(answer: HttpAnswer): boolean;
}

function webhookAccepted(answer: HttpAnswer): boolean {
  const body = answer.json as { queued?: unknown } | undefined;
  return answer.status >= 200 && answer.status < 300 && body?.queued === 0;
}

function delivery(target: DoctorTarget, source: DoctorSource, secret: string, routeUrl: string): Delivery {
  const now = new Date().toISOString();
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  switch (source) {
    case 'okta': {
      // Okta's one-time verification: a GET with a challenge to echo, sent with the shared secret.
      const challenge = `idp-sync-doctor-${randomUUID()}`;
      return {
        method: 'GET',
        url: routeUrl,
        headers: {
          accept: 'application/json',
          'x-okta-verification-challenge': challenge,
          ...signOktaDelivery(secret, { headerName: target.oktaAuthHeader }),
        },
        label: 'the verification GET (X-Okta-Verification-Challenge)',
        accepted: (answer) =>
          answer.status === 200 && (answer.json as { verification?: unknown } | undefined)?.verification === challenge,
      };
    }
    case 'scim': {
      // What Entra's Test Connection sends: a userName filter that matches nobody (a read: nothing is queued).
      const filter = encodeURIComponent(`userName eq "${randomUUID()}"`);
      return {
        method: 'GET',
        url: `${routeUrl}/Users?filter=${filter}`,
        headers: { accept: 'application/scim+json', authorization: `Bearer ${secret}` },
        label: 'Entra’s Test Connection (GET /Users?filter=userName eq "<random id>")',
        accepted: (answer) =>
          answer.status === 200 && (answer.json as { totalResults?: unknown } | undefined)?.totalResults === 0,
      };
    }
    case 'hr': {
      const body = JSON.stringify({ type: DOCTOR_EVENT_TYPE, timestamp: now, data: {} });
      return {
        method: 'POST',
        url: routeUrl,
        headers: { ...json, ...signHrDelivery(secret, body, { id: `msg_doctor_${randomUUID().replace(/-/g, '')}` }) },
        body,
        label: `a signed ${DOCTOR_EVENT_TYPE} event`,
        accepted: webhookAccepted,
      };
    }
    case 'workos': {
      const body = JSON.stringify({
        id: `event_doctor_${randomUUID()}`,
        event: DOCTOR_EVENT_TYPE,
        data: {},
        created_at: now,
      });
      return {
        method: 'POST',
        url: routeUrl,
        headers: { ...json, ...signWorkosDelivery(secret, body) },
        body,
        label: `a signed ${DOCTOR_EVENT_TYPE} event`,
        accepted: webhookAccepted,
      };
    }
    case 'bamboohr': {
      const body = JSON.stringify({
        type: DOCTOR_EVENT_TYPE,
        timestamp: now,
        data: { employeeId: 'idp-sync-doctor', changedFields: [] },
      });
      return {
        method: 'POST',
        url: routeUrl,
        headers: { ...json, ...signBambooDelivery(secret, body) },
        body,
        label: `a signed ${DOCTOR_EVENT_TYPE} event`,
        accepted: webhookAccepted,
      };
    }
  }
}

/**
 * Sends one signed, harmless request per configured source — Okta's verification GET, Entra's Test Connection query,
 * and for HR, WorkOS and BambooHR an event of a type no source defines (acknowledged, not queued) — and reports
 * whether the route accepted it. This proves the secret the doctor read is the one the function uses.
 *
 * @example
 * const results = await sendTestEvents(target, usableSecrets);
 */
export async function sendTestEvents(
  target: DoctorTarget,
  secrets: ReadonlyMap<DoctorSource, UsableSecret>,
): Promise<CheckResult[]> {
  return Promise.all(
    target.sources.map(async (source): Promise<CheckResult> => {
      const id = `test-event:${source}`;
      const secret = secrets.get(source);
      const routeUrl = target.routes[source];
      if (!secret || !routeUrl) return skip(id, `not sent: no usable secret (see secret:${source})`);
      const d = delivery(target, source, signingValue(secret.raw), routeUrl);
      const answer = await httpRequest(d.url, {
        method: d.method,
        headers: d.headers,
        ...(d.body === undefined ? {} : { body: d.body }),
      });
      if ('failed' in answer)
        return fail(id, `${d.label}: cannot reach ${routeUrl} (${answer.failed})`, `see route:${source}`);
      if (d.accepted(answer)) {
        const what =
          source === 'okta'
            ? 'echoed the challenge'
            : source === 'scim'
              ? 'answered an empty list'
              : 'acknowledged it, queued nothing';
        return ok(id, `${d.label} → ${answer.status}: ${what}`);
      }
      const detail = problemDetail(answer);
      if (answer.status === 401) {
        return fail(
          id,
          `${d.label} → 401${detail ? ` (${detail})` : ''}: the route does not take the secret the doctor read`,
          target.mode === 'local'
            ? `the stack runs with another ${source} secret: ${target.secretHint(source)}`
            : `the function caches secrets for 5 minutes: after a change, wait and run again; otherwise the vendor and the stack disagree${source === 'okta' ? ' (or Okta sends it in another header: --okta-auth-header)' : ''}`,
        );
      }
      return fail(
        id,
        `${d.label} → ${answer.status}${detail ? ` (${detail})` : ''}, not the harmless answer expected`,
        'read the function’s log for this request; report it if the route refuses a valid delivery',
      );
    }),
  );
}
