/**
 * daticert.xml: the machine-readable certification data of every PEC message
 * (RFC 6109 §4.4). Model, strict reader, writer, validation and error codes.
 */
export * from './model.ts';
export { DATICERT_ERRORS, type DaticertErrorCode } from './errors.ts';
export { validateDaticert, type ValidateDaticertOptions } from './validate.ts';
export { writeDaticert } from './write.ts';
export { readDaticert, DEFAULT_DATICERT_LIMITS, type DaticertLimits } from './read.ts';
