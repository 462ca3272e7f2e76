//go:build unix && !linux

package pgtest

import "syscall"

// attr runs a process as the server's user.
func (o *owner) attr(bool) *syscall.SysProcAttr {
	if !o.other {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid)}}
}
