package codec

// routeName is a route op name. It embeds an opName so the client parser's
// controlLine can find the line end with the same rules and limits; only
// the opName's lower, bare and (for CONNECT/INFO) kind matter there.
type routeName struct {
	opName
	kind RouteKind
}

// routeNames lists every route op name, the message verbs first because
// they are the most frequent. No name is a prefix of another, so at most one
// can match a complete name.
var routeNames = [...]routeName{
	{opName{lower: "rmsg"}, RouteKindRMsg},
	{opName{lower: "hmsg"}, RouteKindHMsg},
	{opName{lower: "rs+"}, RouteKindRSPlus},
	{opName{lower: "rs-"}, RouteKindRSMinus},
	{opName{lower: "ping", bare: true}, RouteKindPing},
	{opName{lower: "pong", bare: true}, RouteKindPong},
	{opName{lower: "lmsg"}, RouteKindLMsg},
	{opName{lower: "ls+"}, RouteKindLSPlus},
	{opName{lower: "ls-"}, RouteKindLSMinus},
	{opName{kind: KindInfo, lower: "info"}, RouteKindInfo},
	{opName{kind: KindConnect, lower: "connect"}, RouteKindConnect},
	{opName{lower: "+ok", bare: true}, RouteKindOK},
	{opName{lower: "-err"}, RouteKindErr},
}

// matchRouteName identifies the route op name at the start of buf
// (len(buf) > 0): the name, or (nil, nil) while buf is too short to decide,
// or ErrUnknownOp as soon as no name can match. Letters compare
// case-insensitively; '+' and '-' compare exactly.
func matchRouteName(buf []byte) (*routeName, *Error) {
	pending := false
	for i := range routeNames {
		name := &routeNames[i]
		n := min(len(buf), len(name.lower))
		if !nameBytesMatch(buf[:n], name.lower[:n]) {
			continue
		}
		if n == len(name.lower) {
			return name, nil
		}
		pending = true
	}
	if pending {
		return nil, nil
	}
	return nil, ErrUnknownOp
}

func nameBytesMatch(in []byte, lower string) bool {
	for i, c := range in {
		want := lower[i]
		if want >= 'a' && want <= 'z' {
			c |= 0x20
		}
		if c != want {
			return false
		}
	}
	return true
}
