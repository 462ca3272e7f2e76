package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Durable is a throw-away PostgreSQL server of one test's own, run as users run
// PostgreSQL: fsync, synchronous_commit and full_page_writes on. The test may kill
// it with SIGKILL and start it again on the same data directory, which is how it
// sees what a crash of the database keeps. It needs the machine's PostgreSQL
// binaries: a server named by RACI_TEST_POSTGRES_URL cannot be killed.
type Durable struct {
	l *local
	// URL is the URL of the server's database "raci", which StartDurable creates.
	URL string
}

// StartDurable starts a durable server and creates the database "raci" on it. It
// returns the reason when it cannot; under RACI_TEST_POSTGRES=skip it says so in
// skip.
func StartDurable() (d *Durable, skip string, err error) {
	switch mode := os.Getenv(ModeEnv); mode {
	case "":
	case "skip":
		return nil, ModeEnv + "=skip: the tests that need PostgreSQL are skipped (a developer escape hatch; CI never sets it)", nil
	default:
		return nil, "", fmt.Errorf("%s=%q: the only value it takes is \"skip\"", ModeEnv, mode)
	}
	l, err := startLocal(durableSettings)
	if err != nil {
		return nil, "", fmt.Errorf("a durable PostgreSQL server needs the machine's PostgreSQL binaries: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, l.url)
	if err != nil {
		l.stop()
		return nil, "", err
	}
	defer conn.Close(ctx)
	for _, check := range durableSettings {
		name, want, _ := strings.Cut(check, "=")
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil || got != want {
			l.stop()
			return nil, "", fmt.Errorf("the durable server runs with %s=%q, want %q (%v)", name, got, want, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE raci"); err != nil {
		l.stop()
		return nil, "", err
	}
	u, _ := url.Parse(l.url)
	u.Path = "/raci"
	return &Durable{l: l, URL: u.String()}, "", nil
}

// Kill sends SIGKILL to the postmaster and waits until it has exited. Its backends
// notice and exit on their own, as after a real crash.
func (d *Durable) Kill() error {
	if err := d.l.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("SIGKILL the postmaster: %w", err)
	}
	select {
	case <-d.l.done:
		return nil
	case <-time.After(startTimeout):
		return errors.New("the postmaster did not exit within a minute of SIGKILL")
	}
}

// Restart starts the server again on the same data directory; it runs crash
// recovery from the write-ahead log before it accepts connections. While the
// killed server's backends are still leaving, the new one refuses to start
// ("pre-existing shared memory block is still in use"): Restart tries again until
// startTimeout.
func (d *Durable) Restart() error {
	deadline := time.Now().Add(startTimeout)
	for {
		err := d.l.run()
		if err == nil {
			err = d.l.waitReady()
		}
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("restart PostgreSQL on the killed server's data: %w\n%s", err, d.l.logTail())
		}
		if d.l.cmd != nil && d.l.cmd.Process != nil {
			_ = d.l.cmd.Process.Kill()
			<-d.l.done
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Log returns the end of the server's log.
func (d *Durable) Log() string { return d.l.logTail() }

// Stop shuts the server down and removes its directory.
func (d *Durable) Stop() { d.l.stop() }
