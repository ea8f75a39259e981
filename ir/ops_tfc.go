package ir

// The schemas of tfc's own fused operators (domain ai.tfc, version 1).
// Their reference kernels and decompositions into standard ONNX nodes
// live in exec/ops/fused.
func init() {
	floatT := []TypeConstraint{{Name: "T", DTypes: []DType{Float32, Float64, Float16, BFloat16}}}
	param := func(name string, optional bool) Param { return Param{Name: name, Type: "T", Optional: optional} }
	eps := AttrSchema{Name: "epsilon", Kind: AttrFloat, Default: &Attr{Kind: AttrFloat, Float: 1e-5}}
	approx := AttrSchema{Name: "approximate", Kind: AttrString, Default: &Attr{Kind: AttrString, String: "none"}}
	intAttr := func(name string, def int64) AttrSchema {
		return AttrSchema{Name: name, Kind: AttrInt, Default: &Attr{Kind: AttrInt, Int: def}}
	}
	schemas := []*OpSchema{
		// Linear(X, W, B?) = act(X·W + B), act by activation: "none",
		// "gelu" (exact) or "gelu_tanh" (the tanh approximation).
		{Name: "Linear", Kind: MatMulLike, infer: inferMatMul(1),
			Attrs:  []AttrSchema{{Name: "activation", Kind: AttrString, Default: &Attr{Kind: AttrString, String: "none"}}},
			Inputs: []Param{param("X", false), param("W", false), param("B", true)}, Outputs: []Param{param("Y", false)}},
		{Name: "LayerNorm", Kind: Opaque, Attrs: []AttrSchema{eps}, infer: sameShape,
			Inputs: []Param{param("X", false), param("Scale", false), param("B", true)}, Outputs: []Param{param("Y", false)}},
		{Name: "SkipLayerNorm", Kind: Opaque, Attrs: []AttrSchema{eps}, infer: sameShape,
			Inputs:  []Param{param("X", false), param("Skip", false), param("Scale", false), param("B", true)},
			Outputs: []Param{param("Y", false), param("Sum", true)}},
		{Name: "RMSNorm", Kind: Opaque, Attrs: []AttrSchema{eps}, infer: sameShape,
			Inputs: []Param{param("X", false), param("Scale", false)}, Outputs: []Param{param("Y", false)}},
		{Name: "Gelu", Kind: Elementwise, Attrs: []AttrSchema{approx}, infer: sameShape,
			Inputs: []Param{param("X", false)}, Outputs: []Param{param("Y", false)}},
		{Name: "BiasGelu", Kind: Broadcast, Attrs: []AttrSchema{approx}, infer: sameShape,
			Inputs: []Param{param("X", false), param("B", false)}, Outputs: []Param{param("Y", false)}},
		{Name: "RotaryEmbedding", Kind: Opaque, infer: sameShape,
			Inputs:  []Param{param("X", false), param("Cos", false), param("Sin", false)},
			Outputs: []Param{param("Y", false)}},
		{Name: "Attention", Kind: Opaque,
			Attrs: []AttrSchema{{Name: "num_heads", Kind: AttrInt}, intAttr("kv_num_heads", 0),
				{Name: "scale", Kind: AttrFloat, Required: true}, intAttr("causal", 0)},
			// K and V omitted: Q is packed [B, S, (H + 2·Hkv)·D], the
			// queries, keys and values side by side (a merged projection).
			Inputs:  []Param{param("Q", false), param("K", true), param("V", true), param("Bias", true)},
			Outputs: []Param{param("Y", false)}},
	}
	for _, s := range schemas {
		s.Domain, s.Since, s.Types = TfcDomain, 1, floatT
		s.MinInputs, s.MaxInputs = countRequired(s.Inputs), len(s.Inputs)
		s.MinOutputs, s.MaxOutputs = countRequired(s.Outputs), len(s.Outputs)
		if s.infer != nil {
			s.Infer = func(n *Node) error { return newInferCtx(nil).apply(s, n) }
		}
		if err := RegisterOp(s); err != nil {
			panic(err) // a fixed table: registering it twice is a bug
		}
	}
}

// countRequired is the number of leading non-optional parameters.
func countRequired(ps []Param) int {
	n := 0
	for _, p := range ps {
		if p.Optional {
			break
		}
		n++
	}
	return n
}

// LinearActivation reads the activation of a Linear node: whether it
// applies GELU after the bias and whether in the tanh form; ok is false
// for an activation other than "none", "gelu" and "gelu_tanh".
func LinearActivation(n *Node) (gelu, tanh, ok bool) {
	switch n.AttrString("activation", "none") {
	case "none":
		return false, false, true
	case "gelu":
		return true, false, true
	case "gelu_tanh":
		return true, true, true
	}
	return false, false, false
}
