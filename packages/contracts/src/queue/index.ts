export { InvalidCommandError } from './errors';
