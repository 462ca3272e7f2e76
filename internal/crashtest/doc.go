// Package crashtest holds the tests that run the real terraform-provider-raci binary
// as a child `serve` process and end it the hard way: SIGKILL under a load of creates
// and updates, after which every acknowledged write must be found with its event, on
// SQLite and on a PostgreSQL server run with fsync and synchronous_commit on; SIGKILL
// of that PostgreSQL server itself, then the same checks once it has restarted; and
// SIGTERM with a request in flight, which must still be answered before the process
// exits; and SIGKILL between webhook writes and their deliveries, which must all
// arrive after the restart. It has no code of its own.
package crashtest
