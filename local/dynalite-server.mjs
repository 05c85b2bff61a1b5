// Runs dynalite in its own process so that local DynamoDB gets the second core instead of sharing the
// event loop with the handlers. The parent learns the port from the first IPC message.
import dynalite from 'dynalite';

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
