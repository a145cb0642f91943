//go:build !linux

package main

// Off Linux, `loadgen ws` runs on the goroutine engine (ws_goroutines.go).
var wsEngine = wsGoroutineEngine
