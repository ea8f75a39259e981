package ir

// Inference rules of the elementwise, broadcasting and normalization ops.

// sameShape gives every output the shape of input 0 (unary elementwise
// ops, Identity, Dropout and its mask, the normalizations' Y).
func sameShape(_ *inferCtx, n *Node, out []vtype) error {
	for i := range out {
		out[i].Shape = inShape(n, 0)
	}
	return nil
}

// broadcast gives output 0 the multidirectional broadcast of all inputs.
// Before opset 7 the arithmetic ops broadcast input 1 to input 0 (when
// their broadcast attribute says so) and PRelu's slope is per channel, so
// the output has input 0's shape.
func broadcast(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	if n.Version < 7 && (n.Attr("broadcast") != nil || n.Op == "PRelu") {
		out[0].Shape = inShape(n, 0)
		return nil
	}
	var shapes []Shape
	for _, v := range n.Inputs {
		if v != nil {
			shapes = append(shapes, v.Shape)
		}
	}
	s, err := broadcastShapes(n, shapes...)
	out[0].Shape = s
	if err == nil {
		c.trackArith(n)
	}
	return err
}

// trackArith records the result of integer Add, Sub, Mul or Div on tracked
// shape values (known values compute; symbols survive +0, *1 and /1).
func (c *inferCtx) trackArith(n *Node) {
	if n.Domain != "" || len(n.Inputs) != 2 || len(n.Outputs) == 0 || !inDType(n, 0).IsInt() {
		return
	}
	a, ok1 := c.dimsOf(n.Input(0))
	b, ok2 := c.dimsOf(n.Input(1))
	if !ok1 || !ok2 || (len(a) != len(b) && len(a) != 1 && len(b) != 1) {
		return
	}
	res := make([]Dim, max(len(a), len(b)))
	for i := range res {
		x, y := a[min(i, len(a)-1)], b[min(i, len(b)-1)]
		res[i] = arith(n.Op, x, y)
	}
	c.track(n.Outputs[0], res)
}

// arith applies one integer operation to tracked elements.
func arith(op string, x, y Dim) Dim {
	lit := x.Param == "" && y.Param == ""
	switch op {
	case "Add":
		switch {
		case lit:
			return Dim{Size: x.Size + y.Size}
		case y == Dim{}:
			return x
		case x == Dim{}:
			return y
		}
	case "Sub":
		switch {
		case lit:
			return Dim{Size: x.Size - y.Size}
		case y == Dim{}:
			return x
		case x == y && x != unknownVal:
			return Dim{}
		}
	case "Mul":
		switch {
		case lit:
			return Dim{Size: x.Size * y.Size}
		case y == Dim{Size: 1}:
			return x
		case x == Dim{Size: 1}:
			return y
		}
	case "Div":
		switch {
		case lit && y.Size != 0 && x.Size%y.Size == 0:
			return Dim{Size: x.Size / y.Size}
		case y == Dim{Size: 1}:
			return x
		}
	}
	return unknownVal
}

// inferCast reads the target type from the "to" attribute.
func inferCast(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	to, err := dtypeAttr(n, "to", Undefined)
	if err != nil {
		return err
	}
	out[0].DType = to
	if dims, ok := c.dimsOf(n.Input(0)); ok && to.IsInt() {
		c.track(n.Outputs[0], dims)
	}
	return sameShape(c, n, out)
}

// inferDTypeAttrLike handles EyeLike and Random*Like: the shape of input 0
// and the dtype of the "dtype" attribute when given.
func inferDTypeAttrLike(c *inferCtx, n *Node, out []vtype) error {
	if n.Attr("dtype") != nil && len(out) > 0 {
		dt, err := dtypeAttr(n, "dtype", Undefined)
		if err != nil {
			return err
		}
		out[0].DType = dt
	}
	return sameShape(c, n, out)
}

// inferLayerNorm: Y has X's shape; Mean and InvStdDev keep the dims
// before axis and have 1 for the normalized ones, in the stash type.
func inferLayerNorm(_ *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	for i := range out {
		if i == 0 {
			out[i].Shape = x
			continue
		}
		out[i].DType = DType(n.AttrInt("stash_type", 1))
		if !x.Ranked {
			continue
		}
		axis, err := normAxis(n, n.AttrInt("axis", -1), len(x.Dims))
		if err != nil {
			return err
		}
		s := ranked(x.Dims...)
		for j := axis; j < len(s.Dims); j++ {
			s.Dims[j] = Fixed(1)
		}
		out[i].Shape = s
	}
	return nil
}

// inferBatchNorm: Y has X's shape; the training-mode statistics outputs
// have the shape [C] of the mean input.
func inferBatchNorm(_ *inferCtx, n *Node, out []vtype) error {
	for i := range out {
		out[i].Shape = inShape(n, 3)
	}
	if len(out) > 0 {
		out[0].Shape = inShape(n, 0)
	}
	return nil
}
