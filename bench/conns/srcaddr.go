package conns

import "net"

// A client socket bound to a source address takes its ephemeral port from that address alone (about 28k
// ports here), and closed sockets may hold their ports for a while. So every worker of every run gets a
// loopback address of its own, counted up from 127.0.0.2: one address carries at most one worker's
// connections (a few thousand), and a run never reuses the ports of the run before it.

// sourceAddr is the index-th client source address: 127.0.0.2 for 0, then 127.0.0.3, ... carrying into
// the higher octets. All of 127.0.0.0/8 is local on Linux.
func sourceAddr(index int) net.IP {
	n := index + 2 // 127.0.0.0 is the network and 127.0.0.1 the server's
	return net.IPv4(127, byte(n>>16), byte(n>>8), byte(n))
}
