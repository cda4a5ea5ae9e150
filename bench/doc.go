// Package bench runs the same workloads against reactor and the reference nats-server on this machine, in
// one run, and reports the ratio. It owns the benchmark harness: starting both servers as child processes
// on loopback ephemeral ports with the same limits (servers.go), the workloads, driven by nats.go or raw
// sockets, identical for both servers, and the reports (bench/RESULTS.md).
//
// Rules it keeps: loopback only; every workload is bounded in count and time and stops by itself; servers
// are started and stopped by the harness; medians of at least three repetitions, alternating the servers row
// by row, because these machines are noisy and only ratios mean anything.
package bench
