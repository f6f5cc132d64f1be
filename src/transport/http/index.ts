export { HttpFrontend, type HttpFrontendOptions } from './http-frontend.js';
export { HttpFrontendError, type HttpFrontendErrorCode } from './http-error.js';
export { CERTIFICATE_HASH_PATH } from './certificate-route.js';
export type { RouteHandler } from './router.js';
