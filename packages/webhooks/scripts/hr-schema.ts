/**
 * Prints the JSON Schema of the HR webhook format (Standard Webhooks envelope + per-type `data`), generated from the
 * zod schema the adapter validates with, so the README cannot drift from the code.
 *
 *   npx tsx packages/webhooks/scripts/hr-schema.ts
 */
import * as z from 'zod';
import { HrWebhookSchema } from '../src/sources/hr/schema';

const schema = z.toJSONSchema(HrWebhookSchema, { target: 'draft-2020-12', io: 'output' });
console.log(
  JSON.stringify(
    {
      $id: 'urn:idp-sync:hr-webhook:v1',
      title: 'idp-sync HR webhook (Standard Webhooks payload)',
      description:
        'Signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); webhook-id is the idempotency key. Unknown `type` values are acknowledged and ignored.',
      ...schema,
    },
    null,
    2,
  ),
);
