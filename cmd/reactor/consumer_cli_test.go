package main

import "testing"

// TestConsumerCLISessionSameAsNatsServer runs one `nats consumer …` session against nats-server and
// reactor (issue 10): pull and push consumers added with flags and with --defaults, the refusals
// (a consumer of the same name with another configuration, a stream that does not exist), ls, info,
// next with and without acks and past the end, edit, report, state, rm; every command's output and
// outcome must be the same once sameCLISession's masking removed what differs between any two runs.
func TestConsumerCLISessionSameAsNatsServer(t *testing.T) {
	ref := startDaemonBinary(t, natsServerBinary(t), "-js", "-sd", t.TempDir())
	ours := startDaemonBinary(t, reactorBinary(t), "-js", "-sd", t.TempDir())
	sameCLISession(t, ref, ours, [][]string{
		{"stream", "add", "ORDERS", "--subjects", "orders.>", "--storage", "file", "--defaults"},
		{"pub", "orders.new", "hello {{Count}}", "--count", "5"},
		{"pub", "orders.old", "old {{Count}}", "--count", "2"},
		{"consumer", "add", "ORDERS", "PULL", "--pull", "--ack", "explicit", "--deliver", "all", "--filter", "orders.new",
			"--max-deliver", "5", "--wait", "30s", "--max-pending", "100", "--description", "a pull consumer", "--defaults"},
		{"consumer", "add", "ORDERS", "PUSH", "--target", "deliver.orders", "--deliver-group", "G", "--ack", "explicit",
			"--deliver", "last", "--heartbeat", "5s", "--flow-control", "--defaults"},
		{"consumer", "add", "ORDERS", "DEFAULTS", "--pull", "--defaults"},
		{"consumer", "add", "ORDERS", "FROM3", "--pull", "--deliver", "3", "--ack", "all", "--defaults"},
		{"!consumer", "add", "NOSUCH", "X", "--pull", "--defaults"}, // no such stream
		{"consumer", "ls", "ORDERS"},
		{"consumer", "ls", "ORDERS", "--names"},
		{"consumer", "ls", "ORDERS", "--json"},
		{"consumer", "info", "ORDERS", "PULL"},
		{"consumer", "info", "ORDERS", "PUSH", "--json"},
		{"consumer", "next", "ORDERS", "PULL", "--count", "2"},
		{"consumer", "next", "ORDERS", "PULL", "--no-ack"},
		{"consumer", "info", "ORDERS", "PULL", "--json"},
		{"consumer", "next", "ORDERS", "PULL", "--count", "2", "--raw"},
		{"consumer", "next", "ORDERS", "FROM3", "--count", "2", "--raw"},
		{"consumer", "info", "ORDERS", "FROM3", "--json"},
		{"consumer", "state", "ORDERS", "PULL"},
		{"consumer", "edit", "ORDERS", "PULL", "--max-deliver", "10", "--description", "edited", "-f"},
		{"consumer", "info", "ORDERS", "PULL", "--json"},
		{"consumer", "report", "ORDERS"},
		{"!consumer", "add", "ORDERS", "PULL", "--pull", "--ack", "none", "--defaults"},     // 10012: exists, another ack policy
		{"!consumer", "add", "ORDERS", "PUSH", "--pull", "--ack", "explicit", "--defaults"}, // 10012: push to pull
		{"consumer", "info", "ORDERS", "PULL", "--json"},
		{"consumer", "rm", "ORDERS", "PUSH", "-f"},
		{"!consumer", "rm", "ORDERS", "PUSH", "-f"}, // gone
		{"!consumer", "info", "ORDERS", "PUSH"},     // gone
		{"consumer", "ls", "ORDERS"},
		{"stream", "info", "ORDERS", "--json"},
	})
}
