export { type EmulatorControl, emulatorControl } from './emulator';
export { describeChange, renderCalls, renderChecks, renderTable, renderUsers } from './render';
export { type OktaEventInput, type SourceRequests, type SourceTarget, sourceRequests } from './requests';
export { type DemoRun, type DemoTarget, type DemoWaitOptions, runDemoScenario, type StepResult } from './run';
export {
  type DemoCheck,
  type DemoExpectation,
  type DemoOutcome,
  type DemoPerson,
  type DemoScenario,
  type DemoSource,
  type DemoState,
  type DemoStep,
  demoScenario,
} from './scenario';
