// Package movement holds the reference kernels of the ops that move,
// select or generate data without arithmetic on it: reshapes, transposes,
// concatenation and slicing, gathers and scatters, padding, shape queries
// and generators such as Range and ConstantOfShape.
package movement

import "github.com/tfc-project/tfc/exec/kernel"

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	r.Add("", "Identity", checked(1, identity))
	r.Add("", "Dropout", needs(1, dropout))
	r.Add("", "Reshape", checked(1, reshape))
	r.Add("", "Flatten", checked(1, flatten))
	r.Add("", "Squeeze", checked(1, squeeze))
	r.Add("", "Unsqueeze", checked(1, unsqueeze))
	r.Add("", "Shape", checked(1, shapeOf))
	r.Add("", "Size", checked(1, size))
	r.Add("", "Transpose", checked(1, transpose))
	r.Add("", "Concat", kernel.Single(concat))
	r.Add("", "Split", needs(1, split))
	r.Add("", "Slice", checked(1, sliceOp))
	r.Add("", "Gather", checked(2, gather))
	r.Add("", "GatherElements", checked(2, gatherElements))
	r.Add("", "GatherND", checked(2, gatherND))
	r.Add("", "ScatterND", checked(3, scatterND))
	r.Add("", "ScatterElements", checked(3, scatterElements))
	r.Add("", "Scatter", checked(3, scatterElements))
	r.Add("", "Expand", checked(2, expand))
	r.Add("", "Tile", checked(2, tile))
	r.Add("", "Pad", checked(1, pad))
	r.Add("", "ConstantOfShape", checked(1, constantOfShape))
	r.Add("", "Range", checked(3, rangeOp))
	r.Add("", "Trilu", checked(1, trilu))
	r.Add("", "EyeLike", checked(1, eyeLike))
	r.Add("", "OneHot", checked(3, oneHot))
	r.Add("", "DepthToSpace", checked(1, depthToSpace))
	r.Add("", "SpaceToDepth", checked(1, spaceToDepth))
	r.Add("", "Compress", checked(2, compress))
	r.Add("", "NonZero", checked(1, nonZero))
	r.Add("", "ReverseSequence", checked(2, reverseSequence))
	r.Add("", "CenterCropPad", checked(2, centerCropPad))
	r.Add("", "Resize", checked(1, resize))
	r.Add("", "Upsample", checked(1, upsample))
	r.Add("", "GridSample", checked(2, gridSample))
	r.Add("", "AffineGrid", checked(2, affineGrid))
	r.Add("", "Col2Im", checked(3, col2Im))
}
