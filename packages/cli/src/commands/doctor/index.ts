import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import type { DoctorFlags } from '../../doctor/target';
import { CliError } from '../../errors';
import { writeLine } from '../../io';

type Flags = DoctorFlags & { sendTestEvents?: boolean; json?: boolean };

/** Some check failed: exit code 1, after every line was printed. */
export class DoctorFailedError extends CliError {}

/**
 * Registers `idp-sync doctor`: checks that a deployment (`--stack NAME`, or the local stack) is wired right —
 * secrets, the Users API key, queues, table, routes — read-only unless `--send-test-events`.
 *
 * @example
 * registerDoctorCommand(program, ctx);
 */
export function registerDoctorCommand(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description(
      'Check that a deployment is wired right: secrets set and well-formed, the Users API key, queues, table, each route’s sender check. Read-only unless --send-test-events. See packages/cli/README.md, "idp-sync doctor".',
    )
    .option(
      '--stack <name>',
      'a deployed stack (its CloudFormation outputs and Secrets Manager secrets); default: the local stack',
    )
    .option('--region <region>', 'AWS region of the stack (default AWS_REGION or your AWS profile’s)')
    .option(
      '--send-test-events',
      'also send one signed, harmless request per source (Okta verification GET, Entra Test Connection, an event type that is acknowledged and not queued)',
    )
    .option('--json', 'print the results as JSON')
    .option(
      '--users-api-url <url>',
      'the Users API (default ARIZE_BASE_URL; a stack: https://api.arize.com; locally the emulator)',
    )
    .option(
      '--okta-auth-header <name>',
      'the header Okta sends its secret in (default OKTA_AUTH_HEADER, else Authorization)',
    )
    .option(
      '--resource-prefix <prefix>',
      'with --stack: the stack’s resourcePrefix, when it cannot be read from the QueueUrl output',
    )
    .option('--api-url <url>', 'the ingest API base URL instead of the stack’s outputs or the local http://HOST:PORT')
    .option('--endpoint-url <url>', 'SQS endpoint (a stand-in); default SQS_ENDPOINT locally')
    .option('--dynamodb-endpoint <url>', 'DynamoDB endpoint (a stand-in); default DYNAMODB_ENDPOINT locally')
    .action(async (opts: Flags) => {
      // Loaded when the doctor runs: the sender checks and signers it reuses are no cost to every other command.
      const [{ countResults, renderResults, runDoctor }, { resolveDoctorTarget }] = await Promise.all([
        import('../../doctor/run'),
        import('../../doctor/target'),
      ]);
      const target = await resolveDoctorTarget(ctx, opts);
      ctx.errorContext.where = target.where;
      ctx.errorContext.local = target.mode === 'local';
      try {
        writeLine(
          ctx.io.stderr,
          `Checking ${target.where}${opts.sendTestEvents ? ', sending one test event per source' : ' (read-only)'}…`,
        );
        const results = await runDoctor(target, { sendTestEvents: opts.sendTestEvents === true });
        const counts = countResults(results);
        if (opts.json) {
          writeLine(
            ctx.io.stdout,
            JSON.stringify(
              { target: target.where, mode: target.mode, ok: counts.fail === 0, counts, checks: results },
              null,
              2,
            ),
          );
        } else {
          for (const line of renderResults(results)) writeLine(ctx.io.stdout, line);
          writeLine(
            ctx.io.stdout,
            `${results.length} checks: ${counts.ok} ok, ${counts.fail} failed, ${counts.skip} not checked.`,
          );
        }
        if (counts.fail > 0) {
          throw new DoctorFailedError(
            `${counts.fail} of ${results.length} checks failed on ${target.where}`,
            'fix what each FAIL line says, then run `idp-sync doctor` again',
          );
        }
      } finally {
        target.close();
      }
    });
}
