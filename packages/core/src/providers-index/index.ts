// Public surface of the providers' index. Low-level helpers (base64, domain normal form) stay
// internal so that they cannot clash with other areas of the core.
export * from './model.ts';
export * from './errors.ts';
export { providerCertificateHash, normalizeCertificateHash } from './normalize.ts';
export * from './ldif.ts';
export * from './ldif-records.ts';
export * from './file-form.ts';
export * from './providers-index.ts';
