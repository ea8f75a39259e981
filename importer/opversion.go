package importer

// extraDomains are the operator domains besides ai.onnx whose nodes the
// importer accepts; their nodes get the imported opset as Version.
var extraDomains = map[string]bool{
	"ai.onnx.ml":               true,
	"ai.onnx.preview":          true,
	"ai.onnx.preview.training": true,
	"com.microsoft":            true,
	"ai.tfc":                   true,
}

// normDomain maps "ai.onnx" to "", the key tfc uses for the default domain.
func normDomain(d string) string {
	if d == "ai.onnx" {
		return ""
	}
	return d
}

// sinceVersion returns the version of the op's definition that applies
// under the given opset of its domain, or false when the op is unknown there.
func sinceVersion(domain, op string, opset int64) (int64, bool) {
	if domain != "" {
		return opset, extraDomains[domain] && opset > 0
	}
	if opset > tmpMaxOpset {
		return 0, false // an opset newer than the ONNX release tfc knows
	}
	best := int64(0)
	for _, v := range tmpSinceVersions[op] {
		if v <= opset && v > best {
			best = v
		}
	}
	return best, best > 0
}
