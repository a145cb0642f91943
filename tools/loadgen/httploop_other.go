//go:build !linux

package main

import "errors"

// The HTTP engine is an epoll loop (httploop_linux.go); elsewhere http and sse modes only report an error.
func runHTTPLoop(o *httpOptions, clk clock, addr string, req []byte, sse *sseSpec) *httpResult {
	res := newHTTPResult()
	res.errs.add(true, "setup", errors.New("loadgen http and sse need Linux (epoll, timerfd)").Error())
	return res
}
