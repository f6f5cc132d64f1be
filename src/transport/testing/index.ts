export { patternBytes, readAll, serveEcho, writeAll } from './echo.js';
