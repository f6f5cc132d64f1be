export {
  DEFAULT_CONNECTION_TIMEOUTS,
  HttpFrontend,
  type ConnectionTimeouts,
  type HttpFrontendOptions,
} from './http-frontend.js';
export { HttpFrontendError, type HttpFrontendErrorCode } from './http-error.js';
export { CERTIFICATE_HASH_PATH } from './certificate-route.js';
export type { RouteHandler } from './router.js';
