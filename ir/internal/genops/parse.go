package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// opDef is one version of one operator as the changelog states it.
type opDef struct {
	Domain, Name   string
	Since          int64
	Deprecated     bool
	MinIn, MaxIn   int // MaxIn -1: unbounded
	MinOut, MaxOut int
	Attrs          []attrDef
	Inputs         []paramDef
	Outputs        []paramDef
	Types          []typeDef
}

// attrDef is one attribute entry: its kind as written ("list of ints"),
// whether it is required, and its default as written (if any).
type attrDef struct {
	Name, Kind string
	Required   bool
	Default    string
	HasDefault bool
}

// paramDef is one formal input or output.
type paramDef struct {
	Name, Type                        string
	Optional, Variadic, Heterogeneous bool
}

// typeDef is one type constraint: its name and the types it allows.
type typeDef struct {
	Name  string
	Types []string
}

var (
	domainRe  = regexp.MustCompile(`^# (\S+)`)
	opRe      = regexp.MustCompile(`^### <a name="([^"]+)-(\d+)">`)
	sectionRe = regexp.MustCompile(`^#### (\w+(?: \w+)?)(?: \((\d+) - (\d+|&#8734;)\))?\s*$`)
	entryRe   = regexp.MustCompile(`^<dt><tt>([^<]*)</tt>(?: \(([^)]*)\))? : (.*)</dt>$`)
	defaultRe = regexp.MustCompile(`^(.*?) \((?:default is (.*)|(required))\)$`)
)

// parseChangelog reads every operator section of Changelog.md.
func parseChangelog(text string) ([]*opDef, error) {
	var (
		ops               []*opDef
		cur               *opDef
		domain, section   string
		inRange, outRange bool
		lineNo            int
	)
	finish := func() {
		if cur == nil {
			return
		}
		if !inRange {
			cur.MinIn, cur.MaxIn = len(cur.Inputs), len(cur.Inputs)
		}
		if !outRange {
			cur.MinOut, cur.MaxOut = len(cur.Outputs), len(cur.Outputs)
		}
		ops = append(ops, cur)
		cur = nil
	}
	for _, line := range strings.Split(text, "\n") {
		lineNo++
		line = strings.TrimRight(line, "\r")
		if m := domainRe.FindStringSubmatch(line); m != nil {
			finish()
			domain = m[1]
			if domain == "ai.onnx" {
				domain = ""
			}
			continue
		}
		if strings.HasPrefix(line, "## ") {
			finish()
			continue
		}
		if m := opRe.FindStringSubmatch(line); m != nil {
			finish()
			since, err := strconv.ParseInt(m[2], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", lineNo, err)
			}
			name := m[1]
			if domain != "" {
				name = strings.TrimPrefix(name, domain+".")
			}
			cur = &opDef{Domain: domain, Name: name, Since: since,
				Deprecated: strings.Contains(line, "(deprecated)")}
			section, inRange, outRange = "", false, false
			continue
		}
		if cur == nil {
			continue
		}
		if m := sectionRe.FindStringSubmatch(line); m != nil {
			section = m[1]
			if m[2] == "" {
				continue
			}
			lo, hi, err := parseRange(m[2], m[3])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", lineNo, err)
			}
			switch section {
			case "Inputs":
				cur.MinIn, cur.MaxIn, inRange = lo, hi, true
			case "Outputs":
				cur.MinOut, cur.MaxOut, outRange = lo, hi, true
			}
			continue
		}
		if strings.HasPrefix(line, "This version of the operator has been deprecated") {
			cur.Deprecated = true
		}
		m := entryRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if err := cur.addEntry(section, m[1], m[2], m[3]); err != nil {
			return nil, fmt.Errorf("line %d: %s-%d: %v", lineNo, cur.Name, cur.Since, err)
		}
	}
	finish()
	if len(ops) == 0 {
		return nil, fmt.Errorf("no operator sections found")
	}
	return ops, nil
}

func parseRange(lo, hi string) (int, int, error) {
	l, err := strconv.Atoi(lo)
	if err != nil {
		return 0, 0, err
	}
	if hi == "&#8734;" {
		return l, -1, nil
	}
	h, err := strconv.Atoi(hi)
	return l, h, err
}

// addEntry records one <dt> line of the given section.
func (op *opDef) addEntry(section, name, flags, rest string) error {
	switch section {
	case "Attributes":
		a := attrDef{Name: name, Kind: rest}
		if m := defaultRe.FindStringSubmatch(rest); m != nil {
			a.Kind = m[1]
			a.Required = m[3] != ""
			a.Default, a.HasDefault = strings.TrimSuffix(strings.TrimPrefix(m[2], "("), ")"), m[3] == ""
		}
		if _, ok := attrKinds[a.Kind]; !ok {
			return fmt.Errorf("attribute %s: unknown kind %q", name, a.Kind)
		}
		op.Attrs = append(op.Attrs, a)
	case "Inputs", "Outputs":
		p := paramDef{Name: name, Type: rest}
		for _, f := range strings.Split(flags, ",") {
			switch strings.TrimSpace(f) {
			case "optional":
				p.Optional = true
			case "variadic":
				p.Variadic = true
			case "heterogeneous":
				p.Heterogeneous = true
			}
		}
		if section == "Inputs" {
			op.Inputs = append(op.Inputs, p)
		} else {
			op.Outputs = append(op.Outputs, p)
		}
	case "Type Constraints":
		op.Types = append(op.Types, typeDef{Name: name, Types: splitTypes(rest)})
	}
	return nil
}

// splitTypes splits "tensor(float), seq(tensor(int64)), map(int64, string)"
// at the commas outside parentheses.
func splitTypes(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}
