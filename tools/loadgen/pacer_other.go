//go:build !linux

package main

import "time"

// pacer falls back to time.Sleep off Linux (about 1 ms resolution on most platforms).
type pacer struct{}

func newPacer() (*pacer, error)        { return &pacer{}, nil }
func (p *pacer) sleep(d time.Duration) { time.Sleep(d) }
func (p *pacer) close()                {}
