// Node-only pieces: the two stores and the environment configuration of `settle serve`, and
// for demos and tools, the dev platform key `settle serve` generates in the data folder; the
// error-shaped answer to requests Node cannot parse; a bounded stop.
export { answerClientError } from './client-error.js';
export { openStore, optionsFromEnv } from './config.js';
export { type DevSecrets, loadDevSecrets, mintDevToken } from './dev-keys.js';
export { openPgStore } from './pg-store.js';
export { DRAIN_MS, type Serving, STOP_MS, shutDown } from './shutdown.js';
export { openSqliteStore } from './sqlite-store.js';
