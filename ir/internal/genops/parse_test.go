package main

import (
	"strings"
	"testing"
)

// A section in the layout of the ONNX Changelog.md.
const sample = `# ai.onnx (default)
## Version 18 of the default ONNX operator set
### <a name="Split-18"></a>**Split-18**</a>

#### Version

This version of the operator has been available since version 18 of the default ONNX operator set.

#### Attributes

<dl>
<dt><tt>axis</tt> : int (default is 0)</dt>
<dd>Which axis.</dd>
<dt><tt>max</tt> : float (default is (3.402823e+38))</dt>
<dt><tt>acts</tt> : list of strings (default is ['Tanh', 'Tanh'])</dt>
<dt><tt>body</tt> : graph (required)</dt>
</dl>

#### Inputs (1 - 2)

<dl>
<dt><tt>input</tt> (differentiable) : T</dt>
<dt><tt>split</tt> (optional, non-differentiable) : tensor(int64)</dt>
</dl>

#### Outputs (1 - &#8734;)

<dl>
<dt><tt>outputs</tt> (variadic, differentiable) : T</dt>
</dl>

#### Type Constraints

<dl>
<dt><tt>T</tt> : tensor(float), seq(tensor(int64)), map(int64, string)</dt>
</dl>

# ai.onnx.preview.training
## Version 1 of the 'ai.onnx.preview.training' operator set
### <a name="ai.onnx.preview.training.Adam-1"></a>**ai.onnx.preview.training.Adam-1**</a>
`

func TestParseAndRender(t *testing.T) {
	ops, err := parseChangelog(sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 2 {
		t.Fatalf("%d ops", len(ops))
	}
	s, adam := ops[0], ops[1]
	if s.Name != "Split" || s.Since != 18 || s.MinIn != 1 || s.MaxIn != 2 || s.MinOut != 1 || s.MaxOut != -1 {
		t.Errorf("Split: %+v", s)
	}
	if !s.Inputs[1].Optional || s.Inputs[1].Type != "tensor(int64)" || !s.Outputs[0].Variadic {
		t.Errorf("params %+v %+v", s.Inputs, s.Outputs)
	}
	if got := s.Types[0].Types; len(got) != 3 || got[2] != "map(int64, string)" {
		t.Errorf("types %q", got)
	}
	if adam.Domain != "ai.onnx.preview.training" || adam.Name != "Adam" || adam.Since != 1 {
		t.Errorf("Adam: %+v", adam)
	}
	src, err := render(ops)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{Name: "axis", Kind: AttrInt, Default: &Attr{Kind: AttrInt, Int: 0}}`,
		`{Name: "max", Kind: AttrFloat, Default: &Attr{Kind: AttrFloat, Float: 3.402823e+38}}`,
		`{Name: "acts", Kind: AttrStrings, Default: &Attr{Kind: AttrStrings, Strings: []string{"Tanh", "Tanh"}}}`,
		`{Name: "body", Kind: AttrGraph, Required: true}`,
		`{Name: "split", Type: "tensor(int64)", DType: Int64, Optional: true}`,
		`{Name: "T", DTypes: []DType{Float32}, Other: []string{"seq(tensor(int64))", "map(int64, string)"}}`,
		`MinInputs: 1, MaxInputs: 2, MinOutputs: 1, MaxOutputs: -1,`,
		`DO NOT EDIT`,
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated code lacks %s", want)
		}
	}
}

func TestParseRejectsUnknownAttributeKind(t *testing.T) {
	bad := strings.Replace(sample, ": int (default is 0)", ": matrix", 1)
	if _, err := parseChangelog(bad); err == nil || !strings.Contains(err.Error(), `unknown kind "matrix"`) {
		t.Errorf("error %v", err)
	}
}
