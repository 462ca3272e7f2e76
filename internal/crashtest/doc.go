// Package crashtest holds the tests that run the real terraform-provider-raci binary
// as a child `serve` process and end it the hard way: SIGKILL under write load, after
// which every acknowledged write must be found, on SQLite and on PostgreSQL; and
// SIGTERM with a request in flight, which must still be answered before the process
// exits; and SIGKILL between webhook writes and their deliveries, which must all
// arrive after the restart. It has no code of its own.
package crashtest
