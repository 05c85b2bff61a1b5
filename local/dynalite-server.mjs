// Runs dynalite in its own process so that local DynamoDB gets the second core instead of sharing the
// event loop with the handlers. The parent learns the port from the first IPC message.
import { createRequire } from 'node:module';
import dynalite from 'dynalite';

closeFinishedIterators();
cacheTableDescriptions();

const path = process.argv[2] || undefined;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

server.on('error', (error) => {
  process.send?.({ error: error.message });
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  // dynalite closes its LevelDB store with the server, so on-disk state is flushed before we exit.
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
// Ctrl-C in a terminal reaches the whole process group: the runtime drains its bus and then stops us with
// SIGTERM, so we must not die first under the deliveries still in flight.
process.on('SIGINT', () => undefined);

/**
 * dynalite 4 reads each Query and Scan through a LevelDB iterator wrapped in a stream, and closes it by
 * calling `iterator.return()`, which abstract-level 3 iterators do not have (they have `close()`). Every
 * query therefore left an iterator open, and with it a LevelDB snapshot: about 20 to 45 KB per query, so a
 * long run grew without bound (22 GB after 100k profiles). Giving the iterators the method dynalite calls
 * lets the streams' destroy, which runs at their end or when a Limit stops them, close them.
 */
function closeFinishedIterators() {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } =
    requireFromDynalite('abstract-level');
  for (const Iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
    if (typeof Iterator?.prototype.return !== 'function') {
      Iterator.prototype.return = function close() {
        return this.close();
      };
    }
  }
}

/**
 * dynalite reads the table's description from LevelDB on every request, a native round trip on its busiest
 * thread: at the demo's load local DynamoDB, not the handlers, is what limits throughput. The descriptions
 * change only through CreateTable, UpdateTable and DeleteTable, which write them through the same table
 * store: those writes drop the cached copy, and a read that overlapped a write does not cache what it read.
 * Each read still gets its own parsed copy, as from LevelDB, so a caller that changes it changes nothing here.
 */
function cacheTableDescriptions() {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const stores = requireFromDynalite('./db');
  const createStore = stores.create;
  stores.create = (options) => {
    const store = createStore(options);
    const { tableDb } = store;
    const { get, put, del } = tableDb;
    const cached = new Map();
    let writes = 0;
    const invalidating =
      (write) =>
      (key, ...args) => {
        writes += 1;
        cached.delete(key);
        const callback = args.pop();
        write(key, ...args, (...results) => {
          writes += 1;
          cached.delete(key);
          callback(...results);
        });
      };
    tableDb.put = invalidating(put);
    tableDb.del = invalidating(del);
    tableDb.get = (key, callback) => {
      const hit = cached.get(key);
      if (hit !== undefined) return process.nextTick(callback, null, JSON.parse(hit));
      const writesBefore = writes;
      get(key, (error, table) => {
        if (!error && table && writes === writesBefore) cached.set(key, JSON.stringify(table));
        callback(error, table);
      });
    };
    return store;
  };
}
