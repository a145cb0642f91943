//go:build linux

package main

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// pacer sleeps with nanosecond resolution. Go's own timers wake through epoll_wait, whose timeout
// is in milliseconds, so a time.Sleep of 100 µs on an otherwise idle process lasts about 1 ms;
// at 10,000 sends/s that would batch the schedule into 1 ms bursts and add up to 1 ms of the
// client's own delay to every latency measured from the intended send time. A timerfd (a
// CLOCK_MONOTONIC hrtimer) registered with Go's netpoller wakes the goroutine when it fires.
type pacer struct {
	fd  int
	f   *os.File
	buf [8]byte
}

func newPacer() (*pacer, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	// A non-blocking descriptor given to os.NewFile is registered with the netpoller.
	return &pacer{fd: fd, f: os.NewFile(uintptr(fd), "timerfd")}, nil
}

// sleep blocks the calling goroutine for d (nothing when d <= 0).
func (p *pacer) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
	if err := unix.TimerfdSettime(p.fd, 0, &spec, nil); err != nil {
		time.Sleep(d)
		return
	}
	if _, err := p.f.Read(p.buf[:]); err != nil {
		time.Sleep(d)
	}
}

func (p *pacer) close() { _ = p.f.Close() }
