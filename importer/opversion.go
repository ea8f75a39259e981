package importer

import "github.com/tfc-project/tfc/ir"

// untabledDomains are the operator domains besides those of tfc's op table
// whose nodes the importer accepts without a schema; such nodes get the
// imported opset as Version.
var untabledDomains = map[string]bool{
	"ai.onnx.ml":    true,
	"com.microsoft": true,
	ir.TfcDomain:    true,
}

// normDomain maps "ai.onnx" to "", the key tfc uses for the default domain.
func normDomain(d string) string {
	if d == "ai.onnx" {
		return ""
	}
	return d
}

// sinceVersion returns the version of the op's definition that applies
// under the given opset of its domain (0 when the domain is not imported),
// or false when the op is unknown there.
func sinceVersion(domain, op string, opset int64) (int64, bool) {
	if opset <= 0 {
		return 0, false
	}
	if s, err := ir.ResolveOp(domain, op, opset); err == nil {
		if domain != ir.TfcDomain && opset > ir.MaxOpset(domain) {
			return 0, false // an opset newer than the ONNX release tfc knows
		}
		return s.Since, true
	}
	return opset, untabledDomains[domain]
}
