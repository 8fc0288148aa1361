import { PassThrough, Writable } from 'node:stream';
import {
  CliError,
  describeError,
  interruptNotice,
  isQuiet,
  ReplayAbortedError,
  ReplayProgressDisplay,
  runCli,
  UsageError,
} from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';

function io() {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return {
    io: {
      stdout: sink((s) => {
        out += s;
      }),
      stderr: sink((s) => {
        err += s;
      }),
      stdin: new PassThrough(),
      env: {},
    },
    out: () => out,
    err: () => err,
  };
}

describe('runCli exit codes (no network needed)', () => {
  it.each([
    [['--help']],
    [['dlq', '--help']],
    [['dlq', 'list', '--help']],
    [['dlq', 'show', '--help']],
    [['dlq', 'replay', '--help']],
  ])('%j prints help and exits 0', async (argv) => {
    const c = io();
    expect(await runCli(argv, c.io)).toBe(0);
    expect(c.out()).toMatch(/Usage: idp-sync/);
  });

  it('replay --help documents the safety rules and the flags', async () => {
    const c = io();
    await runCli(['dlq', 'replay', '--help'], c.io);
    for (const flag of [
      '--dry-run',
      '--max',
      '--rate',
      '--yes',
      '--action',
      '--source',
      '--reason',
      '--status',
      '--email',
      '--since',
      '--until',
      '--id',
      '--stack',
      '--queue-url',
      '--dlq-url',
    ]) {
      expect(c.out()).toContain(flag);
    }
    expect(c.out()).toMatch(/never a loss/);
  });

  it.each([[['nope']], [['dlq']], [['dlq', 'show']], [['dlq', 'list', '--status']], [['dlq', 'list', 'extra-arg']]])(
    '%j is bad usage: exit 2 with a hint',
    async (argv) => {
      const c = io();
      expect(await runCli(argv, c.io)).toBe(2);
      expect(c.err().length).toBeGreaterThan(0);
    },
  );

  it('an invalid environment variable is bad usage naming it', async () => {
    const c = io();
    c.io.env = { SQS_ENDPOINT: 'not a url' };
    expect(await runCli(['dlq', 'list'], c.io)).toBe(2);
    expect(c.err()).toMatch(/SQS_ENDPOINT/);
    expect(c.err()).toMatch(/what to do: /);
  });
});

describe('describeError', () => {
  it('says an endpoint that does not answer like SQS is probably the wrong port', () => {
    // What the SDK throws when another HTTP server (the ingest server, the emulator) answers an SQS call.
    const error = Object.assign(new Error('UnknownError'), {
      name: 'Unknown',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
    const local = describeError(error, { where: 'the local stack at http://127.0.0.1:3000', local: true });
    expect(local.message).toBe(
      'the local stack at http://127.0.0.1:3000 does not answer like SQS (HTTP 404, no SQS error in the body)',
    );
    expect(local.hint).toMatch(/point SQS_ENDPOINT at the local stack's SQS .*not the ingest or Users API port/);
    expect(local.exitCode).toBe(1);
    expect(describeError(error, { where: 'stack idp-sync' }).hint).toMatch(/--endpoint-url, SQS_ENDPOINT/);
    // An HTML page instead of JSON: the SDK's deserialization error, with the raw response attached.
    const html = Object.assign(
      new SyntaxError(
        'Unexpected token \'<\', "<!DOCTYPE "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      { $response: { statusCode: 501 } },
    );
    expect(describeError(html, { where: 'x', local: true }).message).toBe(
      'x does not answer like SQS (its answer is not an SQS response)',
    );
  });

  it("keeps a CLI error's own hint and code", () => {
    expect(describeError(new UsageError('bad', 'do this'))).toEqual({ message: 'bad', hint: 'do this', exitCode: 2 });
    expect(describeError(new CliError('broken', 'fix it')).exitCode).toBe(1);
  });

  it('explains an unreachable local stack', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const report = describeError(error, { where: 'the local stack at http://127.0.0.1:4566', local: true });
    expect(report.message).toBe('cannot reach the local stack at http://127.0.0.1:4566 (ECONNREFUSED)');
    expect(report.hint).toMatch(/npm start/);
  });

  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers', /aws sso login/],
    ['AccessDenied', 'not authorized to perform sqs:ReceiveMessage', /sqs:ReceiveMessage/],
    ['QueueDoesNotExist', 'The specified queue does not exist.', /check --dlq-url/],
    ['Error', 'Region is missing', /--region/],
    ['ExpiredTokenException', 'The security token included in the request is expired', /refresh/],
  ])('%s → a hint', (name, message, hint) => {
    const error = Object.assign(new Error(message), { name });
    const report = describeError(error, { where: 'stack x' });
    expect(report.hint).toMatch(hint);
    expect(report.exitCode).toBe(1);
  });

  it('a replay stopped by an error reports the counts and that re-running continues', () => {
    const error = new ReplayAbortedError(
      Object.assign(new Error('x'), { name: 'QueueDoesNotExist' }),
      { moved: 3, skipped: 1, failed: 0, heldBack: 0, permanent: 0 },
      2,
    );
    const report = describeError(error, { where: 'stack x' });
    expect(report.message).toMatch(/3 moved, 1 skipped, 0 failed/);
    expect(report.hint).toMatch(/run the same command again/);
    expect(report.hint).toMatch(/2 message\(s\) were sent but are still in the DLQ/);
  });
});

describe('interruptNotice (the first Ctrl-C)', () => {
  it('talks of messages in flight only for a replay', () => {
    expect(interruptNotice(['dlq', 'replay', '--status', '5xx'])).toMatch(/^Stopping after the messages in flight/);
    for (const argv of [['start'], ['demo'], ['dlq', 'list'], []]) {
      expect(interruptNotice(argv)).not.toMatch(/messages in flight/);
      expect(interruptNotice(argv)).toMatch(/Ctrl-C again to quit at once/);
    }
  });
});

describe('ReplayProgressDisplay', () => {
  it('counts the messages selected (moved, failed, held back), not those not selected', () => {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
    let now = 0;
    const progress = new ReplayProgressDisplay(stream, 3, () => now);
    now = 6000;
    progress.update({ moved: 1, failed: 0, heldBack: 1 });
    expect(text).toBe('replay: 2/3 selected: 1 moved, 0 failed, 1 held back\n');
    now = 12_000;
    progress.update({ moved: 3, failed: 0, heldBack: 1 });
    expect(text).toMatch(/replay: 4\/4 selected/);
    progress.stop();
  });
});

describe('usage errors and the local stack help', () => {
  it('an unknown option ends with what to do: the command help, and for start the environment variables', async () => {
    const start = io();
    expect(await runCli(['start', '--port', '3370'], start.io)).toBe(2);
    expect(start.err()).toMatch(/unknown option '--port'/);
    expect(start.err()).toMatch(/what to do: run `idp-sync start --help`: .*PORT=3370 npx idp-sync start/);
    const list = io();
    expect(await runCli(['dlq', 'list', '--nope'], list.io)).toBe(2);
    expect(list.err().trimEnd().split('\n').at(-1)).toBe('what to do: run `idp-sync dlq list --help`');
  });

  it('start --help and demo --help list the ports and other environment variables', async () => {
    for (const command of ['start', 'demo']) {
      const run = io();
      expect(await runCli([command, '--help'], run.io)).toBe(0);
      for (const variable of ['PORT', 'USERS_API_EMULATOR_PORT', 'SQS_PORT', 'DYNAMODB_PORT', 'SQS_ENDPOINT']) {
        expect(run.out()).toContain(variable);
      }
    }
  });
});

describe('issue #19: version, help that fits each command, quiet from the environment', () => {
  it('--version prints the version and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = io();
      expect(await runCli([flag], run.io)).toBe(0);
      expect(run.out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('dlq show --help lists only what applies to one message; --queue-url is still accepted for shared flags', async () => {
    const run = io();
    expect(await runCli(['dlq', 'show', '--help'], run.io)).toBe(0);
    for (const flag of ['--dlq-url', '--stack', '--region', '--endpoint-url', '--json', '--show-emails']) {
      expect(run.out()).toContain(flag);
    }
    for (const flag of ['--queue-url', '--status', '--email', '--person', '--max', '--yes', '--rate']) {
      expect(run.out()).not.toContain(flag);
    }
    const shared = io();
    const code = await runCli(
      ['dlq', 'show', 'okta:1', '--queue-url', 'http://127.0.0.1:9/q.fifo', '--dlq-url', 'http://127.0.0.1:9/d.fifo'],
      shared.io,
    );
    expect(code).toBe(1); // it tried to read (nothing listens on port 9): the flag was not refused as unknown
    expect(shared.err()).not.toMatch(/unknown option/);
  });

  it('dlq list takes --max and --person', async () => {
    const run = io();
    await runCli(['dlq', 'list', '--help'], run.io);
    expect(run.out()).toContain('--max <n>');
    expect(run.out()).toContain('--person <tag>');
    expect(run.out()).not.toContain('--queue-url');
    const bad = io();
    expect(await runCli(['dlq', 'list', '--max', '0'], bad.io)).toBe(2);
  });

  it('demo --help does not offer the real Users API, which the demo refuses; start --help does, and IDP_SYNC_QUIET', async () => {
    const demo = io();
    await runCli(['demo', '--help'], demo.io);
    expect(demo.out()).not.toContain('ARIZE_BASE_URL');
    expect(demo.out()).not.toContain('IDP_SYNC_QUIET');
    const start = io();
    await runCli(['start', '--help'], start.io);
    expect(start.out()).toContain('ARIZE_BASE_URL');
    expect(start.out()).toContain('IDP_SYNC_QUIET=1');
    expect(start.out()).toContain('npm start -- --quiet');
  });

  it('quiet comes from --quiet or IDP_SYNC_QUIET; a value that is neither yes nor no is refused before anything starts', async () => {
    expect(isQuiet({ quiet: true }, {})).toBe(true);
    for (const yes of ['1', 'true', 'YES', 'on']) expect(isQuiet({}, { IDP_SYNC_QUIET: yes })).toBe(true);
    for (const no of ['', '0', 'false', 'no', 'off']) expect(isQuiet({}, { IDP_SYNC_QUIET: no })).toBe(false);
    expect(isQuiet({}, {})).toBe(false);
    const run = io();
    run.io.env = { IDP_SYNC_QUIET: 'maybe' };
    expect(await runCli(['start'], run.io)).toBe(2);
    expect(run.err()).toMatch(/IDP_SYNC_QUIET must be 1 or 0, not "maybe"/);
    expect(run.err()).toMatch(/what to do: set IDP_SYNC_QUIET=1/);
  });
});
