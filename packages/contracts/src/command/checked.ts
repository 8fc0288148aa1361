import { type ProvisioningCommand, ProvisioningCommandSchema } from './schema';

/** Commands that came out of {@link checkCommand} in this process: valid against the contract, and frozen. */
const checked = new WeakSet<ProvisioningCommand>();

/**
 * Validates a command against the contract (`ProvisioningCommandSchema.safeParse`) and marks the command it returns
 * as checked, frozen so that it stays what was checked. The queue sender sends a checked command as it is and
 * validates anything else: a bulk leave of 1,000 people is parsed once, not twice, and a command from elsewhere (read
 * back from a store, built by hand) is still never queued unchecked.
 *
 * @example
 * const result = checkCommand({ v: 1, id: 'hr:msg_1', … });
 * if (result.success) isCheckedCommand(result.data); // true
 */
export function checkCommand(input: unknown): ReturnType<typeof ProvisioningCommandSchema.safeParse> {
  const result = ProvisioningCommandSchema.safeParse(input);
  if (result.success) {
    if (result.data.unsupported) Object.freeze(result.data.unsupported);
    checked.add(Object.freeze(result.data));
  }
  return result;
}

/**
 * True for a command {@link checkCommand} returned (it is valid and has not changed since).
 *
 * @example
 * if (!isCheckedCommand(command)) command = ProvisioningCommandSchema.parse(command);
 */
export function isCheckedCommand(command: ProvisioningCommand): boolean {
  return checked.has(command);
}
