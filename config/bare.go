package config

import (
	"strconv"
	"strings"
)

// bareValue types an unquoted word by its shape, as nats-server's lexer does:
// a word becomes a number only if all of it is one, so 127.0.0.1, 10s and
// 4222abc stay strings.
func bareValue(word string, pos Pos) (*Value, *Error) {
	switch strings.ToLower(word) {
	case "true", "yes", "on":
		return &Value{Kind: KindBool, Bool: true, Pos: pos}, nil
	case "false", "no", "off":
		return &Value{Kind: KindBool, Bool: false, Pos: pos}, nil
	}
	digits, rest := splitNumber(word)
	if digits == "" {
		return &Value{Kind: KindString, Str: word, Pos: pos}, nil
	}
	switch {
	case rest == "":
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return nil, errorf(pos, "integer %s is out of range", word)
		}
		return &Value{Kind: KindInt, Int: n, Pos: pos}, nil
	case isFraction(rest):
		f, err := strconv.ParseFloat(word, 64)
		if err != nil {
			return nil, errorf(pos, "float %s is out of range", word)
		}
		return &Value{Kind: KindFloat, Float: f, Pos: pos}, nil
	case looksLikeSizeSuffix(rest):
		n, err := applySuffix(digits, rest, pos)
		if err != nil {
			return nil, err
		}
		return &Value{Kind: KindInt, Int: n, Pos: pos}, nil
	}
	return &Value{Kind: KindString, Str: word, Pos: pos}, nil
}

// splitNumber splits an optional '-' and the leading digits from the rest.
// digits is "" when word does not start like a number.
func splitNumber(word string) (digits, rest string) {
	i := 0
	if strings.HasPrefix(word, "-") {
		i = 1
	}
	j := i
	for j < len(word) && word[j] >= '0' && word[j] <= '9' {
		j++
	}
	if j == i {
		return "", word
	}
	return word[:j], word[j:]
}

// isFraction is ".digits"; a second dot (an IP address) makes it a string.
func isFraction(rest string) bool {
	if len(rest) < 2 || rest[0] != '.' {
		return false
	}
	for _, c := range []byte(rest[1:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// looksLikeSizeSuffix mirrors nats-server's lexConvenientNumber: one unit
// letter then any run of b/i. Such a word is a size or an error, never a
// string, so a typo like 1kbi is caught instead of silently becoming text.
func looksLikeSizeSuffix(rest string) bool {
	if !strings.ContainsRune("kKmMgGtTpPeE", rune(rest[0])) {
		return false
	}
	for _, c := range []byte(rest[1:]) {
		if !strings.ContainsRune("bBiI", rune(c)) {
			return false
		}
	}
	return true
}
