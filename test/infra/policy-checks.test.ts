import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARD_PLUGIN, policyValidationPlugins } from '../../infra/policy-checks';
import { policyFindings } from './policy-report';

// The plugin on its own, on a one-queue stack: its binary runs here, a finding fails the synth, and an
// acknowledgement with a reason turns that finding into an explained one (what stack.test.ts relies on).
describe('the policy-check plugin', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A stack of queues without a DLQ (Control Tower's CT.SQS.PR.1): the first `acknowledged` say why. */
  function appWithQueues(count: number, acknowledged = 0, reason = 'a probe queue: nothing to redrive') {
    const outdir = mkdtempSync(path.join(tmpdir(), 'idp-sync-policy-'));
    dirs.push(outdir);
    const app = new App({ outdir });
    Validations.of(app).addPlugins(...policyValidationPlugins());
    const stack = new Stack(app, 'Probe');
    for (let i = 0; i < count; i++) {
      const queue = new sqs.Queue(stack, `Queue${i}`, { encryption: sqs.QueueEncryption.SQS_MANAGED });
      if (i < acknowledged) Validations.of(queue).acknowledge({ id: `${GUARD_PLUGIN}::sqs_dlq_check`, reason });
    }
    return { app, outdir };
  }

  it('fails the synth on a finding nobody explained, naming the control', () => {
    const { app } = appWithQueues(1);
    expect(() => app.synth()).toThrow(/CT\.SQS\.PR\.1/);
  });

  it('fails it too when another resource acknowledged the same rule', () => {
    const { app } = appWithQueues(2, 1);
    expect(() => app.synth()).toThrow(/CT\.SQS\.PR\.1[\s\S]*Probe\/Queue1\/Resource/);
  });

  it('passes it when the resource acknowledges the rule, and reports the reason', () => {
    const { app, outdir } = appWithQueues(1, 1);
    app.synth();
    const { unexplained, acknowledged } = policyFindings(outdir);
    expect(unexplained).toEqual([]);
    expect(acknowledged).toEqual([
      {
        plugin: GUARD_PLUGIN,
        rule: 'sqs_dlq_check',
        path: 'Probe/Queue0/Resource',
        reason: 'a probe queue: nothing to redrive',
      },
    ]);
  });
});
