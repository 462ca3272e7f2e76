// Command peakrss runs a program and records its peak resident set size and CPU time. The
// benchmark installs it, under the provider's name, in the directory a Terraform
// dev_overrides block points at: Terraform starts it as if it were the provider, it
// starts the real provider with the same arguments, standard streams and
// environment, and when the provider exits it writes the provider's peak RSS (the
// kernel's ru_maxrss of the child, exact rather than sampled) and the CPU time it
// used to a file.
//
// Environment:
//
//	PEAKRSS_COMMAND  the program to run (the real provider binary)
//	PEAKRSS_DIR      where to write <pid>.rusage: "<peak RSS in KiB> <user+system CPU seconds>"
//
// It exits with the program's exit status.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
)

func main() {
	code, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
	}
	os.Exit(code)
}

func run() (int, error) {
	command, dir := os.Getenv("PEAKRSS_COMMAND"), os.Getenv("PEAKRSS_DIR")
	if command == "" || dir == "" {
		return 2, errors.New("set PEAKRSS_COMMAND to the program to run and PEAKRSS_DIR to where its peak RSS goes")
	}
	cmd := exec.Command(command, os.Args[1:]...)
	// The provider's handshake goes to stdout and Terraform may read stdin: pass the
	// wrapper's own descriptors through untouched.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Should Terraform be killed, the provider goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	// Signals meant for the provider (Terraform interrupts its plugins) are passed on.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("start %s: %w", command, err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-signals:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	waitErr := cmd.Wait()
	close(done)

	state := cmd.ProcessState
	if state == nil {
		return 1, fmt.Errorf("wait for %s: %w", command, waitErr)
	}
	if usage, ok := state.SysUsage().(*syscall.Rusage); ok {
		// On Linux ru_maxrss is in KiB.
		name := filepath.Join(dir, strconv.Itoa(state.Pid())+".rusage")
		line := fmt.Sprintf("%d %.3f\n", usage.Maxrss, (state.UserTime() + state.SystemTime()).Seconds())
		if err := os.WriteFile(name, []byte(line), 0o644); err != nil {
			return exitCode(state), fmt.Errorf("record peak RSS: %w", err)
		}
	}
	return exitCode(state), nil
}

// exitCode is the program's exit status, or 128+signal when a signal ended it, as a
// shell reports it.
func exitCode(state *os.ProcessState) int {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return state.ExitCode()
}
