// Package conns measures what an idle connection costs: it holds N idle subscribers open against reactor,
// then against the reference nats-server, and reports each server's resident memory per connection, the
// kernel memory of its sockets, the time to connect all N, the time for one message to reach all N, and the
// CPU the server burns while nothing happens. make bench-conns runs it and writes bench/CONNS.md.
//
// # Shape of a run
//
// The driver (Run, run.go) starts one server at a time as a fresh child process (bench.StartReactor,
// bench.StartNatsServer) and measures it in a fixed order: baseline RSS; connect all N; a quiet window for
// idle CPU; RSS and kernel socket memory while idle; fan-out rounds; cleanup. Fan-out comes last because
// delivering a message may grow per-connection buffers, and the idle numbers must not include that.
//
// The client side is a fleet of worker processes (fleet.go): the driver binary re-executes itself with
// -worker (worker.go), each worker holding a share of the connections, so that no process comes near this
// machine's 20,000 open-files cap. Each worker dials from its own loopback source address (127.0.0.2,
// 127.0.0.3, ...; srcaddr.go) so ephemeral ports never run out, and a fresh set of addresses serves each
// run, so ports a previous run left behind cannot collide.
//
// A subscriber (rawconn.go) is a raw TCP connection, not nats.go, which costs far too much per
// connection for tens of thousands of them: read INFO, send CONNECT, SUB and PING, wait for PONG, then one
// goroutine per connection reads MSG and answers the server's PINGs.
//
// With -tls (Config.TLS) every count is measured again, after the plaintext rows, against both servers
// serving TLS with one certificate generated for the run (bench.GenerateTLS; the files are removed at
// the end). Subscribers and publisher then read the plaintext INFO, complete a crypto/tls handshake
// trusting the run's CA (the workers get its path), and speak the same protocol inside the session. The
// report marks those rows "(TLS)", gives their ratio, and what TLS adds per connection over plaintext. Workers talk to the driver in JSON
// lines on stdout and take commands on stdin (control.go); end of stdin means "close everything and exit",
// so a driver that dies, however it dies, takes its workers with it.
//
// # What it must never do
//
// Leave processes behind or run unbounded: every wait has a deadline, the whole run has a global timeout
// (the workers carry it too), and the server, the workers and the publisher are torn down on every path.
// It uses loopback only. It never treats a missing number as zero: a measurement that could not be taken
// is reported as missing, and connections that failed are counted and shown.
//
// # Where the numbers come from
//
// RSS and CPU time from /proc/PID (bench.Server). Kernel socket memory from `ss -tmn` skmem of the
// server's established sockets (skmem.go, kernelmem.go), or /proc/net/sockstat when ss is missing. skmem
// counts buffers only, near zero on an idle socket, so the kernel objects behind a connection are
// estimated separately from /proc/slabinfo (slab.go). /proc/stat gives how busy the whole machine was
// during the idle window (machinecpu.go), because timings taken on a shared machine are only as good as
// it was quiet. The server binaries are copied before the first run (binaries.go), so all rows measure the
// same builds.
//
// The pure parts, ss skmem parsing (skmem.go) and the per-connection arithmetic and projection
// (result.go), are unit-tested; the rest is measurement and is exercised by running it.
package conns
