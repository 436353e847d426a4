export { InteropError } from './interop-error.js';
