package auth

// The permission matrix: what nats-server v2.15.2 allows for a given permissions block. checker_test.go
// holds the Checker to it and reference_test.go holds the table itself to the real nats-server, so a
// wrong expectation fails there instead of teaching reactor a wrong answer.

type permOp int

const (
	opPublish   permOp = iota // PUB subject
	opSubscribe               // SUB subject [queue]
	opDeliver                 // SUB on (and queue), then someone publishes subject: is it delivered?
)

type permCase struct {
	perms   string // a nats-server permissions block
	op      permOp
	subject string
	queue   string
	on      string // opDeliver: the subscription's subject
	want    bool
}

var permCases = []permCase{
	// Publish allow lists, wildcards, deny.
	{perms: `{ publish: "foo" }`, op: opPublish, subject: "foo", want: true},
	{perms: `{ publish: "foo" }`, op: opPublish, subject: "bar", want: false},
	{perms: `{ publish: "foo" }`, op: opPublish, subject: "foo.bar", want: false},
	{perms: `{ publish: "foo.*" }`, op: opPublish, subject: "foo.bar", want: true},
	{perms: `{ publish: "foo.*" }`, op: opPublish, subject: "foo.bar.baz", want: false},
	{perms: `{ publish: "foo.*" }`, op: opPublish, subject: "foo", want: false},
	{perms: `{ publish: "foo.>" }`, op: opPublish, subject: "foo.bar.baz", want: true},
	{perms: `{ publish: "foo.>" }`, op: opPublish, subject: "foo", want: false},
	{perms: `{ publish: ["a", "b"] }`, op: opPublish, subject: "b", want: true},
	{perms: `{ publish: ["a", "b"] }`, op: opPublish, subject: "c", want: false},
	{perms: `{ publish: { deny: "secret.>" } }`, op: opPublish, subject: "secret.x", want: false},
	{perms: `{ publish: { deny: "secret.>" } }`, op: opPublish, subject: "public", want: true},
	{perms: `{ publish: { allow: "foo.>", deny: "foo.secret" } }`, op: opPublish, subject: "foo.secret", want: false},
	{perms: `{ publish: { allow: "foo.>", deny: "foo.secret" } }`, op: opPublish, subject: "foo.open", want: true},
	{perms: `{ publish: { allow: "foo.>", deny: "foo.secret" } }`, op: opPublish, subject: "bar", want: false},
	{perms: `{ publish: { allow: ">", deny: "*.secret" } }`, op: opPublish, subject: "a.secret", want: false},
	{perms: `{ publish: { allow: ">", deny: "*.secret" } }`, op: opPublish, subject: "a.b.secret", want: true},
	{perms: `{ publish: [] }`, op: opPublish, subject: "anything", want: true},
	{perms: `{ publish: "foo*" }`, op: opPublish, subject: "foo*", want: true},
	{perms: `{ publish: "foo*" }`, op: opPublish, subject: "fooX", want: false},
	{perms: `{ subscribe: "x" }`, op: opPublish, subject: "anything", want: true},
	// allow_responses turns publishing off except to replies (which the engine tracks).
	{perms: `{ allow_responses: true }`, op: opPublish, subject: "x", want: false},
	{perms: `{ publish: "foo", allow_responses: true }`, op: opPublish, subject: "foo", want: true},
	{perms: `{ publish: "foo", allow_responses: { max: 2, expires: "1m" } }`, op: opPublish, subject: "bar", want: false},
	{perms: `{ publish: { deny: "foo" }, allow_responses: true }`, op: opPublish, subject: "bar", want: false},
	{perms: `{ allow_responses: false }`, op: opPublish, subject: "x", want: true},

	// Subscribe: a wildcard SUB is matched token by token against the lists.
	{perms: `{ subscribe: "foo.*" }`, op: opSubscribe, subject: "foo.bar", want: true},
	{perms: `{ subscribe: "foo.*" }`, op: opSubscribe, subject: "foo.*", want: true},
	{perms: `{ subscribe: "foo.*" }`, op: opSubscribe, subject: "foo.>", want: true},
	{perms: `{ subscribe: "foo.*" }`, op: opSubscribe, subject: "foo", want: false},
	{perms: `{ subscribe: "foo.*" }`, op: opSubscribe, subject: ">", want: false},
	{perms: `{ subscribe: "foo.*" }`, op: opSubscribe, subject: "foo.a.b", want: false},
	{perms: `{ subscribe: "*" }`, op: opSubscribe, subject: ">", want: true},
	{perms: `{ subscribe: "foo.>" }`, op: opSubscribe, subject: "foo.*", want: true},
	{perms: `{ subscribe: "foo.>" }`, op: opSubscribe, subject: "foo.>", want: true},
	{perms: `{ subscribe: "foo.>" }`, op: opSubscribe, subject: "foo", want: false},
	{perms: `{ subscribe: "foo.bar" }`, op: opSubscribe, subject: "foo.*", want: false},
	{perms: `{ subscribe: "foo.bar" }`, op: opSubscribe, subject: "foo.bar", want: true},
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opSubscribe, subject: "foo.bar", want: false},
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opSubscribe, subject: "foo.*", want: true},
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opSubscribe, subject: ">", want: true},
	{perms: `{ subscribe: { deny: "foo.>" } }`, op: opSubscribe, subject: "foo.*", want: false},
	{perms: `{ subscribe: { deny: "foo.>" } }`, op: opSubscribe, subject: "foo.bar", want: false},
	{perms: `{ subscribe: { deny: "foo.>" } }`, op: opSubscribe, subject: ">", want: true},
	{perms: `{ subscribe: { allow: ">", deny: "*.secret" } }`, op: opSubscribe, subject: "a.secret", want: false},
	{perms: `{ subscribe: { allow: ">", deny: "*.secret" } }`, op: opSubscribe, subject: "*.secret", want: false},
	{perms: `{ subscribe: { allow: ">", deny: "*.secret" } }`, op: opSubscribe, subject: "a.*", want: true},
	{perms: `{ subscribe: { allow: "foo.*", deny: "foo.bar" } }`, op: opSubscribe, subject: "foo.bar", want: false},
	{perms: `{ subscribe: { allow: "foo.*", deny: "foo.bar" } }`, op: opSubscribe, subject: "foo.*", want: true},
	{perms: `{ publish: "x" }`, op: opSubscribe, subject: "anything.>", want: true},

	// Queue-qualified subscribe entries decide for SUBs in a matching queue group.
	{perms: `{ subscribe: { allow: ["foo q1"] } }`, op: opSubscribe, subject: "foo", want: false},
	{perms: `{ subscribe: { allow: ["foo q1"] } }`, op: opSubscribe, subject: "foo", queue: "q1", want: true},
	{perms: `{ subscribe: { allow: ["foo q1"] } }`, op: opSubscribe, subject: "foo", queue: "q2", want: false},
	{perms: `{ subscribe: { allow: ["foo", "foo q1"] } }`, op: opSubscribe, subject: "foo", want: true},
	{perms: `{ subscribe: { allow: ["foo", "foo q1"] } }`, op: opSubscribe, subject: "foo", queue: "q1", want: true},
	{perms: `{ subscribe: { allow: ["foo", "foo q1"] } }`, op: opSubscribe, subject: "foo", queue: "q2", want: false},
	{perms: `{ subscribe: { allow: ["foo"] } }`, op: opSubscribe, subject: "foo", queue: "q2", want: true},
	{perms: `{ subscribe: { allow: ["foo.> v1.*"] } }`, op: opSubscribe, subject: "foo.a", queue: "v1.x", want: true},
	{perms: `{ subscribe: { allow: ["foo.> v1.*"] } }`, op: opSubscribe, subject: "foo.a", queue: "v1.*", want: true},
	{perms: `{ subscribe: { allow: ["foo.> v1.*"] } }`, op: opSubscribe, subject: "foo.a", queue: "v1.>", want: false},
	{perms: `{ subscribe: { allow: ["foo.> v1.*"] } }`, op: opSubscribe, subject: "foo.a", queue: "v2", want: false},
	{perms: `{ subscribe: { deny: ["foo q1"] } }`, op: opSubscribe, subject: "foo", want: true},
	{perms: `{ subscribe: { deny: ["foo q1"] } }`, op: opSubscribe, subject: "foo", queue: "q1", want: false},
	{perms: `{ subscribe: { deny: ["foo q1"] } }`, op: opSubscribe, subject: "foo", queue: "q2", want: true},

	// A wildcard SUB that overlaps a deny entry is admitted, and what the entry names is not delivered.
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opDeliver, on: "foo.*", subject: "foo.bar", want: false},
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opDeliver, on: "foo.*", subject: "foo.baz", want: true},
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opDeliver, on: "foo.>", subject: "foo.bar", want: false},
	{perms: `{ subscribe: { deny: "foo.bar" } }`, op: opDeliver, on: "foo.>", subject: "foo.bar.x", want: true},
	{perms: `{ subscribe: { deny: "foo.*.x" } }`, op: opDeliver, on: "foo.>", subject: "foo.a.x", want: false},
	{perms: `{ subscribe: { deny: "foo.*.x" } }`, op: opDeliver, on: "foo.>", subject: "foo.a.y", want: true},
	{perms: `{ subscribe: { deny: "foo.>" } }`, op: opDeliver, on: ">", subject: "foo.x", want: false},
	{perms: `{ subscribe: { deny: "foo.>" } }`, op: opDeliver, on: ">", subject: "bar", want: true},
	{perms: `{ subscribe: { deny: ["foo.bar q1"] } }`, op: opDeliver, on: "foo.*", queue: "q1", subject: "foo.bar", want: false},
	{perms: `{ subscribe: { deny: ["foo.bar q1"] } }`, op: opDeliver, on: "foo.*", queue: "q1", subject: "foo.baz", want: true},
	{perms: `{ subscribe: { deny: ["foo.bar q1"] } }`, op: opDeliver, on: "foo.*", queue: "q2", subject: "foo.bar", want: true},
	{perms: `{ subscribe: { deny: ["foo.bar q1"] } }`, op: opDeliver, on: "foo.*", subject: "foo.bar", want: true},
	{perms: `{ subscribe: { allow: ">", deny: "*.secret" } }`, op: opDeliver, on: "a.>", subject: "a.secret", want: false},
}

func (c permCase) String() string {
	switch c.op {
	case opPublish:
		return c.perms + " PUB " + c.subject
	case opSubscribe:
		return c.perms + " SUB " + c.subject + " " + c.queue
	}
	return c.perms + " SUB " + c.on + " " + c.queue + " <- " + c.subject
}
