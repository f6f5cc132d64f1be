export {
  FailsComponentsServer,
  type FailsComponentsServerOptions,
} from './fails-components-server.js';
