//go:build !linux

package main

import "errors"

// The HTTP engine is an epoll loop (httploop_linux.go); elsewhere http mode only reports an error.
func runHTTPLoop(o *httpOptions, clk clock, addr string, req []byte) *httpResult {
	res := &httpResult{errs: newErrorLog(), rec: newRecorder(1)}
	res.errs.add(true, "setup", errors.New("loadgen http needs Linux (epoll, timerfd)").Error())
	return res
}
