// The parts of undici fleetmon uses, loaded without undici's main entry. That entry requires
// every feature undici has (fetch, WebSocket, caches, mocks, proxies): ~80 ms of start-up for
// each command that reads the provider, against ~35 ms for these. The main entry does the
// same `Object.assign` to give dispatchers their `request()` method.
import api from 'undici/lib/api/index.js';
import buildConnector from 'undici/lib/core/connect.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import Pool from 'undici/lib/dispatcher/pool.js';

Object.assign(Dispatcher.prototype, api);

export { buildConnector, Pool };
