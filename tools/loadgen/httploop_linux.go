//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// The HTTP engine is one goroutine running its own epoll loop over non-blocking sockets (like wrk):
// a timerfd wakes it at the next intended send time, due requests go to idle connections (or wait
// in a FIFO for one, up to --drop-after), and responses are parsed as their bytes arrive. One
// request costs a write, a read and a share of an epoll_wait/timerfd_settime, with no goroutine
// hand-offs: a goroutine per connection made the client's own CPU 5-10x higher on a 2-vCPU VM
// (futex and scheduler wake-ups on every request).

type hconn struct {
	fd             int // -1: not connected (dialled when next needed)
	everConnected  bool
	in             []byte
	r, w           int // unread bytes: in[r:w]
	p              respParser
	busy           bool
	intended, sent int64
	out            []byte // the unwritten rest of the request
	used           bool   // the connection carried an earlier request (so a silent close may be a stale keep-alive)
	retried        bool
	stream         *sseCheck // sse mode: the check of the stream in flight (nil in http mode)
	firstEvent     int64     // sse mode: when its first complete event arrived (0: not yet)
}

type httpLoop struct {
	o      *httpOptions
	clk    clock
	ph     phases
	sa     unix.Sockaddr
	domain int
	req    []byte
	head   bool
	epfd   int
	tfd    int
	conns  []*hconn
	byFd   map[int]*hconn
	idle   []*hconn // FIFO from ihead: the least recently used connection goes next
	ihead  int
	queue  []int64 // intended times waiting for a free connection (FIFO from qhead)
	qhead  int
	res    *httpResult
	hist   *histPair
	busyN  int
}

// runHTTPLoop runs the fixed-rate schedule of requests; with sse set, each is an event stream read
// to its end and checked against it (time to first event recorded as well).
func runHTTPLoop(o *httpOptions, clk clock, addr string, req []byte, sse *sseSpec) *httpResult {
	res := newHTTPResult()
	l := &httpLoop{o: o, clk: clk, req: req, head: o.Method == "HEAD", res: res, hist: res.rec.shard(0),
		byFd: map[int]*hconn{}, epfd: -1, tfd: -1}
	start := clk.now()
	l.ph = phases{start: start, measStart: start + int64(o.Warmup), end: start + int64(o.Warmup+o.Duration)}
	res.ph = l.ph
	setupErr := func(err error) *httpResult {
		res.errs.add(true, "setup", err.Error())
		return res
	}
	ta, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return setupErr(err)
	}
	if ip4 := ta.IP.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: ta.Port}
		copy(sa.Addr[:], ip4)
		l.sa, l.domain = sa, unix.AF_INET
	} else {
		sa := &unix.SockaddrInet6{Port: ta.Port}
		copy(sa.Addr[:], ta.IP.To16())
		l.sa, l.domain = sa, unix.AF_INET6
	}
	if l.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return setupErr(err)
	}
	defer unix.Close(l.epfd)
	if l.tfd, err = unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC); err != nil {
		return setupErr(err)
	}
	defer unix.Close(l.tfd)
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, l.tfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(l.tfd)}); err != nil {
		return setupErr(err)
	}

	// Open the whole pool up front; a failed dial is retried by the first request that needs it.
	l.conns = make([]*hconn, o.Connections)
	for i := range l.conns {
		c := &hconn{fd: -1, in: make([]byte, maxHeaderBytes+16<<10)}
		if sse != nil {
			c.stream = &sseCheck{spec: sse}
			c.p.sink = c.stream
		}
		l.conns[i] = c
		if err := l.dial(c); err != nil {
			res.errs.add(true, "connect", err.Error())
		}
		l.idle = append(l.idle, c)
	}
	// The pool took time to open: start the schedule now.
	start = clk.now()
	l.ph = phases{start: start, measStart: start + int64(o.Warmup), end: start + int64(o.Warmup+o.Duration)}
	res.ph = l.ph

	done := make(chan struct{})
	go func() {
		defer close(done)
		l.loop()
	}()
	res.cpuA, res.cpuB = measureCPU(clk, l.ph, done, o.CPUProfile)
	<-done
	return res
}

func (l *httpLoop) dial(c *hconn) error {
	fd, err := unix.Socket(l.domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		l.res.failed++
		return err
	}
	err = unix.Connect(fd, l.sa)
	if errors.Is(err, unix.EINPROGRESS) || errors.Is(err, unix.EINTR) {
		err = waitConnected(fd, l.o.Timeout)
	}
	if err == nil {
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		err = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)})
	}
	if err != nil {
		_ = unix.Close(fd)
		l.res.failed++
		return err
	}
	if c.everConnected {
		l.res.reconnects++
	}
	c.fd, c.everConnected, c.used, c.r, c.w, c.out = fd, true, false, 0, 0, nil
	l.byFd[fd] = c
	l.res.opened++
	return nil
}

// waitConnected waits (bounded) for a non-blocking connect to finish.
func waitConnected(fd int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ms := int(time.Until(deadline) / time.Millisecond)
		if ms <= 0 {
			return fmt.Errorf("connect: %w", errConnectTimeout)
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(pfd, ms)
		if errors.Is(err, unix.EINTR) || (err == nil && n == 0) {
			continue
		}
		if err != nil {
			return err
		}
		soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return err
		}
		if soErr != 0 {
			return unix.Errno(soErr)
		}
		return nil
	}
}

var errConnectTimeout = errors.New("timed out")

func (l *httpLoop) closeConn(c *hconn) {
	if c.fd >= 0 {
		delete(l.byFd, c.fd)
		_ = unix.Close(c.fd) // also leaves the epoll set
		c.fd = -1
	}
	c.out = nil
}

func (l *httpLoop) popIdle() *hconn {
	if l.ihead == len(l.idle) {
		l.idle, l.ihead = l.idle[:0], 0
		return nil
	}
	c := l.idle[l.ihead]
	l.ihead++
	if l.ihead > 1024 && l.ihead > len(l.idle)/2 {
		l.idle = l.idle[:copy(l.idle, l.idle[l.ihead:])]
		l.ihead = 0
	}
	return c
}

// release makes c idle again (its connection possibly closed, to be redialled when next needed).
func (l *httpLoop) release(c *hconn) {
	if c.busy {
		c.busy = false
		l.busyN--
	}
	l.idle = append(l.idle, c)
}

// fail ends c's request with an error and drops its connection.
func (l *httpLoop) fail(c *hconn, kind string, err error) {
	measured := l.clk.now() >= l.ph.measStart
	if c.busy {
		measured = c.intended >= l.ph.measStart
	}
	l.res.errs.add(measured, kind, err.Error())
	l.closeConn(c)
	l.release(c)
}

func (l *httpLoop) classify(err error) string {
	var ce *checkError
	switch {
	case errors.As(err, &ce):
		return ce.kind
	case errors.Is(err, errMalformed):
		return "malformed"
	case errors.Is(err, unix.ECONNRESET), errors.Is(err, unix.EPIPE):
		return "disconnected"
	}
	return "io"
}

// send starts the request intended at `intended` on c (dialling first if needed).
func (l *httpLoop) send(c *hconn, intended int64) {
	if c.fd < 0 {
		if err := l.dial(c); err != nil {
			l.res.errs.add(intended >= l.ph.measStart, "connect", err.Error())
			l.idle = append(l.idle, c)
			return
		}
	}
	now := l.clk.now()
	c.busy, c.intended, c.sent, c.retried = true, intended, now, false
	l.busyN++
	if intended >= l.ph.measStart && now-intended > int64(l.o.LateBound) {
		l.res.late++
	}
	l.expectResponse(c)
	l.write(c, l.req)
}

// expectResponse readies c's parser (and its stream's check) for a fresh response.
func (l *httpLoop) expectResponse(c *hconn) {
	c.p.reset(l.head)
	if c.stream != nil {
		c.stream.reset()
		c.firstEvent = 0
	}
}

func (l *httpLoop) write(c *hconn, b []byte) {
	n, err := unix.Write(c.fd, b)
	if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
		l.onError(c, err)
		return
	}
	n = max(n, 0)
	if n < len(b) { // the socket buffer is full: finish on EPOLLOUT
		c.out = b[n:]
		_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP, Fd: int32(c.fd)})
		return
	}
	if c.out != nil {
		c.out = nil
		_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(c.fd)})
	}
}

// onError: the connection failed (read/write error or EOF). A reused keep-alive connection that
// closes before any byte of the response is retried once on a fresh connection.
func (l *httpLoop) onError(c *hconn, err error) {
	if !c.busy {
		l.closeConn(c) // an idle keep-alive connection closed by the server: redial when needed
		return
	}
	if c.used && !c.p.started && !c.retried && (err == nil || errors.Is(err, unix.ECONNRESET) || errors.Is(err, unix.EPIPE)) {
		l.closeConn(c)
		if derr := l.dial(c); derr == nil {
			c.retried = true
			l.expectResponse(c)
			l.write(c, l.req)
			return
		}
	}
	if err == nil {
		err = errors.New("the server closed the connection before the response was complete")
	}
	l.fail(c, l.classify(err), err)
}

func (l *httpLoop) onReadable(c *hconn) {
	if c.w == len(c.in) {
		copy(c.in, c.in[c.r:c.w])
		c.r, c.w = 0, c.w-c.r
	}
	n, err := unix.Read(c.fd, c.in[c.w:])
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
		return
	}
	if err != nil {
		l.onError(c, err)
		return
	}
	if n == 0 { // EOF
		if c.busy && c.p.eof() {
			l.complete(c)
			return
		}
		if c.busy {
			l.onError(c, nil)
		} else {
			l.closeConn(c)
		}
		return
	}
	c.w += n
	if !c.busy {
		l.fail(c, "malformed", fmt.Errorf("%w: %d bytes without a request", errMalformed, c.w-c.r))
		return
	}
	used, done, err := c.p.feed(c.in[c.r:c.w])
	c.r += used
	if c.r == c.w {
		c.r, c.w = 0, 0
	}
	if c.stream != nil && c.firstEvent == 0 && c.stream.events > 0 {
		c.firstEvent = l.clk.now()
	}
	switch {
	case err != nil:
		l.fail(c, l.classify(err), err)
	case done && c.r != c.w:
		l.fail(c, "malformed", fmt.Errorf("%w: %d bytes after the response", errMalformed, c.w-c.r))
	case done:
		l.complete(c)
	}
}

func (l *httpLoop) complete(c *hconn) {
	recv := l.clk.now()
	measured := c.intended >= l.ph.measStart
	status := c.p.status
	var wrong *checkError
	if c.stream != nil && status == l.o.ExpectStatus {
		wrong = c.stream.verdict(c.p.eventStream)
	}
	switch {
	case status != l.o.ExpectStatus:
		if measured {
			l.res.status[status]++
		}
		l.res.errs.add(measured, "status_"+strconv.Itoa(status), fmt.Sprintf("status %d, expected %d", status, l.o.ExpectStatus))
	case wrong != nil:
		if measured {
			l.res.status[status]++
		}
		l.res.errs.add(measured, wrong.kind, wrong.msg)
	case measured:
		l.res.status[status]++
		l.hist.record(recv-c.intended, recv-c.sent)
		l.res.completed++
		if c.stream != nil {
			l.res.events += c.stream.events
			_ = l.res.first.RecordValue(clampNs(c.firstEvent - c.intended))
		}
	default:
		l.res.warmCompleted++
	}
	c.used = true
	if c.p.closeConn || c.out != nil { // (an early answer while the request body was still being written)
		l.closeConn(c)
	}
	l.release(c)
}

// dispatch queues the requests that are due, drops those that waited too long, and hands the rest
// to idle connections. It returns the next intended time (or -1 when the schedule is over).
func (l *httpLoop) dispatch(k *int64, interval float64) int64 {
	now := l.clk.now()
	next := int64(-1)
	for {
		t := l.ph.start + int64(float64(*k)*interval)
		if t >= l.ph.end {
			break
		}
		if t > now {
			next = t
			break
		}
		l.queue = append(l.queue, t)
		if t >= l.ph.measStart {
			l.res.scheduled++
		}
		*k++
	}
	for l.qhead < len(l.queue) {
		t := l.queue[l.qhead]
		if now-t > int64(l.o.DropAfter) {
			if t >= l.ph.measStart {
				l.res.dropped++
			}
			l.qhead++
			continue
		}
		c := l.popIdle()
		if c == nil {
			break
		}
		l.qhead++
		l.send(c, t)
		now = l.clk.now()
	}
	if l.qhead == len(l.queue) {
		l.queue, l.qhead = l.queue[:0], 0
	} else if l.qhead > 4096 && l.qhead > len(l.queue)/2 {
		l.queue = l.queue[:copy(l.queue, l.queue[l.qhead:])]
		l.qhead = 0
	}
	return next
}

func (l *httpLoop) loop() {
	events := make([]unix.EpollEvent, len(l.conns)+1)
	interval := 1e9 / l.o.Rate
	var k int64
	armed := int64(-1) // the clock time the timerfd is set for
	hardStop := l.ph.end + int64(l.o.Timeout) + int64(5*time.Second)
	lastScan := int64(0)
	for {
		next := l.dispatch(&k, interval)
		now := l.clk.now()
		// Timeouts: scan at most every millisecond.
		if now-lastScan >= int64(time.Millisecond) {
			lastScan = now
			for _, c := range l.conns {
				if c.busy && now-c.sent > int64(l.o.Timeout) {
					l.fail(c, "timeout", fmt.Errorf("no complete response within %v", l.o.Timeout))
				}
			}
			if l.qhead < len(l.queue) && l.ihead < len(l.idle) {
				continue // connections were freed: dispatch again first
			}
		}
		if next < 0 && l.qhead == len(l.queue) && l.busyN == 0 {
			break // the schedule is over and everything has been answered
		}
		if now >= hardStop {
			for _, c := range l.conns {
				if c.busy {
					l.fail(c, "aborted", errors.New("still running at the hard stop"))
				}
			}
			break
		}
		// Wake at the next intended time, or when the oldest queued request would be dropped.
		wake := next
		if l.qhead < len(l.queue) {
			if d := l.queue[l.qhead] + int64(l.o.DropAfter) + 1; wake < 0 || d < wake {
				wake = d
			}
		}
		timeoutMs := -1
		if l.busyN > 0 {
			timeoutMs = 10 // timeout scans
		}
		if wake >= 0 && wake <= now {
			timeoutMs = 0
		} else if wake != armed {
			spec := unix.ItimerSpec{}
			if wake >= 0 {
				spec.Value = unix.NsecToTimespec(wake - now)
			}
			_ = unix.TimerfdSettime(l.tfd, 0, &spec, nil)
			armed = wake
		}
		if timeoutMs < 0 {
			timeoutMs = 100
		}
		n, err := unix.EpollWait(l.epfd, events, timeoutMs)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			l.res.errs.add(true, "epoll", err.Error())
			break
		}
		for i := 0; i < n; i++ {
			fd := int(events[i].Fd)
			if fd == l.tfd {
				armed = -2 // fired: the next settime (re-arming or disarming) resets its readiness
				continue
			}
			c := l.byFd[fd]
			if c == nil {
				continue // closed earlier in this batch
			}
			ev := events[i].Events
			if ev&unix.EPOLLOUT != 0 && c.out != nil {
				l.write(c, c.out)
			}
			if c.fd == fd && ev&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
				l.onReadable(c)
			}
		}
	}
	for _, c := range l.conns {
		l.closeConn(c)
	}
	// Whatever was queued past the end without a connection counts as dropped.
	for _, t := range l.queue[l.qhead:] {
		if t >= l.ph.measStart {
			l.res.dropped++
		}
	}
}
