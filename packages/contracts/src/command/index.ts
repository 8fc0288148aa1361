export { isCheckedCommand } from './checked';
export { toCommandMessage } from './message';
export { boundOccurredAt } from './occurred-at';
