import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One finding of a policy-validation plugin, as CDK's `validation-report.json` lists it. */
export interface PolicyFinding {
  readonly plugin: string;
  readonly rule: string;
  /** The construct path of the resource (`idp-sync/Queues/DeadLetterQueue/Resource`). */
  readonly path: string;
  /** The acknowledgement's reason; absent for a finding nobody explained. */
  readonly reason?: string;
}

interface ReportConstruct {
  constructPath?: string;
}
interface ReportViolation {
  ruleName: string;
  violatingConstructs?: ReportConstruct[];
  reason?: string;
}
interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: ReportViolation[];
    suppressedViolations?: ReportViolation[];
  }>;
}

/**
 * The findings of every policy-validation plugin in a synthesized cloud assembly: those nobody explained, and those a
 * resource acknowledged with a reason. CDK writes the report at every synth that runs a plugin.
 */
export function policyFindings(assemblyDir: string): {
  plugins: string[];
  unexplained: PolicyFinding[];
  acknowledged: PolicyFinding[];
} {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) throw new Error(`no validation report in ${assemblyDir}: did the policy plugins run?`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  const flatten = (plugin: string, violations: ReportViolation[]): PolicyFinding[] =>
    violations.flatMap((v) =>
      (v.violatingConstructs ?? []).map((c) => ({
        plugin,
        rule: v.ruleName,
        path: c.constructPath ?? '(unknown)',
        ...(v.reason === undefined ? {} : { reason: v.reason }),
      })),
    );
  return {
    plugins: report.pluginReports.map((r) => r.pluginName),
    unexplained: report.pluginReports.flatMap((r) => flatten(r.pluginName, r.violations)),
    acknowledged: report.pluginReports.flatMap((r) => flatten(r.pluginName, r.suppressedViolations ?? [])),
  };
}
