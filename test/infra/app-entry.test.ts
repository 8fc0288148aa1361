import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/bundle';

// infra/app.ts as `cdk synth` and `cdk deploy` run it: a child process that gets its context from CDK_CONTEXT_JSON
// (what the CLI puts there from cdk.json and `-c`) and writes the cloud assembly to CDK_OUTDIR.
const APP = path.join(REPO_ROOT, 'infra', 'app.ts');
const outdirs: string[] = [];

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function runApp(
  context: Record<string, unknown>,
): Promise<{ code: number | null; stdout: string; stderr: string; outdir: string }> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'idp-sync-app-'));
  outdirs.push(outdir);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', APP], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, outdir }));
  });
}

describe('the CDK app entry (infra/app.ts)', () => {
  it('on bad settings prints just the problems, one per line naming the setting, and exits 1', async () => {
    const { code, stdout, stderr } = await runApp({
      'idp-sync': { worker: { maxConcurrency: 0 } },
      'idp-sync.logRetentionDays': '31',
      'idp-sync.alarmEmal': 'oncall@example.com',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('invalid idp-sync configuration (context "idp-sync"):');
    expect(lines.slice(1).sort()).toEqual([
      '  - idp-sync.alarmEmal: not a setting (infra/README.md lists them)',
      expect.stringMatching(
        /^ {2}- idp-sync\.logRetentionDays: must be one of CloudWatch's retention periods \(1, 3, /,
      ),
      expect.stringMatching(/^ {2}- idp-sync\.worker\.maxConcurrency: /),
    ]);
    // No stack trace, no error object dump.
    expect(stderr).not.toMatch(/\n\s+at |InfraConfigError|problems: \[|Node\.js v/);
  }, 120_000);

  it('with good settings synthesizes, runs the policy checks and exits 0', async () => {
    // Bundling skipped: test/infra/stack.test.ts bundles the handlers; this checks the entry and its plugins.
    const { code, stderr, outdir } = await runApp({ 'aws:cdk:bundling-stacks': [] });
    expect(stderr).not.toMatch(/error|invalid/i);
    expect(code).toBe(0);
    expect(existsSync(path.join(outdir, 'idp-sync.template.json'))).toBe(true);
    expect(existsSync(path.join(outdir, 'validation-report.json'))).toBe(true);
  }, 120_000);
});
