export { CertificateError, type CertificateErrorCode } from './certificate-error.js';
export { sha256Hex, type CertificateMaterial } from './certificate-material.js';
export {
  DEFAULT_HOSTNAMES,
  DEFAULT_VALIDITY_MS,
  MAX_VALIDITY_MS,
  generateCertificate,
  type GenerateCertificateOptions,
} from './generate.js';
export { certificateFromPem, loadCertificate } from './load.js';
export { CertificateStore, type CertificateSource, type CertificateStoreOptions } from './store.js';
