package npy

import (
	"fmt"
	"strconv"
	"strings"
)

// arrayHeader is the content of a .npy header dictionary.
type arrayHeader struct {
	descr   string
	fortran bool
	shape   []int64
}

// parseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
// base is the file offset of the header, used in error messages.
func parseHeader(s string, base int64) (arrayHeader, error) {
	p := &scanner{s: s, base: base}
	var h arrayHeader
	seen := map[string]bool{}
	if err := p.expect('{'); err != nil {
		return h, err
	}
	for {
		p.skipSpace()
		if p.peek() == '}' {
			p.i++
			break
		}
		keyAt := p.i
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, p.errorAt(keyAt, "key %q appears twice", key)
		}
		seen[key] = true
		if err := p.expect(':'); err != nil {
			return h, err
		}
		p.skipSpace()
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, p.errorf("structured dtypes (a descr list) are not supported")
			}
			h.descr, err = p.str()
		case "fortran_order":
			h.fortran, err = p.boolean()
		case "shape":
			h.shape, err = p.tuple()
		default:
			return h, p.errorAt(keyAt, "unexpected key %q (want 'descr', 'fortran_order', 'shape')", key)
		}
		if err != nil {
			return h, err
		}
		p.skipSpace()
		if p.peek() == ',' {
			p.i++
		} else if p.peek() != '}' {
			return h, p.errorf("expected ',' or '}' after the value of %q", key)
		}
	}
	p.skipSpace()
	if p.i < len(p.s) {
		return h, p.errorf("unexpected %q after the header dictionary", p.s[p.i])
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, p.errorAt(0, "header has no %q key", k)
		}
	}
	return h, nil
}

// scanner walks a header string.
type scanner struct {
	s    string
	i    int
	base int64
}

// errorf reports a problem at the current position.
func (p *scanner) errorf(format string, args ...any) error {
	return p.errorAt(p.i, format, args...)
}

// errorAt reports a problem at header index i, as a file offset.
func (p *scanner) errorAt(i int, format string, args ...any) error {
	return fmt.Errorf("header at byte %d: %s", p.base+int64(i), fmt.Sprintf(format, args...))
}

// peek returns the current byte, or 0 at the end.
func (p *scanner) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *scanner) skipSpace() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// expect skips spaces and consumes c.
func (p *scanner) expect(c byte) error {
	p.skipSpace()
	if p.peek() != c {
		if p.i >= len(p.s) {
			return p.errorf("expected %q, found the end of the header", c)
		}
		return p.errorf("expected %q, found %q", c, p.s[p.i])
	}
	p.i++
	return nil
}

// str reads a quoted string without escapes.
func (p *scanner) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf("expected a quoted string")
	}
	end := strings.IndexAny(p.s[p.i+1:], string(q)+"\\\n")
	if end < 0 || p.s[p.i+1+end] != q {
		return "", p.errorf("unterminated or escaped string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

// word reads a run of letters, digits and minus signs.
func (p *scanner) word() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

// boolean reads True or False.
func (p *scanner) boolean() (bool, error) {
	at := p.i
	switch w := p.word(); w {
	case "True":
		return true, nil
	case "False":
		return false, nil
	default:
		return false, p.errorAt(at, "expected True or False, found %q", w)
	}
}

// tuple reads a tuple of non-negative integers such as (), (3,) or (2, 3).
// Python 2 long suffixes (3L) are accepted.
func (p *scanner) tuple() ([]int64, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	dims := []int64{}
	for {
		p.skipSpace()
		if p.peek() == ')' {
			p.i++
			return dims, nil
		}
		if len(dims) == MaxDims {
			return nil, p.errorf("shape has more than %d dimensions", MaxDims)
		}
		at := p.i
		w := p.word()
		d, err := strconv.ParseInt(strings.TrimSuffix(w, "L"), 10, 64)
		if err != nil || d < 0 {
			return nil, p.errorAt(at, "shape dimension %q is not a non-negative integer", w)
		}
		dims = append(dims, d)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.i++
		case ')':
		default:
			return nil, p.errorf("expected ',' or ')' in shape")
		}
	}
}
