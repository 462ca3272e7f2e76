//go:build !unix

package pgtest

import "syscall"

// attr is nil: there is no root to step down from here.
func (o *owner) attr(bool) *syscall.SysProcAttr { return nil }
