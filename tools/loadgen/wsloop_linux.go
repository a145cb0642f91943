//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/gobwas/ws"
	"golang.org/x/sys/unix"
)

// On Linux `loadgen ws` is one goroutine running its own epoll loop over non-blocking sockets,
// like the HTTP engine (httploop_linux.go): after the handshake (gobwas/ws, over the raw socket)
// frames are built and parsed here, echoes are checked byte for byte as their bytes arrive
// (streamed against the expected message, never reassembled), and a timerfd paces the rate
// schedule. A message then costs its share of one write, one read and one epoll_wait, without the
// futex and scheduler wake-ups of a goroutine (two in rate mode) per connection.
//
// Two details keep the Go runtime out of the way. The loop never blocks in a system call: its
// epoll descriptor is itself registered with Go's netpoller, and when epoll_wait(0) finds nothing
// the goroutine parks until that descriptor is readable (or a deadline passes), so the thread
// sleeps in the runtime's own epoll_wait. And the non-blocking read/write/epoll_wait calls are raw
// system calls (no entersyscall/exitsyscall). A blocking epoll_wait through the usual syscall path
// made the runtime's sysmon thread retake the P on every sleep and be woken (futex) on every
// return: thousands of extra wake-ups per second, each expensive on a small VM.
var wsEngine = wsEpollEngine

// Frame parser states.
const (
	wsHeader  = iota // waiting for a frame header
	wsData           // inside a data frame's payload
	wsControl        // inside a control frame's payload
)

// lbatch: one write of N messages awaiting their echoes.
type lbatch struct {
	intended, sent int64
	n              int // echoes still awaited
}

type lconn struct {
	id      int
	fd      int // -1 once finished
	closing bool
	closeBy int64 // closing: give up waiting for the server's close frame at this time

	mask     [4]byte // this connection's masking key (fixed, random)
	tmpl     []byte  // one masked frame of the base message (the stamp is patched in per message)
	stampOff int     // where its payload starts

	out     []byte // unwritten output: out[woff:]
	woff    int
	pollOut bool // EPOLLOUT registered

	carry  [14]byte // an incomplete frame header left by the last read
	ncarry int
	early  []byte // bytes that came with the handshake response (parsed when the loop starts)

	// frame parser
	st       int
	frameFin bool
	frameRem int64
	ctlOp    ws.OpCode
	ctlLen   int
	ctlN     int
	ctl      [125]byte

	// the message being received
	inMsg    bool
	msgOp    ws.OpCode
	msgLen   int64
	diffAt   int64 // first byte that differs from what was sent, -1: none so far
	diffGot  byte
	diffWant byte
	expStamp [stampLen]byte

	sseq, rseq   uint64 // next message to send / to receive
	inflight     []lbatch
	ihead        int
	inflightMsgs int
	pending      []int64 // rate mode: this connection's due events not yet sent (intended times)
	phead        int
}

type wsLoop struct {
	o            *wsOptions
	clk          clock
	ph           phases
	res          *wsResult
	hist         *histPair
	epfd         int
	tfd          int
	conns        []*lconn // nil: the handshake failed
	live         int      // connections not finished yet
	base         []byte
	op           ws.OpCode
	n            int // frames per write
	k            int // stamp length: min(size, 16)
	rate         bool
	capMsgs      int     // rate mode: messages awaiting their echo per connection before sends wait
	interval     float64 // rate mode: ns between events
	j            int64   // rate mode: next event of the global schedule
	schedEnd     bool    // rate mode: every event of the schedule has been dealt
	deadline     int64   // the earliest timeout/close deadline of any connection (a lower bound), -1: none
	rbuf         []byte
	now          int64
	epf          *os.File        // epfd, registered with Go's netpoller
	eprc         syscall.RawConn // its raw access: wait until it is readable
	waitDeadline int64           // the read deadline set on epf
}

func wsEpollEngine(o *wsOptions, clk clock) *wsResult {
	res := &wsResult{errs: newErrorLog(), rec: newRecorder(1)}
	op := ws.OpText
	if o.Binary {
		op = ws.OpBinary
	}
	l := &wsLoop{o: o, clk: clk, res: res, hist: res.rec.shard(0), epfd: -1, tfd: -1, base: basePayload(o.Size, o.Binary),
		op: op, n: o.FramesPerWrite, k: min(o.Size, stampLen), rate: o.Mode == "rate", capMsgs: max(o.MaxInflight, o.FramesPerWrite),
		deadline: -1, rbuf: make([]byte, 256<<10)}
	if l.rate {
		l.interval = float64(o.FramesPerWrite) * 1e9 / o.Rate
	}
	setPhases := func() {
		start := clk.now()
		l.ph = phases{start: start, measStart: start + int64(o.Warmup), end: start + int64(o.Warmup+o.Duration)}
		res.ph = l.ph
	}
	setupErr := func(err error) *wsResult {
		setPhases()
		res.errs.add(true, "setup", err.Error())
		return res
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return setupErr(err)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	ta, err := net.ResolveTCPAddr("tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return setupErr(err)
	}
	if l.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return setupErr(err)
	}
	if err := unix.SetNonblock(l.epfd, true); err != nil {
		_ = unix.Close(l.epfd)
		return setupErr(err)
	}
	// A non-blocking descriptor given to os.NewFile is registered with the netpoller.
	l.epf = os.NewFile(uintptr(l.epfd), "epoll")
	defer l.epf.Close()
	if l.eprc, err = l.epf.SyscallConn(); err != nil {
		return setupErr(err)
	}
	if l.rate {
		if l.tfd, err = unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC); err != nil {
			return setupErr(err)
		}
		defer unix.Close(l.tfd)
		if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, l.tfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: -1}); err != nil {
			return setupErr(err)
		}
	}

	// Connect everything first (32 handshakes at a time), then start the clock of the run.
	l.conns = make([]*lconn, o.Connections)
	var wg sync.WaitGroup
	var mu sync.Mutex
	sem := make(chan struct{}, 32)
	for i := range l.conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := l.dial(u, ta, i)
			if err != nil {
				mu.Lock()
				res.failed++
				mu.Unlock()
				res.errs.add(true, "connect", err.Error())
				return
			}
			l.conns[i] = c
		}()
	}
	wg.Wait()
	for _, c := range l.conns {
		if c == nil {
			continue
		}
		if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(c.id)}); err != nil {
			for _, c := range l.conns {
				if c != nil {
					_ = unix.Close(c.fd)
				}
			}
			return setupErr(err)
		}
		l.live++
	}

	setPhases()
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.loop()
	}()
	res.cpuA, res.cpuB = measureCPU(clk, l.ph, done, o.CPUProfile)
	<-done
	return res
}

// ---- connecting -------------------------------------------------------------------------------------

// fdConn is a raw non-blocking socket as an io.ReadWriter with a deadline, for the handshake.
type fdConn struct {
	fd       int
	deadline time.Time
}

func (f *fdConn) wait(events int16) error {
	for {
		left := time.Until(f.deadline)
		if left <= 0 {
			return fmt.Errorf("handshake: %w", os.ErrDeadlineExceeded)
		}
		ms := int((left + time.Millisecond - 1) / time.Millisecond)
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(f.fd), Events: events}}, ms)
		if errors.Is(err, unix.EINTR) || (err == nil && n == 0) {
			continue
		}
		return err
	}
}

func (f *fdConn) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(f.fd, p)
		switch {
		case err == nil && n == 0 && len(p) > 0:
			return 0, io.EOF
		case err == nil:
			return n, nil
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN):
			if err := f.wait(unix.POLLIN); err != nil {
				return 0, err
			}
		default:
			return 0, err
		}
	}
}

func (f *fdConn) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := unix.Write(f.fd, p[done:])
		switch {
		case err == nil:
			done += n
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN):
			if err := f.wait(unix.POLLOUT); err != nil {
				return done, err
			}
		default:
			return done, err
		}
	}
	return done, nil
}

// dial opens connection id: a non-blocking TCP connect and the WebSocket handshake (gobwas/ws),
// all within --timeout. Bytes the server sent right after its handshake response are kept.
func (l *wsLoop) dial(u *url.URL, ta *net.TCPAddr, id int) (c *lconn, err error) {
	var sa unix.Sockaddr // (one per dial: Connect writes into it)
	domain := unix.AF_INET
	if ip4 := ta.IP.To4(); ip4 != nil {
		s := &unix.SockaddrInet4{Port: ta.Port}
		copy(s.Addr[:], ip4)
		sa = s
	} else {
		s := &unix.SockaddrInet6{Port: ta.Port}
		copy(s.Addr[:], ta.IP.To16())
		sa, domain = s, unix.AF_INET6
	}
	fd, err := unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = unix.Close(fd)
		}
	}()
	deadline := time.Now().Add(l.o.Timeout)
	err = unix.Connect(fd, sa)
	if errors.Is(err, unix.EINPROGRESS) || errors.Is(err, unix.EINTR) {
		err = waitConnected(fd, l.o.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", u.Host, err)
	}
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	br, _, err := ws.Dialer{}.Upgrade(&fdConn{fd: fd, deadline: deadline}, u)
	if err != nil {
		return nil, err
	}
	c = &lconn{id: id, fd: fd, diffAt: -1}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(id)))
	binary.LittleEndian.PutUint32(c.mask[:], rng.Uint32())
	c.tmpl = appendFrameHeader(nil, l.op, len(l.base), c.mask)
	c.stampOff = len(c.tmpl)
	c.tmpl = append(c.tmpl, l.base...)
	ws.Cipher(c.tmpl[c.stampOff:], c.mask, 0)
	if br != nil && br.Buffered() > 0 { // bytes the server sent right after its handshake response
		early, _ := br.Peek(br.Buffered())
		c.early = append([]byte{}, early...)
		ws.PutReader(br)
	}
	return c, nil
}

// appendFrameHeader appends a masked client frame header (FIN set) for a payload of n bytes.
func appendFrameHeader(b []byte, op ws.OpCode, n int, mask [4]byte) []byte {
	b = append(b, 0x80|byte(op))
	switch {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, mask[:]...)
}

// ---- the loop ----------------------------------------------------------------------------------------

func (l *wsLoop) loop() {
	hardStop := l.ph.end + int64(l.o.Timeout) + int64(5*time.Second)
	if !l.rate {
		for _, c := range l.conns {
			if c != nil {
				l.sendBatch(c, -1)
			}
		}
	}
	// Bytes that arrived with a handshake response are the first input of their connection.
	for _, c := range l.conns {
		if c != nil && c.fd >= 0 && len(c.early) > 0 {
			l.now = l.clk.now()
			l.parse(c, c.early)
			c.early = nil
		}
	}
	events := make([]unix.EpollEvent, len(l.conns)+1)
	armed := int64(-1) // the clock time the timerfd is set for
	for l.live > 0 {
		next := int64(-1)
		if l.rate && !l.schedEnd {
			next = l.dispatch()
		}
		now := l.clk.now()
		if l.deadline >= 0 && now >= l.deadline {
			l.scan(now)
			if l.live == 0 {
				break
			}
		}
		if now >= hardStop {
			l.abortAll()
			break
		}
		// Sleep until the next event of the schedule (timerfd), a deadline or the hard stop.
		wake := hardStop
		if l.deadline >= 0 {
			wake = min(wake, l.deadline)
		}
		if l.rate && next != armed && (next < 0 || next > now) {
			spec := unix.ItimerSpec{}
			if next >= 0 {
				spec.Value = unix.NsecToTimespec(next - now)
			}
			_ = rawTimerfdSettime(l.tfd, &spec)
			armed = next
		}
		n, err := l.wait(events, wake, l.rate && next >= 0 && next <= now)
		if err != nil {
			l.res.errs.add(true, "epoll", err.Error())
			l.abortAll()
			break
		}
		for i := 0; i < n; i++ {
			id := int(events[i].Fd)
			if id < 0 {
				armed = -2 // fired: the next settime (re-arming or disarming) resets its readiness
				continue
			}
			c := l.conns[id]
			ev := events[i].Events
			if c.fd >= 0 && ev&unix.EPOLLOUT != 0 && c.woff < len(c.out) {
				l.flush(c)
			}
			if c.fd >= 0 && ev&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
				l.onReadable(c)
			}
		}
	}
	for _, c := range l.conns {
		if c != nil && c.fd >= 0 {
			l.finish(c)
		}
	}
}

// wait returns the ready events; unless poll, it first waits (parked in the netpoller, not in a
// system call) until there are some or the clock reaches wake.
func (l *wsLoop) wait(events []unix.EpollEvent, wake int64, poll bool) (int, error) {
	var n int
	var werr error
	if poll {
		for {
			n, werr = rawEpollWait(l.epfd, events)
			if werr != unix.EINTR {
				return n, werr
			}
		}
	}
	if wake != l.waitDeadline {
		l.waitDeadline = wake
		_ = l.epf.SetReadDeadline(l.clk.at(wake))
	}
	err := l.eprc.Read(func(uintptr) bool {
		n, werr = rawEpollWait(l.epfd, events)
		return n > 0 || (werr != nil && werr != unix.EINTR)
	})
	if werr != nil {
		return 0, werr
	}
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, err
	}
	return n, nil
}

// Raw system calls for the loop's non-blocking calls: none of them blocks, so the runtime need
// not know (see the top of this file).

func rawEpollWait(epfd int, events []unix.EpollEvent) (int, error) {
	r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawRead(fd int, b []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawWrite(fd int, b []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawTimerfdSettime(fd int, spec *unix.ItimerSpec) error {
	_, _, e := unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(fd), 0, uintptr(unsafe.Pointer(spec)), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// dispatch deals the schedule's due events to their connections (event j goes to connection
// j mod C) and sends what each can; it returns the next event's time, or -1 after the last.
func (l *wsLoop) dispatch() int64 {
	C := int64(len(l.conns))
	for {
		t := l.ph.start + int64(float64(l.j)*l.interval)
		if t >= l.ph.end {
			l.schedEnd = true
			for _, c := range l.conns {
				if c != nil && c.fd >= 0 && !c.closing {
					l.trySend(c)
					l.closeIfIdle(c)
				}
			}
			return -1
		}
		if t > l.clk.now() {
			return t
		}
		c := l.conns[l.j%C]
		l.j++
		if c == nil || c.fd < 0 || c.closing {
			continue // a connection that failed sends nothing more
		}
		c.pending = append(c.pending, t)
		l.trySend(c)
	}
}

// trySend sends c's due events in order while it has room for their messages; an event still
// unsent --drop-after past its intended time is dropped.
func (l *wsLoop) trySend(c *lconn) {
	n := l.n
	for c.phead < len(c.pending) && c.fd >= 0 {
		t := c.pending[c.phead]
		measured := t >= l.ph.measStart
		if l.clk.now()-t > int64(l.o.DropAfter) {
			if measured {
				l.res.dropped += int64(n)
			}
			c.phead++
			continue
		}
		if c.inflightMsgs+n > l.capMsgs {
			break
		}
		c.phead++
		l.sendBatch(c, t)
	}
	if c.phead == len(c.pending) {
		c.pending, c.phead = c.pending[:0], 0
	}
}

// sendBatch writes N messages in one write; intended < 0: now (closed mode).
func (l *wsLoop) sendBatch(c *lconn, intended int64) {
	if c.woff == len(c.out) {
		c.out, c.woff = c.out[:0], 0
	}
	var st [stampLen]byte
	for j := 0; j < l.n; j++ {
		p := len(c.out) + c.stampOff
		c.out = append(c.out, c.tmpl...)
		putStamp(st[:l.k], stampValue(c.id, c.sseq))
		for i := 0; i < l.k; i++ {
			c.out[p+i] = st[i] ^ c.mask[i&3]
		}
		c.sseq++
	}
	sent := l.clk.now()
	if intended < 0 {
		intended = sent
	} else if sent-intended > int64(l.o.LateBound) && intended >= l.ph.measStart {
		l.res.late += int64(l.n)
	}
	c.inflight = append(c.inflight, lbatch{intended: intended, sent: sent, n: l.n})
	c.inflightMsgs += l.n
	l.setDeadline(sent + int64(l.o.Timeout))
	l.flush(c)
}

func (l *wsLoop) setDeadline(t int64) {
	if l.deadline < 0 || t < l.deadline {
		l.deadline = t
	}
}

// writeControl queues a masked control frame (pong, close) and writes.
func (l *wsLoop) writeControl(c *lconn, op ws.OpCode, payload []byte) {
	if c.woff == len(c.out) {
		c.out, c.woff = c.out[:0], 0
	}
	p := len(c.out)
	c.out = append(c.out, 0x80|byte(op), 0x80|byte(len(payload)))
	c.out = append(c.out, c.mask[:]...)
	c.out = append(c.out, payload...)
	ws.Cipher(c.out[p+6:], c.mask, 0)
	l.flush(c)
}

func (l *wsLoop) flush(c *lconn) {
	for c.woff < len(c.out) {
		n, err := rawWrite(c.fd, c.out[c.woff:])
		switch {
		case err == nil:
			c.woff += n
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN): // the socket buffer is full: finish on EPOLLOUT
			if !c.pollOut {
				c.pollOut = true
				_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP, Fd: int32(c.id)})
			}
			return
		default:
			l.ioError(c, err)
			return
		}
	}
	c.out, c.woff = c.out[:0], 0
	if c.pollOut {
		c.pollOut = false
		_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(c.id)})
	}
}

func (l *wsLoop) onReadable(c *lconn) {
	buf := l.rbuf
	k := copy(buf, c.carry[:c.ncarry])
	c.ncarry = 0
	n, err := rawRead(c.fd, buf[k:])
	if err != nil {
		if k > 0 { // keep the partial header
			c.ncarry = copy(c.carry[:], buf[:k])
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			l.ioError(c, err)
		}
		return
	}
	if n == 0 {
		l.ioError(c, io.EOF)
		return
	}
	l.now = l.clk.now()
	l.parse(c, buf[:k+n])
}

// parse consumes what arrived: frames are parsed as their bytes come, data is compared with the
// message awaited as it streams past, control frames are answered.
func (l *wsLoop) parse(c *lconn, b []byte) {
	for len(b) > 0 && c.fd >= 0 {
		switch c.st {
		case wsHeader:
			if len(b) < 2 {
				c.ncarry = copy(c.carry[:], b)
				return
			}
			b0, b1 := b[0], b[1]
			hl := 2
			switch b1 & 0x7f {
			case 126:
				hl += 2
			case 127:
				hl += 8
			}
			masked := b1&0x80 != 0
			if masked {
				hl += 4
			}
			if b0&0x70 != 0 {
				l.fail(c, "protocol", &protocolError{"RSV bits set (no extension was negotiated)"})
				return
			}
			if len(b) < hl {
				c.ncarry = copy(c.carry[:], b)
				return
			}
			fin, op := b0&0x80 != 0, ws.OpCode(b0&0x0f)
			length := int64(b1 & 0x7f)
			switch length {
			case 126:
				length = int64(binary.BigEndian.Uint16(b[2:4]))
			case 127:
				length = int64(binary.BigEndian.Uint64(b[2:10]))
				if length < 0 {
					l.fail(c, "protocol", &protocolError{"frame length has its top bit set"})
					return
				}
			}
			b = b[hl:]
			if masked {
				l.fail(c, "protocol", &protocolError{"the server sent a masked frame"})
				return
			}
			if op.IsControl() {
				if !fin || length > 125 {
					l.fail(c, "protocol", &protocolError{"fragmented or oversized control frame"})
					return
				}
				c.st, c.ctlOp, c.ctlLen, c.ctlN = wsControl, op, int(length), 0
				if length == 0 {
					c.st = wsHeader
					l.onControl(c)
				}
				continue
			}
			if !c.inMsg {
				if op == ws.OpContinuation || op.IsReserved() {
					l.fail(c, "protocol", &protocolError{fmt.Sprintf("unexpected opcode %d", op)})
					return
				}
				c.inMsg, c.msgOp, c.msgLen, c.diffAt = true, op, 0, -1
				putStamp(c.expStamp[:l.k], stampValue(c.id, c.rseq))
			} else if op != ws.OpContinuation {
				l.fail(c, "protocol", &protocolError{fmt.Sprintf("opcode %d inside a fragmented message", op)})
				return
			}
			if c.msgLen+length > maxMessage {
				l.fail(c, "protocol", &protocolError{"message over 128 MiB"})
				return
			}
			c.st, c.frameFin, c.frameRem = wsData, fin, length
			if length == 0 {
				c.st = wsHeader
				if fin {
					l.onMessage(c)
				}
			}
		case wsData:
			m := int(min(c.frameRem, int64(len(b))))
			if !c.closing {
				l.compare(c, b[:m])
			}
			c.msgLen += int64(m)
			c.frameRem -= int64(m)
			b = b[m:]
			if c.frameRem == 0 {
				c.st = wsHeader
				if c.frameFin {
					l.onMessage(c)
				}
			}
		case wsControl:
			m := copy(c.ctl[c.ctlN:c.ctlLen], b)
			c.ctlN += m
			b = b[m:]
			if c.ctlN == c.ctlLen {
				c.st = wsHeader
				l.onControl(c)
			}
		}
	}
	if c.fd < 0 || c.closing {
		return
	}
	// What the echoes just freed.
	if !l.rate {
		if c.ihead == len(c.inflight) {
			if l.now >= l.ph.end {
				l.startClose(c)
			} else {
				l.sendBatch(c, -1)
			}
		}
		return
	}
	l.trySend(c)
	if l.schedEnd {
		l.closeIfIdle(c)
	}
}

// compare checks the next bytes of the message being received (at offset c.msgLen) against what
// was sent: the stamp of message c.rseq, then the base pattern.
func (l *wsLoop) compare(c *lconn, got []byte) {
	if c.diffAt >= 0 || c.msgLen >= int64(len(l.base)) {
		return // already different / longer than sent (reported at its end)
	}
	off := int(c.msgLen)
	got = got[:min(len(got), len(l.base)-off)]
	i := 0
	for ; off+i < l.k && i < len(got); i++ {
		if got[i] != c.expStamp[off+i] {
			c.diffAt, c.diffGot, c.diffWant = int64(off+i), got[i], c.expStamp[off+i]
			return
		}
	}
	rest, want := got[i:], l.base[off+i:off+len(got)]
	if string(rest) == string(want) {
		return
	}
	for x := range rest {
		if rest[x] != want[x] {
			c.diffAt, c.diffGot, c.diffWant = int64(off+i+x), rest[x], want[x]
			return
		}
	}
}

// onMessage: a whole data message arrived.
func (l *wsLoop) onMessage(c *lconn) {
	c.inMsg = false
	if c.closing {
		return // draining until the server's close frame
	}
	seq := c.rseq
	var err error
	switch {
	case c.ihead == len(c.inflight):
		err = &mismatchError{fmt.Sprintf("message %d: arrived with no message awaiting its echo", seq)}
	case c.msgOp != l.op:
		err = &mismatchError{fmt.Sprintf("message %d: opcode %d, sent %d", seq, c.msgOp, l.op)}
	case c.msgLen != int64(len(l.base)):
		err = &mismatchError{fmt.Sprintf("message %d: %d bytes, sent %d", seq, c.msgLen, len(l.base))}
	case c.diffAt >= 0:
		err = &mismatchError{fmt.Sprintf("message %d: first difference at byte %d (got 0x%02x, sent 0x%02x)", seq, c.diffAt, c.diffGot, c.diffWant)}
	}
	if err != nil {
		l.fail(c, "mismatch", err)
		return
	}
	c.rseq++
	b := &c.inflight[c.ihead]
	if b.intended >= l.ph.measStart {
		l.hist.record(l.now-b.intended, l.now-b.sent)
		l.res.completed++
	} else {
		l.res.warmCompleted++
	}
	c.inflightMsgs--
	if b.n--; b.n == 0 {
		c.ihead++
		if c.ihead == len(c.inflight) {
			c.inflight, c.ihead = c.inflight[:0], 0
		} else if c.ihead > 1024 && c.ihead > len(c.inflight)/2 {
			c.inflight = c.inflight[:copy(c.inflight, c.inflight[c.ihead:])]
			c.ihead = 0
		}
	}
}

func (l *wsLoop) onControl(c *lconn) {
	p := c.ctl[:c.ctlLen]
	switch c.ctlOp {
	case ws.OpClose:
		if c.closing { // the server's answer to our close frame
			l.finish(c)
			return
		}
		code, reason := ws.ParseCloseFrameData(p)
		l.fail(c, "closed", &closeError{code: code, reason: reason})
	case ws.OpPing:
		l.writeControl(c, ws.OpPong, p)
	}
}

// startClose sends the close frame 1000 and waits (≤ 2 s) for the server's.
func (l *wsLoop) startClose(c *lconn) {
	c.closing = true
	c.closeBy = l.clk.now() + int64(2*time.Second)
	l.setDeadline(c.closeBy)
	l.writeControl(c, ws.OpClose, []byte{0x03, 0xe8})
}

func (l *wsLoop) closeIfIdle(c *lconn) {
	if c.fd >= 0 && !c.closing && c.ihead == len(c.inflight) && c.phead == len(c.pending) {
		l.startClose(c)
	}
}

func (l *wsLoop) finish(c *lconn) {
	if c.fd < 0 {
		return
	}
	_ = unix.Close(c.fd) // also leaves the epoll set
	c.fd = -1
	l.live--
}

// fail ends c with an error, counted in the phase of the send it concerns (of now when nothing
// was awaited). Anything going wrong while closing just ends the connection, as in the goroutine
// engine.
func (l *wsLoop) fail(c *lconn, kind string, err error) {
	if c.fd < 0 {
		return
	}
	if !c.closing {
		at := l.clk.now()
		if c.ihead < len(c.inflight) {
			at = c.inflight[c.ihead].intended
		} else if c.phead < len(c.pending) {
			at = c.pending[c.phead]
		}
		l.res.errs.add(at >= l.ph.measStart, kind, err.Error())
	}
	l.finish(c)
}

func (l *wsLoop) ioError(c *lconn, err error) {
	switch {
	case errors.Is(err, io.EOF):
		l.fail(c, "disconnected", errors.New("EOF: the server closed the connection"))
	case errors.Is(err, unix.ECONNRESET), errors.Is(err, unix.EPIPE):
		l.fail(c, "disconnected", err)
	default:
		l.fail(c, "io", err)
	}
}

// scan ends connections past their deadline (no echo within --timeout; no close frame within
// 2 s) and recomputes the earliest deadline.
func (l *wsLoop) scan(now int64) {
	l.deadline = -1
	for _, c := range l.conns {
		if c == nil || c.fd < 0 {
			continue
		}
		if c.closing {
			if now >= c.closeBy {
				l.finish(c)
			} else {
				l.setDeadline(c.closeBy)
			}
			continue
		}
		if c.ihead < len(c.inflight) {
			d := c.inflight[c.ihead].sent + int64(l.o.Timeout)
			if now >= d {
				l.fail(c, "timeout", fmt.Errorf("no echo of message %d within %v", c.rseq, l.o.Timeout))
			} else {
				l.setDeadline(d)
			}
		}
	}
}

// abortAll: the hard stop (or a broken loop): connections still awaiting echoes fail as aborted.
func (l *wsLoop) abortAll() {
	for _, c := range l.conns {
		if c == nil || c.fd < 0 {
			continue
		}
		if !c.closing && c.ihead < len(c.inflight) {
			l.fail(c, "aborted", errors.New("still awaiting echoes at the hard stop"))
		} else {
			l.finish(c)
		}
	}
}
