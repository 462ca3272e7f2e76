package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPU accounting for the load scenarios: how much processor time each party to a
// request spends on it. On a machine whose cores the load generator shares with the
// server, the throughput of a scenario is set by the sum, so these say where a
// fraction of the fixed body's throughput goes.

// clockTick is the unit of the CPU times in /proc/PID/stat: USER_HZ, 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// processCPU returns the user plus system time a process has used so far, 0 when
// it cannot be read (the process is gone, or this is not Linux).
func processCPU(pid int) time.Duration {
	_, cpu, ok := readStat(pid)
	if !ok {
		return 0
	}
	return cpu
}

// treeCPU returns the CPU time of pid and its direct children: a PostgreSQL
// postmaster and its backends and workers.
func treeCPU(pid int) time.Duration {
	total := processCPU(pid)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return total
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		if ppid, cpu, ok := readStat(child); ok && ppid == pid {
			total += cpu
		}
	}
	return total
}

// readStat reads a process's parent and CPU time from /proc/PID/stat.
func readStat(pid int) (ppid int, cpu time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// The command name, in parentheses, may hold spaces; the fields after it do not.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	// From field 3: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt,
	// cminflt, majflt, cmajflt, utime, stime.
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, false
	}
	return ppid, time.Duration(utime+stime) * clockTick, true
}

// selfCPU returns the CPU time this process (the load generator) has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuSample is the CPU time used so far by each party to a scenario's requests,
// and the revision queries the server has sent to its store.
type cpuSample struct {
	server, database, generator time.Duration
	revisionQueries             float64
}

func sampleCPU(ctx context.Context, s scenario) cpuSample {
	c := cpuSample{generator: selfCPU()}
	if s.metricsURL != "" {
		c.revisionQueries = scrapeCounter(ctx, s.metricsURL, "raci_revision_queries_total")
	}
	if s.serverPID != 0 {
		c.server = processCPU(s.serverPID)
	}
	if s.databasePID != 0 {
		c.database = treeCPU(s.databasePID)
	}
	return c
}

// scrapeCounter reads one unlabelled sample from a Prometheus text exposition, 0
// when it cannot.
func scrapeCounter(ctx context.Context, url, name string) float64 {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return 0
}
