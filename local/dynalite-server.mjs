// Runs dynalite in its own process so that local DynamoDB gets the second core instead of sharing the
// event loop with the handlers. The parent learns the port from the first IPC message.
import { createRequire } from 'node:module';
import dynalite from 'dynalite';

closeFinishedIterators();

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
