package pgtest

import "syscall"

// attr runs a process as the server's user. The server itself also gets SIGQUIT,
// PostgreSQL's immediate shutdown, when the thread that started it ends, so that a
// test process killed by a timeout leaves no server behind.
func (o *owner) attr(server bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{}
	if o.other {
		a.Credential = &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid)}
	}
	if server {
		a.Pdeathsig = syscall.SIGQUIT
	}
	return a
}
